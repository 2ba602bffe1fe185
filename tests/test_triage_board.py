"""The triage board (content/views/triage.py): an action moves its card and updates every column
count in one answer (htmx out-of-band swaps) or posts and redirects without JavaScript; one primary
action per card; the closed requests behind a disclosure, loaded page by page; the duplicate picker
by title; the same SLA on the board, the request page, the API and the requests report; constant
queries whatever the number of requests."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from content.models import REQUEST_TRANSITIONS, ContentRequest, FunnelStage, RequestStatus
from content.reports import REPORTS, ReportFilters

from .factories import AssetFactory, UserFactory
from .requests_helpers import fast_password_hashing, request_in  # noqa: F401

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
BOARD = "/requests/triage/"


def act(client, request, action, data=None, *, next_url=BOARD, htmx=True, **extra):
    url = reverse("request-triage-action", args=[request.pk, action])
    return client.post(url, {"next": next_url, **(data or {})}, **(HTMX if htmx else {}), **extra)


def oob_count(html, key):
    found = re.search(rf'<span class="badge" id="count-{key}" hx-swap-oob="true">(\d+)</span>', html)
    return int(found.group(1)) if found else None


def column(page, key):
    """The HTML of one open column of the board page."""
    return page.split(f'id="cards-{key}"')[1].split("</section>")[0]


# Actions move the card and update the counts


def test_triaging_moves_the_card_to_the_top_of_its_new_column_and_updates_every_count(marketer_client):
    moving = request_in(RequestStatus.NEW, title="Moving card")
    request_in(RequestStatus.NEW)
    request_in(RequestStatus.TRIAGED)
    request_in(RequestStatus.DECLINED, decline_reason="No.")
    html = act(marketer_client, moving, "transition", {"to_status": "triaged"}).content.decode()
    # The main answer is empty (the old card is swapped for nothing); the card goes out of band.
    assert html.lstrip().startswith('<div hx-swap-oob="afterbegin:#cards-triaged">')
    assert f'id="request-{moving.pk}"' in html and "Moved from New." in html
    assert 'name="to_status" value="accepted"' in html.split("card-menu")[0]  # its next step, Accept
    counts = {key: oob_count(html, key) for key in ("new", "triaged", "accepted", "in_progress", "closed")}
    assert counts == {"new": 1, "triaged": 2, "accepted": 0, "in_progress": 0, "closed": 1}
    assert 'id="tab-count-triaged" hx-swap-oob="true">2<' in html
    assert f"Request #{moving.pk} moved from New to Triaged." in html
    moving.refresh_from_db()
    assert moving.status == RequestStatus.TRIAGED


def test_an_action_that_keeps_the_column_re_renders_the_card_in_place_with_the_counts(marketer_client, marketer):
    request = request_in(RequestStatus.NEW)
    html = act(marketer_client, request, "priority", {"priority": 4}).content.decode()
    assert html.lstrip().startswith(f'<article class="request-card card priority-4" id="request-{request.pk}"')
    assert 'hx-swap-oob="afterbegin' not in html
    assert oob_count(html, "new") == 1 and "Priority saved." in html


def test_a_refused_action_shows_its_error_on_the_card_which_stays(marketer_client):
    request = request_in(RequestStatus.NEW)
    html = act(marketer_client, request, "transition", {"to_status": "declined"}).content.decode()
    assert html.lstrip().startswith("<article")
    assert 'role="alert">Say why the request is declined.' in html
    assert '<details class="card-menu" open>' in html  # the menu with the reason field is open
    assert oob_count(html, "new") == 1 and oob_count(html, "closed") == 0


def test_the_counts_are_those_of_the_filtered_board_the_action_came_from(marketer_client):
    stage = FunnelStage.objects.first()
    staged = request_in(RequestStatus.NEW, stage=stage)
    request_in(RequestStatus.NEW)  # another stage: not on the filtered board
    html = act(
        marketer_client, staged, "transition", {"to_status": "accepted"}, next_url=f"{BOARD}?stage={stage.slug}"
    ).content.decode()
    assert (oob_count(html, "new"), oob_count(html, "accepted")) == (0, 1)


def test_a_card_that_no_longer_matches_the_boards_filters_leaves_it(marketer_client, marketer):
    other = UserFactory(username="other-marketer", groups=["Marketing"])
    request = request_in(RequestStatus.NEW, assignee=marketer)
    html = act(
        marketer_client, request, "assign", {"assignee": other.pk}, next_url=f"{BOARD}?assignee=marketer"
    ).content.decode()
    assert "<article" not in html and oob_count(html, "new") == 0
    assert "It no longer matches the filters of the board." in html


def test_without_javascript_an_action_redirects_back_to_the_filtered_board_with_a_message(marketer_client):
    stage = FunnelStage.objects.first()
    request = request_in(RequestStatus.NEW, stage=stage)
    back = f"{BOARD}?stage={stage.slug}"
    response = act(marketer_client, request, "transition", {"to_status": "triaged"}, next_url=back, htmx=False)
    assert (response.status_code, response["Location"]) == (302, back)
    page = marketer_client.get(back).content.decode()
    assert "Now triaged." in page and f"request-{request.pk}" in column(page, "triaged")


# One primary action per card


@pytest.mark.parametrize(
    ("status", "primary"),
    [("new", "triaged"), ("triaged", "accepted"), ("accepted", "in_progress"), ("in_progress", "delivered")],
)
def test_each_card_offers_the_next_step_of_the_workflow_and_the_rest_in_its_menu(marketer_client, status, primary):
    request = request_in(status)
    page = marketer_client.get(BOARD).content.decode()
    card = page.split(f'id="request-{request.pk}"')[1].split("</article>")[0]
    before_menu, menu = card.split('<details class="card-menu"')
    assert re.findall(r'name="to_status" value="(\w+)"', before_menu) == [primary]
    in_menu = re.findall(r'name="to_status" value="(\w+)"', menu)
    assert primary not in in_menu and set(in_menu) | {primary} == set(REQUEST_TRANSITIONS[status])


def test_the_request_page_lists_every_action_without_a_menu(marketer_client):
    request = request_in(RequestStatus.NEW)
    page = marketer_client.get(request.get_absolute_url()).content.decode()
    assert set(re.findall(r'name="to_status" value="(\w+)"', page)) == {"triaged", "accepted", "declined", "duplicate"}
    assert "card-menu" not in page


# The closed requests


def _closed(n):
    for i in range(n):
        request_in(RequestStatus.DECLINED, title=f"Closed {i:02}", decline_reason="No.")


def test_closed_requests_are_counted_on_the_board_and_not_rendered_until_asked_for(marketer_client):
    _closed(3)
    page = marketer_client.get(BOARD).content.decode()
    assert '<span class="badge" id="count-closed">3</span>' in page
    assert "Closed 00" not in page
    assert 'hx-trigger="toggle once"' in page and reverse("request-triage-closed") in page


def test_the_closed_cards_load_ten_at_a_time_with_a_link_to_the_next_ten(marketer_client):
    _closed(12)
    first = marketer_client.get(reverse("request-triage-closed"), **HTMX).content.decode()
    assert first.count("<article") == 10 and "Show more (2 left)" in first and "page=2" in first
    second = marketer_client.get(reverse("request-triage-closed"), {"page": 2}, **HTMX).content.decode()
    assert second.count("<article") == 2 and "Show more" not in second


def test_without_javascript_the_closed_cards_are_a_page_of_their_own_with_the_boards_filters(marketer_client):
    stage = FunnelStage.objects.first()
    request_in(RequestStatus.DECLINED, title="Staged closed", stage=stage, decline_reason="No.")
    request_in(RequestStatus.DECLINED, title="Other closed", decline_reason="No.")
    page = marketer_client.get(reverse("request-triage-closed"), {"stage": stage.slug}).content.decode()
    assert "<h1>Closed requests</h1>" in page and "Staged closed" in page and "Other closed" not in page
    bad = marketer_client.get(reverse("request-triage-closed"), {"status": "bogus"})
    assert bad.status_code == 400 and "These filters cannot be used" in bad.content.decode()


# The duplicate picker: one field, by title


def test_the_duplicate_picker_finds_open_requests_by_title_words_never_itself_nor_a_duplicate(marketer_client):
    request = request_in(RequestStatus.NEW, title="Healthcare case study, please")
    closed = request_in(RequestStatus.DELIVERED, title="Healthcare case study (2025)", delivered_asset=AssetFactory())
    still_open = request_in(RequestStatus.ACCEPTED, title="Case study for healthcare buyers")
    request_in(RequestStatus.DUPLICATE, title="Healthcare case study again")
    found = marketer_client.get(
        reverse("request-lookup"), {"duplicate_of": "case healthcare", "exclude": request.pk}
    ).content.decode()
    values = re.findall(r'value="([^"]+)"', found)
    assert values == [f"#{still_open.pk} {still_open.title}", f"#{closed.pk} {closed.title}"]


@pytest.mark.parametrize("how", ["label", "number", "whole title"])
def test_marking_a_duplicate_takes_the_one_field_as_the_picker_fills_it_or_as_typed(marketer_client, how):
    original = request_in(RequestStatus.ACCEPTED, title="ROI calculator")
    duplicate = request_in(RequestStatus.NEW)
    typed = {"label": f"#{original.pk} ROI calculator", "number": str(original.pk), "whole title": "roi CALCULATOR"}
    act(marketer_client, duplicate, "transition", {"to_status": "duplicate", "duplicate_of": typed[how]})
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.duplicate_of) == (RequestStatus.DUPLICATE, original)


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("Nothing like it", "No request is called “Nothing like it”"),
        ("Twice", "Several requests are called “Twice”"),
        ("#999999 Gone", "There is no request #999999."),
        ("", "Pick the original request this one duplicates."),
    ],
)
def test_a_duplicate_field_that_names_no_single_request_says_what_to_do(marketer_client, typed, error):
    request_in(RequestStatus.NEW, title="Twice")
    request_in(RequestStatus.TRIAGED, title="Twice")
    duplicate = request_in(RequestStatus.NEW)
    html = act(marketer_client, duplicate, "transition", {"to_status": "duplicate", "duplicate_of": typed})
    assert error in html.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.status == RequestStatus.NEW


def test_a_request_is_not_a_duplicate_of_itself_even_by_number(marketer_client):
    request = request_in(RequestStatus.NEW)
    html = act(marketer_client, request, "transition", {"to_status": "duplicate", "duplicate_of": str(request.pk)})
    assert "A request cannot be a duplicate of itself." in html.content.decode()


def test_delivering_takes_the_asset_as_the_picker_fills_it(marketer_client):
    asset = AssetFactory(title="ROI one-pager")
    request = request_in(RequestStatus.IN_PROGRESS)
    html = act(
        marketer_client, request, "transition", {"to_status": "delivered", "delivered_asset": f"#{asset.pk} ROI"}
    ).content.decode()
    assert 'hx-swap-oob="afterbegin:#cards-closed"' in html and oob_count(html, "closed") == 1
    request.refresh_from_db()
    assert (request.status, request.delivered_asset) == (RequestStatus.DELIVERED, asset)


# One SLA, shown the same everywhere


def _at(day, hour=12):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_the_sla_is_the_same_on_the_board_the_request_page_the_api_and_the_requests_report(marketer_client):
    today = timezone.localdate()
    week_ago = today - datetime.timedelta(days=7)
    expected = {
        request_in(RequestStatus.NEW, triage_due=today + datetime.timedelta(days=9)): "Triage on track",
        request_in(RequestStatus.NEW, triage_due=today): "Triage due soon",
        request_in(RequestStatus.NEW, triage_due=week_ago): "Triage overdue",
        request_in(RequestStatus.TRIAGED, triage_due=today, triaged_at=_at(week_ago)): "Triaged in time",
        # in progress, past the requester's needed-by date, triaged late: "Triaged late", not overdue
        request_in(
            RequestStatus.IN_PROGRESS,
            triage_due=week_ago,
            triaged_at=_at(today - datetime.timedelta(days=2)),
            needed_by=today - datetime.timedelta(days=1),
        ): "Triaged late",
    }
    ContentRequest.objects.update(created_at=_at(week_ago))
    board = marketer_client.get(BOARD).content.decode()
    api = {row["id"]: row for row in marketer_client.get("/api/v1/requests/").json()["results"]}
    for request, label in expected.items():
        card = board.split(f'id="request-{request.pk}"')[1].split("</article>")[0]
        assert re.findall(r'class="badge badge-\w+ sla sla-\w+">([^<]+)<', card) == [label]
        page = marketer_client.get(request.get_absolute_url()).content.decode()
        assert set(re.findall(r'class="badge badge-\w+ sla sla-\w+">([^<]+)<', page)) == {label}
        assert api[request.pk]["sla_label"] == label
        assert api[request.pk]["is_overdue"] is (label == "Triage overdue")
    late = list(expected)[-1]
    late_card = board.split(f'id="request-{late.pk}"')[1].split("</article>")[0]
    assert "<dt>Needed by</dt>" in late_card and '<span class="badge badge-warn">passed</span>' in late_card

    report = REPORTS["requests"](ReportFilters(start=week_ago - datetime.timedelta(days=1), end=today))
    by_state = {row["state"]: row["requests"] for row in next(t for t in report.tables if t.key == "by_sla").rows}
    assert by_state == dict.fromkeys(expected.values(), 1)
    assert report.totals["triaged"] == 2 and report.totals["within_sla_share"] == 0.5
    page = marketer_client.get(reverse("report-requests"), {"start": week_ago - datetime.timedelta(days=1)})
    html = page.content.decode()
    assert "Requests by triage SLA state" in html and "Triaged late" in html


# Constant queries


def _many(n):
    requester = UserFactory(groups=["Sales"])
    statuses = [*RequestStatus.values]
    ContentRequest.objects.bulk_create(
        ContentRequest(
            title=f"Request {i}",
            description="Needed.",
            requester=requester,
            status=statuses[i % len(statuses)],
            decline_reason="No." if statuses[i % len(statuses)] == RequestStatus.DECLINED else "",
            duplicate_of_id=None,
            triage_due=timezone.localdate(),
        )
        for i in range(n)
        if statuses[i % len(statuses)] != RequestStatus.DUPLICATE
    )


ACTION_QUERIES = {"sqlite": 31, "postgresql": 31}


@pytest.mark.parametrize("count", [10, 600])
def test_a_board_action_runs_a_constant_number_of_queries(marketer_client, count):
    # The write, request_transition, is the same whatever the data: the row lock, full_clean's
    # constraint checks (each in a savepoint), the audit row, the update, the report data version
    # (one statement each time it moves), the event, the notifications. The answer adds the card 1, the counts of
    # the columns 1 and the marketers for the card's selects 1. Session, user and roles 3.
    _many(count)
    request = request_in(RequestStatus.NEW)
    with CaptureQueriesContext(connection) as queries:
        response = act(marketer_client, request, "transition", {"to_status": "triaged"})
    assert response.status_code == 200
    assert len(queries) == ACTION_QUERIES[connection.vendor], (len(queries), "\n".join(q["sql"][:120] for q in queries))


@pytest.mark.parametrize("count", [10, 600])
def test_the_closed_cards_run_a_constant_number_of_queries(marketer_client, count):
    # session + user + groups 3; the count of closed requests 1; the page of cards 1.
    _many(count)
    _closed(10)
    with CaptureQueriesContext(connection) as queries:
        response = marketer_client.get(reverse("request-triage-closed"), **HTMX)
    assert response.status_code == 200 and response.content.decode().count("<article") == 10
    assert len(queries) == 5, "\n".join(q["sql"][:120] for q in queries)
