"""The CRM side panel in Chromium: a page on an origin that EMBED_FRAME_ANCESTORS names may frame it,
a page on any other origin is refused by the browser itself; and a rep connects a framed panel, with
the site's cookies out of reach of the cross-site frame, and logs a use from it.

The two parent pages stand for a CRM: tiny pages served from 127.0.0.1 on two ports (two origins),
framing the panel from the live server at localhost (another site)."""

import http.server
import re
import threading

import pytest
from playwright.sync_api import expect

from content.models import Deal, Usage

from .conftest import PASSWORD, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PARENT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CRM record</title></head>
<body><h1>Opportunity</h1><iframe id="panel" title="Enablement" src="{src}" width="420" height="760"></iframe></body></html>"""


class _Parent(http.server.BaseHTTPRequestHandler):
    html = b""

    def do_GET(self):  # noqa: N802 - the name http.server calls
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.html)

    def log_message(self, *args):
        pass


@pytest.fixture
def crm_page():
    """Starts a parent page framing `src` on 127.0.0.1 (a port of its own); returns its origin."""
    servers = []

    def start(src: str) -> str:
        handler = type("Parent", (_Parent,), {"html": PARENT.format(src=src).encode()})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _console(page) -> list[str]:
    seen = []
    page.on("console", lambda message: seen.append(message.text))
    return seen


def test_only_a_configured_crm_origin_can_frame_the_panel(demo, live_server, browser, crm_page, settings):
    deal = Deal.objects.open().filter(owner=demo["rep"]).order_by("crm_id").first()
    src = f"{live_server.url}/embed/deals/{deal.crm_id}/"
    allowed, stranger = crm_page(src), crm_page(src)
    settings.EMBED_FRAME_ANCESTORS = [allowed]
    context = browser.new_context()  # the app's CSP is enforced here (the other tests bypass it)
    page = context.new_page()
    console = _console(page)  # Chromium reports a refused frame there

    page.goto(stranger)
    page.wait_for_load_state("load")
    refused = page.frame_locator("#panel").get_by_role("heading", name="Connect the side panel")
    expect(refused).to_have_count(0)
    assert any("frame-ancestors" in line and "has been blocked" in line for line in console), console

    console.clear()
    page.goto(allowed)
    framed = page.frame_locator("#panel")
    expect(framed.get_by_role("heading", name="Connect the side panel")).to_be_visible()
    assert not any("frame-ancestors" in line for line in console), console
    context.close()


def test_a_rep_connects_the_framed_panel_and_logs_a_use(demo, live_server, browser, crm_page, settings):
    rep = demo["rep"]
    deal = Deal.objects.open().filter(owner=rep).order_by("crm_id").first()
    crm = crm_page(f"{live_server.url}/embed/deals/{deal.crm_id}/")
    settings.EMBED_FRAME_ANCESTORS = [crm]
    context = browser.new_context()
    page = context.new_page()
    page.goto(crm)
    panel = page.frame_locator("#panel")

    # Connect opens a window of the site itself, where the rep signs in and confirms.
    with context.expect_page() as opened:
        panel.get_by_role("link", name="Connect").click()
    window = opened.value
    window.wait_for_load_state()
    window.get_by_label("Username").fill("rep")
    window.get_by_label("Password").fill(PASSWORD)
    window.get_by_role("button", name="Sign in").click()
    window.get_by_role("button", name="Connect the panel").click()
    if not window.is_closed():  # a sign-in page on the way severs the opener: the panel's Continue
        expect(window.locator("#panel-token")).to_contain_text("Connected")
        panel.get_by_role("link", name="Continue").click()

    expect(panel.get_by_role("heading", name=deal.name)).to_be_visible()
    expect(panel.get_by_text(f"Connected as {rep.get_full_name() or rep.username}")).to_be_visible()
    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    assert cookies["panel_session"]["sameSite"] == "None" and cookies["panel_session"]["secure"]
    assert cookies["panel_session"]["path"] == "/embed/"

    before = Usage.objects.filter(deal=deal, user=rep, action="presented").count()
    panel.get_by_role("button", name=re.compile(r"as presented$")).first.click()
    expect(panel.get_by_role("status")).to_contain_text("Logged: presented")
    assert Usage.objects.filter(deal=deal, user=rep, action="presented").count() == before + 1
    screenshot(page, "side-panel-in-a-crm")
    context.close()
