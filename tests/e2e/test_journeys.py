"""The three journeys of the product, in a real browser against a live server:
(a) a rep finds a battle card, logs its use on a deal and asks for something new;
(b) a marketer triages that request, accepts, starts and delivers it, and the rep sees it delivered;
(c) a manager reads every report over a new date range, downloads CSV, and finds the delivered
asset on the calendar."""

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from content.deal_picker import deal_label
from content.models import Asset, ContentRequest, Deal, RequestStatus, Usage

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

NEW_REQUEST_TITLE = "Zebrafish hatchery onboarding playbook"
REPORTS = ["usage", "effectiveness", "adoption", "gaps", "requests", "freshness", "objections"]


def test_the_rep_marketer_and_manager_journeys(demo, live_server, browser, sign_in):
    rep_page = browser.new_page()
    marketer_page = browser.new_page()
    manager_page = browser.new_page()

    # (a) The rep searches as they type, narrows by stage and persona, opens a battle card.
    sign_in(rep_page, "rep")
    search = rep_page.get_by_label("Search the library")
    search.press_sequentially("battle card", delay=40)
    expect(rep_page.locator("#results-h")).to_contain_text("for “battle card”")
    assert "q=battle" in rep_page.url  # the search is in the address bar, shareable
    rep_page.locator(".facet", has_text="Funnel stage").get_by_role("link", name=re.compile("Evaluating")).click()
    expect(rep_page.locator(".facet", has_text="Funnel stage").locator("[aria-current=true]")).to_contain_text(
        "Evaluating"
    )
    persona_facet = rep_page.locator(".facet", has_text="Persona")
    persona_facet.get_by_role("link").first.click()
    expect(persona_facet.locator("[aria-current=true]")).to_have_count(1)
    assert "stage=evaluating" in rep_page.url and "persona=" in rep_page.url
    rep_page.locator("article.result", has=rep_page.locator(".badge", has_text="Battle card")).first.get_by_role(
        "link"
    ).first.click()
    expect(rep_page.locator(".badge.kind").first).to_have_text(re.compile("battle card", re.I))
    card_title = rep_page.locator("h1").first.inner_text()
    battle_card = Asset.objects.get(title=card_title)

    # ... logs "I used this" on one of their open deals ...
    deal = Deal.objects.open().filter(owner=demo["rep"]).order_by("crm_id").first()
    logged = Usage.objects.filter(asset=battle_card, deal=deal, user=demo["rep"], action="presented")
    before = logged.count()
    rep_page.get_by_label("In which deal?").fill(deal_label(deal))
    rep_page.get_by_label("Presented").check()
    rep_page.get_by_role("button", name="Log it").click()
    expect(rep_page.locator(".used-this .messages")).to_contain_text("Logged")
    assert logged.count() == before + 1

    # ... and asks for something the suggestions show is new.
    rep_page.goto(f"{live_server.url}/requests/new/")
    rep_page.get_by_label("Title").press_sequentially(NEW_REQUEST_TITLE, delay=20)
    expect(rep_page.locator("#suggestions")).to_contain_text("No open request matches: yours will be the first.")
    rep_page.get_by_label("Why it is needed").fill("A new vertical keeps asking how onboarding works for them.")
    rep_page.get_by_role("button", name="Submit request").click()
    expect(rep_page.locator("h1")).to_contain_text(NEW_REQUEST_TITLE)
    content_request = ContentRequest.objects.get(title=NEW_REQUEST_TITLE)
    assert content_request.requester == demo["rep"] and content_request.status == RequestStatus.NEW
    screenshot(rep_page, "journey-a-rep-request")

    # (b) The marketer triages it on the board, accepts, starts and delivers it with an asset.
    sign_in(marketer_page, "marketer")
    marketer_page.goto(f"{live_server.url}/requests/triage/")
    card = marketer_page.locator(f"#request-{content_request.pk}")
    expect(card).to_be_visible()
    # Each card shows the next step of the workflow; the card moves to its column at once.
    card.get_by_role("button", name=re.compile(r"^Triage #")).click()
    expect(marketer_page.locator(f"#cards-triaged #request-{content_request.pk}")).to_be_visible()
    card.get_by_role("button", name=re.compile(r"^Accept #")).click()
    expect(marketer_page.locator(f"#cards-accepted #request-{content_request.pk}")).to_be_visible()
    card.get_by_role("button", name=re.compile(r"^Start #")).click()
    expect(marketer_page.locator(f"#cards-in_progress #request-{content_request.pk}")).to_be_visible()
    delivered = Asset.objects.released().exclude(pk=battle_card.pk).order_by("pk").first()
    card.get_by_label("Published asset that answers it").fill(f"#{delivered.pk} {delivered.title}")
    card.get_by_role("button", name=re.compile(r"^Deliver #")).click()
    expect(marketer_page.locator(f"#cards-closed #request-{content_request.pk}")).to_have_count(1)
    expect(marketer_page.locator(f"#request-{content_request.pk}")).to_contain_text("Delivered")
    content_request.refresh_from_db()
    assert content_request.status == RequestStatus.DELIVERED and content_request.delivered_asset == delivered
    screenshot(marketer_page, "journey-b-triage")

    rep_page.goto(f"{live_server.url}/requests/")
    row = rep_page.locator("tr", has_text=NEW_REQUEST_TITLE)
    expect(row).to_contain_text("Delivered")
    expect(rep_page.locator("main")).to_contain_text(
        f"moved the request “{NEW_REQUEST_TITLE}” from in progress to delivered"
    )
    screenshot(rep_page, "journey-b-rep-sees-delivery")

    # (c) The manager tells from the reports page which three assets help win and which reps
    # rarely use the library, then opens every report, changes the date range, sees its headlines
    # and chart, opens the details, downloads CSV.
    sign_in(manager_page, "manager")
    manager_page.goto(f"{live_server.url}/reports/")
    glance = manager_page.locator("#glance")
    helps = glance.locator(".headline", has_text="Assets that help win most")
    expect(helps.locator(".headline-items li")).to_have_count(3)
    expect(helps.locator(".headline-items li a").first).to_have_attribute("href", re.compile(r"^/assets/\d+/$"))
    expect(
        glance.locator(".headline", has_text="Reps rarely using it").locator(".headline-items li")
    ).not_to_have_count(0)
    screenshot(manager_page, "journey-c-reports-glance")
    start = (datetime.date.today() - datetime.timedelta(days=365)).isoformat()
    for name in REPORTS:
        manager_page.goto(f"{live_server.url}/reports/")
        manager_page.locator(f"#r-{name}").get_by_role("link").click()
        manager_page.get_by_label("From").fill(start)
        manager_page.get_by_role("button", name="Apply").click()
        manager_page.wait_for_url(re.compile(f"start={start}"))
        expect(manager_page.locator(".headline").first).to_be_visible()
        expect(manager_page.locator("#report-chart")).to_be_visible()
        details = manager_page.locator("#details")
        expect(details.locator("table").first).to_be_hidden()  # the details wait behind their toggle
        details.locator("summary").click()
        expect(details.locator("table").first).to_be_visible()
        with manager_page.expect_download() as download_info:
            manager_page.get_by_role("link", name="Download CSV").click()
        csv_text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
        assert csv_text.count("\n") >= 1 and "," in csv_text.splitlines()[0], name
        if name == "effectiveness":
            screenshot(manager_page, "journey-c-report-effectiveness")

    # ... and the calendar shows the delivered asset in the month it was published.
    month = delivered.published_at.strftime("%Y-%m")
    manager_page.goto(f"{live_server.url}/calendar/?month={month}&view=list")
    expect(manager_page.locator("main")).to_contain_text(delivered.title)
    screenshot(manager_page, "journey-c-calendar")


