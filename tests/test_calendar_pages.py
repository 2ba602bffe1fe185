"""The calendar page (grid and list), planning and rescheduling from it, who may do what, and its query count."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from content.models import Asset
from content.support import refresh_support

from .calendar_helpers import at, next_month_first, published_on
from .factories import AssetFactory, ContentRequestFactory, DealFactory, UsageFactory

pytestmark = pytest.mark.django_db

CAL = "/calendar/"


def test_the_month_grid_is_a_table_of_weeks_with_badged_events(marketer_client, rep):
    asset = published_on(datetime.date(2026, 3, 18), title="Churn case study", kind="case_study")
    deal = DealFactory(status="won", close_date=datetime.date(2026, 4, 1), amount=Decimal("84000"))
    UsageFactory(asset=asset, deal=deal, user=rep, used_at=at(datetime.date(2026, 3, 20)))
    published_on(datetime.date(2026, 3, 19), title="Lonely one-pager")
    refresh_support()

    response = marketer_client.get(CAL, {"month": "2026-03"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<tr>") == 1 + 6  # the weekday header and six week rows (March 2026)
    assert '<th scope="col"><abbr title="Monday">Mon</abbr></th>' in html
    assert "Churn case study" in html and "✓ supports 1 won · $84k" in html
    assert 'title="influenced revenue $84,000">✓ supports 1 won · $84k</span>' in html
    assert "unused since publishing" in html
    assert "<strong>1 of 2</strong> assets published this month support won deals" in html
    assert 'href="?month=2026-02"' in html and 'href="?month=2026-04"' in html


def test_the_list_view_is_a_table_by_date(rep_client):
    published_on(datetime.date(2026, 3, 9), title="Later")
    published_on(datetime.date(2026, 3, 2), title="Earlier")
    html = rep_client.get(CAL, {"month": "2026-03", "view": "list"}).content.decode()
    assert '<table class="cal-list">' in html
    assert html.index("Earlier") < html.index("Later")


def test_a_busy_day_links_to_its_list(marketer_client):
    for _ in range(8):
        published_on(datetime.date(2026, 3, 9))
    html = marketer_client.get(CAL, {"month": "2026-03"}).content.decode()
    assert "+ 2 more on 9 Mar" in html
    day = marketer_client.get(CAL, {"month": "2026-03", "view": "list", "day": "2026-03-09"})
    assert day.content.decode().count('<th scope="row">') == 8


def test_an_empty_month_says_so(rep_client):
    html = rep_client.get(CAL, {"month": "2026-03", "view": "list"}).content.decode()
    assert "Nothing on the calendar this month." in html


@pytest.mark.parametrize(
    "params",
    [
        {"month": "2026-13"},
        {"month": "March"},
        {"kind": "poem"},
        {"view": "list", "month": "2026-03", "day": "2026-04-01"},
        {"view": "list", "month": "2026-03", "day": "someday"},
    ],
)
def test_a_malformed_month_or_filter_is_a_400_page_with_a_message(rep_client, params):
    response = rep_client.get(CAL, params)
    assert response.status_code == 400
    assert "That calendar address does not work" in response.content.decode()


def test_the_filter_form_keeps_the_month_and_filters(marketer_client, marketer):
    published_on(datetime.date(2026, 3, 3), kind="battle_card", title="Battle A")
    published_on(datetime.date(2026, 3, 3), kind="deck", title="Deck B")
    html = marketer_client.get(CAL, {"month": "2026-03", "kind": "battle_card"}).content.decode()
    assert '<input type="hidden" name="month" value="2026-03">' in html
    assert '<option value="battle_card" selected>' in html
    assert "Battle A" in html and "Deck B" not in html


def test_a_marketer_plans_an_asset_from_the_calendar(marketer_client, marketer):
    day = next_month_first() + datetime.timedelta(days=4)
    response = marketer_client.post(
        reverse("calendar-plan"),
        {
            "title": "Competitive deck",
            "kind": "deck",
            "owner": marketer.pk,
            "planned_date": day.isoformat(),
        },
    )
    asset = Asset.objects.get(title="Competitive deck")
    assert (asset.status, asset.kind, asset.owner, asset.planned_publish_date) == ("draft", "deck", marketer, day)
    assert response.status_code == 302 and response["Location"] == f"/calendar/?month={day:%Y-%m}"
    assert "Competitive deck" in marketer_client.get(response["Location"]).content.decode()


def test_planning_shows_clear_errors(marketer_client, marketer, rep):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = marketer_client.post(
        reverse("calendar-plan"),
        {
            "title": "",
            "kind": "",
            "owner": rep.pk,
            "planned_date": yesterday.isoformat(),
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in html
    assert "Select a valid choice" in html  # a rep cannot own a planned asset
    assert not Asset.objects.exists()
    response = marketer_client.post(
        reverse("calendar-plan"),
        {
            "title": "Late",
            "kind": "deck",
            "owner": marketer.pk,
            "planned_date": yesterday.isoformat(),
        },
    )
    assert "The planned date cannot be in the past." in response.content.decode()


@pytest.mark.parametrize("persona", ["rep", "manager", "outsider"])
def test_only_marketers_plan_and_reschedule(client, persona_users, persona):
    client.force_login(persona_users[persona])
    asset = AssetFactory(status="draft", planned_publish_date=next_month_first())
    day = (next_month_first() + datetime.timedelta(days=2)).isoformat()
    assert client.post(reverse("calendar-plan"), {"title": "X", "kind": "deck", "planned_date": day}).status_code == 403
    assert client.post(reverse("calendar-reschedule", args=[asset.pk]), {"planned_date": day}).status_code == 403
    asset.refresh_from_db()
    assert asset.planned_publish_date == next_month_first()


def test_a_marketer_reschedules_without_javascript(marketer_client):
    asset = AssetFactory(status="draft", published_at=None, planned_publish_date=next_month_first())
    url = reverse("calendar-reschedule", args=[asset.pk])
    assert 'type="date"' in marketer_client.get(url).content.decode()
    new_day = next_month_first() + datetime.timedelta(days=40)
    response = marketer_client.post(url, {"planned_date": new_day.isoformat()})
    assert response.status_code == 302 and response["Location"] == f"/calendar/?month={new_day:%Y-%m}"
    asset.refresh_from_db()
    assert asset.planned_publish_date == new_day


def test_a_marketer_reschedules_in_place_with_htmx(marketer_client):
    asset = AssetFactory(status="draft", published_at=None, planned_publish_date=next_month_first())
    url = reverse("calendar-reschedule", args=[asset.pk])
    form = marketer_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert form.startswith('<form class="cal-reschedule-form"') and "<html" not in form
    new_day = next_month_first() + datetime.timedelta(days=9)
    response = marketer_client.post(url, {"planned_date": new_day.isoformat()}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "is now planned for" in response.content.decode()
    asset.refresh_from_db()
    assert asset.planned_publish_date == new_day


@pytest.mark.parametrize(
    "value,message",
    [
        ("", "This field is required."),
        ("31/02/2026", "Enter a valid date."),
        ("2001-01-01", "The planned date cannot be in the past."),
    ],
)
def test_rescheduling_rejects_a_bad_date_clearly(marketer_client, value, message):
    asset = AssetFactory(status="draft", published_at=None, planned_publish_date=next_month_first())
    url = reverse("calendar-reschedule", args=[asset.pk])
    response = marketer_client.post(url, {"planned_date": value})
    assert response.status_code == 400 and message in response.content.decode()
    htmx = marketer_client.post(url, {"planned_date": value}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200 and message in htmx.content.decode() and 'role="alert"' in htmx.content.decode()
    asset.refresh_from_db()
    assert asset.planned_publish_date == next_month_first()


def test_a_published_asset_cannot_be_rescheduled(marketer_client):
    asset = published_on(datetime.date(2026, 3, 3))
    response = marketer_client.post(
        reverse("calendar-reschedule", args=[asset.pk]), {"planned_date": next_month_first().isoformat()}
    )
    assert response.status_code == 400 and "this one is published" in response.content.decode()


PAGES = [
    # (url, (anonymous, rep, marketer, manager, outsider))
    (CAL, (302, 200, 200, 200, 403)),
    (CAL + "?view=list", (302, 200, 200, 200, 403)),
]


@pytest.mark.parametrize("url,expected", PAGES)
def test_page_permission_matrix(client, persona_users, url, expected):
    got = [client.get(url).status_code]
    for name in ("rep", "marketer", "manager", "outsider"):
        client.force_login(persona_users[name])
        got.append(client.get(url).status_code)
    assert tuple(got) == expected


def test_the_plan_form_is_shown_to_marketers_only(client, rep, marketer, manager):
    for user, shown in ((rep, False), (marketer, True), (manager, False)):
        client.force_login(user)
        assert ("Plan an asset" in client.get(CAL).content.decode()) is shown


def _fill_month(size, rep):
    deal = DealFactory(status="won", close_date=datetime.date(2026, 6, 30), amount=Decimal("1000"))
    owner = AssetFactory(published_at=at(datetime.date(2025, 1, 1))).owner
    for i in range(size):
        day = datetime.date(2026, 3, 1 + i % 28)
        if i % 4 == 0:
            AssetFactory(status="draft", published_at=None, planned_publish_date=day, owner=owner)
        else:
            asset = published_on(day, owner=owner)
            if i % 3 == 0:
                UsageFactory(asset=asset, deal=deal, user=rep, used_at=at(day))
    ContentRequestFactory(status="accepted", needed_by=datetime.date(2026, 3, 12))
    refresh_support()


@pytest.mark.parametrize("view", ["month", "list"])
def test_a_month_costs_the_same_queries_with_5_or_500_assets(marketer_client, rep, view):
    # session, user, roles, feed secret; stages, personas, competitors, owners (filters), owners (plan form);
    # then one query per event type (planned, published, review, request); the list adds nothing
    # (it paginates the events already in memory)
    params = {"month": "2026-03", "view": view}
    _fill_month(5, rep)
    marketer_client.get(CAL, params)  # the first view creates the feed secret
    with CaptureQueriesContext(connection) as small:
        assert marketer_client.get(CAL, params).status_code == 200
    _fill_month(495, rep)
    with CaptureQueriesContext(connection) as large:
        response = marketer_client.get(CAL, params)
    assert response.status_code == 200
    assert len(small) == len(large) <= 14
