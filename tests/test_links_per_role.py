"""No page shows a role a link it may not follow: every internal link on each role's main pages
answers that role with something other than 403 (a button that leads to "not allowed" is a button
that should not have been shown)."""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from content.reports import REPORTS

from .security_helpers import client_for

pytestmark = pytest.mark.django_db

COMMON = [
    "/",
    "/?q=deck",
    "/prep/",
    "/deals/",
    "/requests/",
    "/requests/new/",
    "/calendar/",
    "/calendar/?view=list",
    "/definitions/",
    "/account/token/",
    lambda w: f"/assets/{w.published.pk}/",
    lambda w: f"/deals/{w.rep_deal.crm_id}/",
    lambda w: f"/prep/{w.rep_deal.crm_id}/",
    lambda w: f"/requests/{w.rep_request.pk}/",
    lambda w: f"/requests/{w.other_open.pk}/",
]
MAIN_PAGES = {
    "rep": COMMON,
    "marketer": [
        *COMMON,
        "/requests/triage/",
        "/assets/new/",
        "/assets/new/?kind=battle_card",
        "/assets/due/",
        "/library/searches/",
        lambda w: f"/assets/{w.draft.pk}/",
        lambda w: f"/assets/{w.published.pk}/edit/",
    ],
    "manager": [
        *COMMON,
        "/reports/",
        *[f"/reports/{name}/" for name in REPORTS],
        "/deals/import/",
        "/library/searches/",
        lambda w: f"/assets/{w.draft.pk}/",
    ],
}
# Links that are not pages: they change something or download a file; following them is not the
# question here (the permission matrix covers them).
NOT_FOLLOWED = ("/logout/", "/static/", "/media/")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def internal_links(page_url: str, html: str) -> set[str]:
    parser = _Links()
    parser.feed(html)
    links = set()
    for href in parser.hrefs:
        if href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        absolute = urljoin("http://testserver" + page_url, href)
        parts = urlsplit(absolute)
        if parts.netloc != "testserver" or parts.path.startswith(NOT_FOLLOWED):
            continue
        links.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


@pytest.mark.parametrize("persona", sorted(MAIN_PAGES))
def test_every_link_on_a_roles_main_pages_opens_for_that_role(security_world, persona):
    client = client_for(persona, security_world)
    pages = [page(security_world) if callable(page) else page for page in MAIN_PAGES[persona]]
    found: dict[str, str] = {}
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, (persona, page, response.status_code)
        for link in internal_links(page, response.content.decode()):
            found.setdefault(link, page)
    assert len(found) > 20  # the crawl saw the navigation, the lists and the buttons

    refused = {link: on for link, on in sorted(found.items()) if client.get(link).status_code == 403}

    assert refused == {}, f"{persona} is shown links to pages they may not open: {refused}"


def test_the_link_reader_keeps_internal_pages_only():
    html = (
        '<a href="/deals/">d</a><a href="?page=2">p</a><a href="#top">t</a>'
        '<a href="https://example.com/x">x</a><a href="/static/css/app.css">s</a>'
    )
    assert internal_links("/requests/", html) == {"/deals/", "/requests/?page=2"}
