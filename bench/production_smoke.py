"""Production smoke test: the path `make serve` takes, with DEBUG=0, as an operator would run it.

Collects the static files under the manifest storage, migrates, loads the demo, starts gunicorn with
three workers, then checks over plain HTTP that the health check answers a load balancer (200, no
redirect to HTTPS), that a page asked for over plain HTTP is redirected to HTTPS, and, as a reverse
proxy terminating TLS would send them (X-Forwarded-Proto: https), that every role signs in and each
of its main pages and the static files they name are served without a server error.

Usage: python bench/production_smoke.py [--database-url postgres://...]
"""

import argparse
import os
import re
import secrets
import sys

from _server import CookieClient, free_port, manage, start_gunicorn
from load import ensure_database, query

PASSWORD = "smoke-pass-2026"
# Each role's daily pages: every one must answer 200 to that role.
PAGES = {
    "rep": ["/", "/?q=pricing", "/definitions/", "/deals/", "/prep/", "/requests/", "/requests/new/", "/calendar/"],
    "marketer": ["/", "/?q=battle+card", "/assets/new/", "/assets/due/", "/requests/triage/", "/calendar/",
                 "/library/searches/"],
    "manager": ["/", "/reports/", "/reports/usage/", "/reports/effectiveness/", "/calendar/", "/deals/"],
}
HTTPS = {"X-Forwarded-Proto": "https"}


def check(condition: bool, message: str) -> None:
    print(("PASS " if condition else "FAIL ") + message, flush=True)
    if not condition:
        raise SystemExit(1)


def sign_in(browser: CookieClient, username: str) -> None:
    status, _, page = browser.call("GET", "/login/", headers=HTTPS)
    check(status == 200, f"{username}: the sign-in page answers 200 behind the proxy ({status})")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = f"username={username}&password={PASSWORD}&csrfmiddlewaretoken={token}"
    status, headers, _ = browser.call(
        "POST", "/login/", body=form, headers={**HTTPS, "Referer": "https://localhost/login/"}
    )
    check(status == 302 and "/login/" not in headers.get("Location", ""), f"{username} signs in ({status})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/enablement_smoke")
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()

    env = dict(os.environ)
    env.update({
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DATABASE_URL": args.database_url,
        "REQUEST_LOG_LEVEL": "WARNING",
    })
    env.pop("REDIS_URL", None)  # the embedded path: `make serve` without Redis
    if args.database_url.startswith("postgres"):
        ensure_database(args.database_url)
    manage("collectstatic", "--noinput", "--clear", "-v0", env=env)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("load_demo", "--if-empty", env=env, capture=True)
    query(env, "from django.contrib.auth import get_user_model; U = get_user_model(); "
               f"[(u.set_password('{PASSWORD}'), u.save()) for u in U.objects.filter(username__in={list(PAGES)!r})];"
               " print('ok')")

    port = free_port()
    server = start_gunicorn(port, env, workers=args.workers, threads=1)
    try:
        anonymous = CookieClient(port)
        status, _, body = anonymous.call("GET", "/healthz")
        check(status == 200 and '"ok"' in body, f"/healthz answers 200 over plain HTTP ({status})")
        status, headers, _ = anonymous.call("GET", "/login/")
        check(status == 301 and headers.get("Location", "").startswith("https://"),
              f"a page over plain HTTP is redirected to HTTPS ({status})")

        static_checked = set()
        for role, pages in PAGES.items():
            browser = CookieClient(port)
            sign_in(browser, role)
            for path in pages:
                status, _, page = browser.call("GET", path, headers=HTTPS)
                check(status == 200, f"{role}: {path} answers 200 ({status})")
                for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
                    if asset in static_checked:
                        continue
                    static_checked.add(asset)
                    status, _, _ = browser.call("GET", asset, headers=HTTPS)
                    check(status == 200, f"static file {asset} is served ({status})")
        check(any("vendor/htmx" in path for path in static_checked), "the pages name the hashed, vendored htmx")
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("Production smoke test passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
