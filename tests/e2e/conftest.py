"""Browser tests: Debian's Chromium driven by Playwright against a live server.

`make e2e` runs them. Screenshots of each journey land in artifacts/.
"""

import json
import os
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text()
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "e2e-pass-2026"


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server, answering one request at a time.

    On SQLite the test database lives in memory and its one connection is shared by every server
    thread; two requests at once (a page's htmx fragment still loading when the browser moves on)
    would step on that connection together and hang. Connections stay threaded, so a browser's
    keep-alive connection never blocks another; only the application runs one request at a time.
    """

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


LiveServerThread.server_class = OneRequestAtATimeServer


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe is injected into pages under a strict CSP; the app's own CSP is tested elsewhere.
    return {**browser_context_args, "bypass_csp": True, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def demo(transactional_db):
    """The deterministic demo data set, with known passwords."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from content.models import FunnelStage, Persona
    from content.taxonomy_defaults import FUNNEL_STAGES, GROUPS, PERSONAS

    # A transactional test flushes every table afterwards, seeded rows included: seed them again.
    for stage in FUNNEL_STAGES:
        FunnelStage.objects.update_or_create(slug=stage["slug"], defaults=stage)
    for persona in PERSONAS:
        Persona.objects.update_or_create(slug=persona["slug"], defaults=persona)
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    users = get_user_model().objects.filter(username__in=["rep", "marketer", "manager"])
    for user in users:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return {user.username: user for user in users}


@pytest.fixture
def sign_in(live_server):
    def _sign_in(page, username):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    return _sign_in


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core on the current page; return the serious and critical violations."""
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = [v for v in result["violations"] if v.get("impact") in impacts]
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in found
    ]


def assert_accessible(page):
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, indent=2)
