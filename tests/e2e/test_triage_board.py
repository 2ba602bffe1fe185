"""The triage board in a browser, on a desktop (1366×900) and a phone (390×844): triaging a card
moves it to the Triaged column at once and both counts change without a reload; the closed
requests load when their disclosure opens; a duplicate is marked by typing the original's title;
the card menu works from the keyboard."""

import re
import shutil

import pytest
from playwright.sync_api import expect

from content.models import ContentRequest, RequestStatus

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


def _board(browser, sign_in, live_server, size):
    context = browser.new_context(**VIEWPORTS[size])
    page = sign_in(context.new_page(), "marketer")
    page.goto(live_server.url + "/requests/triage/")
    return page


def _count(page, key):
    return int(page.locator(f"#count-{key}").inner_text())


def _keep(path, name):
    """A copy of the screenshot under /tmp as well, to look at after the run."""
    shutil.copy(path, f"/tmp/{name}.png")


@pytest.mark.parametrize("size", VIEWPORTS)
def test_triaging_a_card_moves_it_to_the_triaged_column_and_updates_the_counts(
    demo, live_server, browser, sign_in, size
):
    page = _board(browser, sign_in, live_server, size)
    new, triaged = _count(page, "new"), _count(page, "triaged")
    card = page.locator("#cards-new .request-card").first
    card_id = card.get_attribute("id")
    _keep(screenshot(page, f"triage-board-{size}-before"), f"triage-board-{size}-before")
    page.evaluate("window.notReloaded = true")

    card.get_by_role("button", name=re.compile(r"^Triage #")).click()

    moved = page.locator(f"#cards-triaged #{card_id}")
    expect(moved).to_be_visible()
    expect(moved).to_contain_text("Moved from New.")
    expect(moved.get_by_role("button", name=re.compile(r"^Accept #"))).to_be_visible()  # its next step
    expect(page.locator(f"#cards-new #{card_id}")).to_have_count(0)
    expect(page.locator("#count-new")).to_have_text(str(new - 1))
    expect(page.locator("#count-triaged")).to_have_text(str(triaged + 1))
    expect(page.locator("#tab-count-new")).to_have_text(str(new - 1))
    expect(page.locator("#tab-count-triaged")).to_have_text(str(triaged + 1))
    expect(page.locator("#board-status")).to_contain_text("moved from New to Triaged")
    assert page.evaluate("window.notReloaded") is True
    pk = int(card_id.removeprefix("request-"))
    assert ContentRequest.objects.get(pk=pk).status == RequestStatus.TRIAGED
    moved.scroll_into_view_if_needed()
    _keep(screenshot(page, f"triage-board-{size}-after"), f"triage-board-{size}-after")
    page.context.close()


def test_the_closed_requests_are_collapsed_and_load_when_opened(demo, live_server, browser, sign_in):
    page = _board(browser, sign_in, live_server, "desktop")
    closed = ContentRequest.objects.exclude(status__in=["new", "triaged", "accepted", "in_progress"]).count()
    expect(page.locator("#count-closed")).to_have_text(str(closed))
    expect(page.locator("#cards-closed .request-card")).to_have_count(0)
    page.locator("#column-closed summary").click()
    expect(page.locator("#cards-closed .request-card")).to_have_count(10)
    page.get_by_role("link", name=re.compile("Show more")).click()
    expect(page.locator("#cards-closed .request-card")).to_have_count(min(closed, 20))
    _keep(screenshot(page, "triage-board-closed-open"), "triage-board-closed-open")
    page.context.close()


def test_a_duplicate_is_marked_by_typing_the_originals_title(demo, live_server, browser, sign_in):
    page = _board(browser, sign_in, live_server, "desktop")
    card = page.locator("#cards-new .request-card").first
    card_id = card.get_attribute("id")
    original = ContentRequest.objects.filter(status=RequestStatus.ACCEPTED).order_by("pk").first()
    closed = _count(page, "closed")
    card.locator("summary", has_text="More actions").click()
    field = card.get_by_label(re.compile("Duplicate of"))
    field.press_sequentially(original.title.split()[1] + " " + original.title.split()[2], delay=20)
    option = card.locator("datalist option", has_text="")
    expect(card.locator(f'datalist option[value="#{original.pk} {original.title}"]')).to_have_count(1)
    assert option.count() >= 1
    field.fill(f"#{original.pk} {original.title}")  # what choosing the option puts in the field
    card.get_by_role("button", name=re.compile(r"^Mark duplicate #")).click()
    expect(page.locator(f"#cards-new #{card_id}")).to_have_count(0)
    expect(page.locator("#count-closed")).to_have_text(str(closed + 1))
    pk = int(card_id.removeprefix("request-"))
    marked = ContentRequest.objects.get(pk=pk)
    assert (marked.status, marked.duplicate_of_id) == (RequestStatus.DUPLICATE, original.pk)
    page.context.close()


def test_the_card_menu_opens_and_closes_from_the_keyboard(demo, live_server, browser, sign_in):
    page = _board(browser, sign_in, live_server, "desktop")
    card = page.locator("#cards-new .request-card").first
    summary = card.locator("summary", has_text="More actions")
    summary.focus()
    page.keyboard.press("Enter")
    expect(card.locator("details.card-menu")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(card.get_by_label("Assignee")).to_be_focused()
    page.keyboard.press("Escape")
    expect(card.locator("details.card-menu")).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
    page.context.close()