def test_the_library_works_by_keyboard_alone(demo, live_server, page, sign_in):
    sign_in(page, "rep")
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.locator(":focus")).to_have_text("Skip to content")
    page.get_by_label("Search the library").focus()
    page.keyboard.type("objection", delay=30)
    expect(page.locator("#results-h")).to_contain_text("for “objection”")
    first_result = page.locator("article.result h3 a").first
    first_result.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/assets/\d+/"))
    expect(page.locator("h1").first).to_be_visible()
    assert_accessible(page)


def test_a_request_and_a_logged_use_work_by_keyboard_alone(demo, live_server, page, sign_in):
    sign_in(page, "rep")
    # File a request: focus moves from field to field with Tab, Enter submits.
    page.goto(f"{live_server.url}/requests/new/")
    page.get_by_label("Title").focus()
    page.keyboard.type("Keyboard-only comparison sheet", delay=10)
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("name", "description")
    page.keyboard.type("Filed without a mouse.")
    page.get_by_role("button", name="Submit request").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Keyboard-only comparison sheet")
    assert ContentRequest.objects.filter(title="Keyboard-only comparison sheet", requester=demo["rep"]).exists()

    # Log a use of an asset: a deal the rep does not have is refused beside the field with the
    # values kept (htmx swaps the 400 in); then the deal's name, Space picks the action, Enter logs.
    asset = Asset.objects.released().filter(kind="one_pager").order_by("pk").first()
    deal = Deal.objects.open().filter(owner=demo["rep"]).order_by("crm_id").first()
    page.goto(f"{live_server.url}/assets/{asset.pk}/")
    page.get_by_label("In which deal?").focus()
    page.keyboard.type("No such deal")
    page.locator(".used-this").get_by_label("Note").fill("kept")
    page.get_by_role("button", name="Log it").focus()
    page.keyboard.press("Enter")
    deal_field = page.get_by_label("In which deal?")
    expect(deal_field).to_have_attribute("aria-invalid", "true")
    expect(deal_field).to_have_accessible_description(re.compile("None of your open deals is called “No such deal”"))
    expect(deal_field).to_be_focused()
    expect(page.locator(".used-this").get_by_label("Note")).to_have_value("kept")
    deal_field.fill("")
    page.keyboard.type(deal_label(deal))
    page.get_by_role("radio", name="Sent", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Log it").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".used-this .messages")).to_contain_text("Logged")
    assert Usage.objects.filter(asset=asset, deal=deal, user=demo["rep"], action="sent").exists()
