"""Scale-out proof: two gunicorn instances on two loopback ports share one PostgreSQL and one Redis.

It shows that each instance sees the other's writes (usage logged and an asset edited through
either), that a session opened on one works on the other, and that killing an instance with
SIGKILL in the middle of a stream of writes loses no write that was acknowledged.

Usage: python bench/two_instances.py [--database-url postgres://...] [--redis-url redis://...]
"""

import argparse
import http.cookiejar
import json
import os
import re
import signal
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

from _server import app_env, free_port, manage, start_gunicorn, tokens_for
from load import ensure_database, query

PASSWORD = "scale-pass-2026"


class Client:
    def __init__(self, base, token=None):
        self.base = base
        self.token = token
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def call(self, method, path, body=None, form=None, headers=None):
        headers = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            return 0, str(error)  # the instance is gone: this write was not acknowledged


def check(condition, message):
    print(("PASS " if condition else "FAIL ") + message, flush=True)
    if not condition:
        raise SystemExit(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/enablement_scale")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"))
    args = parser.parse_args()

    env = app_env(DATABASE_URL=args.database_url, REDIS_URL=args.redis_url, REQUEST_LOG_LEVEL="WARNING")
    ensure_database(args.database_url)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("load_demo", env=env, capture=True)
    query(env, "from django.contrib.auth import get_user_model; U = get_user_model(); "
               f"[(u.set_password('{PASSWORD}'), u.save()) for u in U.objects.filter(username__in=['rep','marketer'])];"
               " print('ok')")
    tokens = tokens_for(["rep", "marketer"], env)
    asset_id = int(query(env, "from content.models import Asset; print(Asset.objects.released().first().id)"))
    deal = query(env, "from content.models import Deal; print(Deal.objects.open().filter(owner__username='rep')"
                      ".first().crm_id)")

    port_a, port_b = free_port(), free_port()
    a = start_gunicorn(port_a, env, workers=2, threads=2)
    b = start_gunicorn(port_b, env, workers=2, threads=2)
    base_a, base_b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
    try:
        # 1. A write through A is read through B, and the other way round.
        rep_a, rep_b = Client(base_a, tokens["rep"]), Client(base_b, tokens["rep"])
        status, body = rep_a.call("POST", "/api/v1/usage/", {"asset": asset_id, "deal": deal, "action": "shared",
                                                              "note": "logged through A"})
        check(status == 201, f"usage logged through instance A ({status})")
        usage_id = json.loads(body)["id"]
        status, body = rep_b.call("GET", f"/api/v1/usage/?deal={deal}")
        check(status == 200 and f'"id":{usage_id}' in body.replace(" ", ""), "instance B sees the usage logged through A")

        marketer_b, marketer_a = Client(base_b, tokens["marketer"]), Client(base_a, tokens["marketer"])
        status, _ = marketer_b.call("PATCH", f"/api/v1/assets/{asset_id}/", {"summary": "Edited through B."})
        check(status == 200, f"asset edited through instance B ({status})")
        status, body = marketer_a.call("GET", f"/api/v1/assets/{asset_id}/")
        check(status == 200 and "Edited through B." in body, "instance A sees the edit made through B")

        # 2. A session opened on A works on B (sessions live in Redis, not in a worker).
        browser = Client(base_a)
        status, page = browser.call("GET", "/login/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _ = browser.call("POST", "/login/", form={"username": "rep", "password": PASSWORD,
                                                          "csrfmiddlewaretoken": csrf},
                                 headers={"Referer": base_a + "/login/"})
        browser.base = base_b
        status, page = browser.call("GET", "/")
        check(status == 200 and "Sign out" in page, "a session opened on A is signed in on B")

        # 3. Kill A with SIGKILL during a stream of writes: every acknowledged write is stored.
        acknowledged, lock = [], threading.Lock()

        def writer(client, n):
            for i in range(n):
                status, body = client.call("POST", "/api/v1/usage/", {
                    "asset": asset_id, "deal": deal, "action": "sent", "note": f"stream {client.base} {i}"})
                if status == 201:
                    with lock:
                        acknowledged.append(json.loads(body)["id"])

        threads = [threading.Thread(target=writer, args=(Client(base, tokens["rep"]), 60))
                   for base in (base_a, base_a, base_b, base_b)]
        for thread in threads:
            thread.start()
        threading.Event().wait(1.0)
        a.send_signal(signal.SIGKILL)  # the gunicorn master; its workers die with it
        for thread in threads:
            thread.join()
        ids = ",".join(str(i) for i in acknowledged)
        stored = int(query(env, f"from content.models import Usage; print(Usage.objects.filter(id__in=[{ids}]).count())"))
        check(len(acknowledged) > 0 and stored == len(acknowledged),
              f"after killing A: {len(acknowledged)} writes acknowledged, {stored} stored, none lost")
        status, _ = Client(base_b, tokens["rep"]).call("GET", "/api/v1/usage/")
        check(status == 200, "instance B keeps serving after A died")
    finally:
        for process in (a, b):
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
    print("Two-instance proof passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
