"""Start and stop throwaway app servers on loopback for the fuzz, load and scale-out scripts."""

import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args, env, check=True, capture=False):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=check, text=True,
        capture_output=capture,
    )


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server at {url} did not come up in {timeout}s")


def start_gunicorn(port: int, env: dict, workers: int = 2, threads: int = 4, log_path: Path | None = None):
    log = open(log_path or os.devnull, "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "enablement.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--timeout", "60"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    wait_until_up(f"http://127.0.0.1:{port}/healthz")
    return process


def tokens_for(usernames, env) -> dict[str, str]:
    code = (
        "import json; from rest_framework.authtoken.models import Token; "
        "from django.contrib.auth import get_user_model; U = get_user_model(); "
        f"print(json.dumps({{u: Token.objects.get_or_create(user=U.objects.get(username=u))[0].key "
        f"for u in {list(usernames)!r}}}))"
    )
    out = manage("shell", "-c", code, env=env, capture=True).stdout
    import json

    return json.loads(out.strip().splitlines()[-1])


def app_env(**overrides) -> dict:
    env = dict(os.environ)
    env.update({"DEBUG": "1", "ALLOWED_HOSTS": "127.0.0.1,localhost"})
    env.update(overrides)
    return env


class CookieClient:
    """HTTP on loopback that keeps its own cookies, Secure ones included: behind a TLS-terminating
    proxy the app's cookies are Secure although these requests are plain HTTP."""

    def __init__(self, port: int, host_header: str = "localhost"):
        self.port = port
        self.host_header = host_header
        self.cookies: dict[str, str] = {}

    def call(self, method: str, path: str, body=None, headers: dict | None = None):
        """(status, headers, text) of one request."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": self.host_header, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        text = response.read().decode(errors="replace")
        connection.close()
        return response.status, dict(response.getheaders()), text
