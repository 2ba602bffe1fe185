"""A real OpenID Connect provider for the single sign-on tests (tests/oidc_provider/, django-oidc-provider
in its own process on a free loopback port), and a browser that signs in through it: the app is
driven by Django's test client, the provider by a requests.Session, following the real redirects
(the app's /sso/start/ → the provider's authorize → its sign-in form → authorize → the app's
/sso/callback/, whose token and userinfo calls go to the provider over HTTP)."""

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

REPO = Path(__file__).resolve().parent.parent
CLIENT_ID = "enablement-library"
CLIENT_SECRET = "test-client-secret"  # noqa: S105
CONTROL_SECRET = "test-control-secret"  # noqa: S105
APP = "http://testserver"
CALLBACK = APP + "/sso/callback/"
SIGNED_OUT = APP + "/login/"  # where the provider sends a browser back after signing out
PASSWORD = "provider-pass-123"  # noqa: S105


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ProviderControl:
    url: str

    @property
    def issuer(self) -> str:
        return self.url + "/openid"

    def _post(self, path: str, data: dict) -> dict:
        response = requests.post(self.url + path, json=data, headers={"X-Control-Secret": CONTROL_SECRET}, timeout=5)
        response.raise_for_status()
        return response.json()

    def user(
        self, username: str, *, groups: list[str], first_name="", last_name="", email=None, email_verified=True
    ) -> str:
        """Create or update the provider's user; returns their subject."""
        data = {"username": username, "password": PASSWORD, "groups": groups, "email_verified": email_verified}
        data.update(first_name=first_name, last_name=last_name, email=email or f"{username}@example.com")
        return self._post("/control/user/", data)["sub"]

    def access_token(self, username: str, *, expired: bool = False) -> str:
        """An access token of the provider for `username`, as an assistant holds after its own sign-in."""
        return self._post("/control/access-token/", {"username": username, "expired": expired})["access_token"]

    def answer(self, *, id_token="normal", token_delay=0.0) -> None:  # noqa: S107 - a mode, not a secret
        """What the token endpoint answers from now on (tests/oidc_provider/control.py)."""
        self._post("/control/mode/", {"id_token": id_token, "token_delay": token_delay})


def _wait_until_up(process, url: str, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The test OIDC provider exited:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    pytest.fail(f"The test OIDC provider did not start in {seconds} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """The provider process, one per test session (per xdist worker), stopped at the end."""
    home = tmp_path_factory.mktemp("oidc-provider")
    port = free_port()
    env = {
        **os.environ,
        "PROVIDER_DB": str(home / "provider.sqlite3"),
        "PROVIDER_CONTROL_SECRET": CONTROL_SECRET,
        "PYTHONPATH": str(REPO),
    }
    log = home / "provider.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.oidc_provider.serve",
                str(port),
                CLIENT_ID,
                CLIENT_SECRET,
                CALLBACK,
                SIGNED_OUT,
            ],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        provider = ProviderControl(url=f"http://127.0.0.1:{port}")
        _wait_until_up(process, provider.issuer + "/.well-known/openid-configuration", log)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def sso(settings, oidc_provider):
    """Single sign-on on, against the test provider, answering normally."""
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ROLE_MAP = {"sales-team": "Sales", "marketing": "Marketing", "sales-managers": "Managers"}
    settings.OIDC_PROVIDER_NAME = "Example Corp"
    settings.OIDC_TIMEOUT = 5
    oidc_provider.answer()
    yield oidc_provider
    oidc_provider.answer()


def sign_in_with_sso(client, username: str, *, next_url: str = "", browser=None):
    """Sign in as the provider's `username` and return the app's answer to the callback; `browser`
    (a requests.Session) keeps the provider's cookies for the test to go on with."""
    start = client.get("/sso/start/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.status_code
    browser = browser if browser is not None else requests.Session()
    authorize = browser.get(start["Location"], allow_redirects=False, timeout=5)
    assert authorize.status_code == 302, authorize.text[:500]
    login_url = urljoin(start["Location"], authorize.headers["Location"])
    form = browser.get(login_url, timeout=5)
    assert form.status_code == 200
    signed_in = browser.post(
        login_url,
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "next": parse_qs(urlsplit(login_url).query)["next"][0],
        },
        allow_redirects=False,
        timeout=5,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    consented = browser.get(urljoin(login_url, signed_in.headers["Location"]), allow_redirects=False, timeout=5)
    assert consented.status_code == 302, consented.text[:500]
    callback = consented.headers["Location"]
    assert callback.startswith(CALLBACK + "?"), callback
    return client.get(callback.removeprefix(APP))
