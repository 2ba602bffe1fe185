"""On a phone (390×844) no main page of any role scrolls sideways, and the library shows its first
result in the first screenful: its filters are a closed disclosure above the results there, and
open beside them on a wide screen."""

import pytest
from playwright.sync_api import expect

from content.models import Asset, ContentRequest, Deal

from .conftest import screenshot
from .role_pages import MANAGER_PAGES, MARKETER_PAGES, REP_PAGES

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}

# The widest elements that stick out of the viewport, to say what to fix when this fails.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\\s+/g, '.') : ''));
  return {scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
}"""


def _phone_page(browser, sign_in, username):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    return sign_in(context.new_page(), username)


def test_no_main_page_scrolls_sideways_on_a_phone(demo, live_server, browser, sign_in):
    rep = demo["rep"]
    deal = Deal.objects.filter(owner=rep).order_by("crm_id").first()
    pages = {
        "rep": REP_PAGES
        + [
            f"/assets/{Asset.objects.released().filter(kind='battle_card').first().pk}/",
            f"/deals/{deal.crm_id}/",
            f"/prep/{deal.crm_id}/",
            f"/requests/{ContentRequest.objects.filter(requester=rep).first().pk}/",
        ],
        "marketer": MARKETER_PAGES + [f"/requests/{ContentRequest.objects.first().pk}/", f"/deals/{deal.crm_id}/"],
        "manager": MANAGER_PAGES + [f"/deals/{deal.crm_id}/"],
    }
    sideways = {}
    for username, paths in pages.items():
        page = _phone_page(browser, sign_in, username)
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status == 200, (username, path, response.status)
            measured = page.evaluate(OVERFLOW)
            if measured["scrollWidth"] > measured["width"]:
                sideways[f"{username} {path}"] = measured
        page.context.close()
    assert sideways == {}


@pytest.mark.parametrize("username", ["rep", "marketer", "manager"])
def test_the_first_library_result_is_in_the_first_screenful_on_a_phone(demo, live_server, browser, sign_in, username):
    page = _phone_page(browser, sign_in, username)
    page.goto(live_server.url + "/")

    first = page.locator("article.result h3 a").first
    expect(first).to_be_in_viewport()
    box = first.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box  # the whole title, not a sliver of it
    filters = page.locator("details.facets-details")
    expect(filters).not_to_have_attribute("open", "")
    screenshot(page, f"phone-library-{username}")

    # The filters are one tap away, and a filter chosen there narrows the results in place.
    page.get_by_text("Filters", exact=True).click()
    page.locator(".facet", has_text="Kind").get_by_role("link").first.click()
    expect(page.locator("details.facets-details summary .badge")).to_have_text("1 active")
    expect(page.locator("article.result h3 a").first).to_be_in_viewport()
    page.context.close()


def test_the_filters_stay_open_beside_the_results_on_a_wide_screen(demo, live_server, browser, sign_in):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = sign_in(context.new_page(), "rep")
    page.goto(live_server.url + "/")
    filters = page.locator("details.facets-details")
    expect(filters).to_have_attribute("open", "")

    page.get_by_label("Search the library").press_sequentially("pricing", delay=30)  # results swapped by htmx

    expect(page.locator("#results-h")).to_contain_text("for “pricing”")
    expect(filters).to_have_attribute("open", "")
    expect(page.locator(".facet", has_text="Kind")).to_be_visible()
    context.close()


def test_error_pages_in_a_browser(demo, live_server, browser, sign_in):
    """Screenshots of the styled 403 and 404 as a rep sees them, for a look by eye."""
    other_deal = Deal.objects.exclude(owner=demo["rep"]).exclude(owner=None).first()
    for viewport, suffix in ((PHONE, "phone"), ({"width": 1366, "height": 900}, "wide")):
        context = browser.new_context(viewport=viewport)
        page = sign_in(context.new_page(), "rep")
        response = page.goto(f"{live_server.url}/deals/{other_deal.crm_id}/")
        assert response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        screenshot(page, f"error-404-{suffix}")
        response = page.goto(f"{live_server.url}/reports/")
        assert response.status == 403
        expect(page.get_by_role("heading", level=1)).to_have_text("This page is not part of your role")
        screenshot(page, f"error-403-{suffix}")
        context.close()
