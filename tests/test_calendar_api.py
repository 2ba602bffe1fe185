"""GET /api/v1/calendar/: the events as JSON, the 400s for bad dates, who may call it, and its query count."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.support import refresh_support

from .calendar_helpers import at, published_on
from .factories import AssetFactory, ContentRequestFactory, DealFactory, UsageFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar/"
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def test_it_returns_the_events_with_their_support(marketer_client, rep):
    asset = published_on(datetime.date(2026, 3, 4), title="ROI one-pager", kind="one_pager")
    won = DealFactory(status="won", close_date=datetime.date(2026, 4, 30), amount=Decimal("12500"))
    UsageFactory(asset=asset, deal=won, user=rep, used_at=at(datetime.date(2026, 3, 10)))
    refresh_support()
    request = ContentRequestFactory(status="accepted", needed_by=datetime.date(2026, 3, 30), title="Security FAQ")

    response = marketer_client.get(URL, MARCH)
    assert response.status_code == 200
    body = response.json()
    assert (body["start"], body["end"]) == ("2026-03-01", "2026-03-31")
    assert body["events"][0] == {
        "type": "published",
        "date": "2026-03-04",
        "title": "ROI one-pager",
        "asset_id": asset.pk,
        "request_id": None,
        "kind": "one_pager",
        "owner": asset.owner.get_full_name(),
        "won_deals": 1,
        "influenced_revenue": "12500.00",
        "influenced_revenue_by_currency": {"USD": "12500.00"},
        "state": "supports_won",
        "state_label": "✓ supports 1 won · $12.5k",
        "url": f"/assets/{asset.pk}/",
    }
    assert body["events"][1]["type"] == "request"
    assert body["events"][1]["request_id"] == request.pk
    assert body["events"][1]["asset_id"] is None
    assert body["events"][1]["state"] == "requested"


def test_filters_narrow_the_events(marketer_client):
    published_on(datetime.date(2026, 3, 4), kind="battle_card")
    published_on(datetime.date(2026, 3, 4), kind="case_study")
    response = marketer_client.get(URL, {**MARCH, "kind": "battle_card"})
    assert [e["kind"] for e in response.json()["events"]] == ["battle_card"]


@pytest.mark.parametrize(
    "params,message",
    [
        ({}, "required"),
        ({"start": "2026-03-01"}, "required"),
        ({"start": "2026-03-01", "end": "tomorrow"}, "end must be a date"),
        ({"start": "01/03/2026", "end": "2026-03-31"}, "start must be a date"),
        ({"start": "2026-02-30", "end": "2026-03-31"}, "start must be a date"),
        ({"start": "2026-03-31", "end": "2026-03-01"}, "before start"),
        ({"start": "2026-01-01", "end": "2027-06-01"}, "at most 366 days"),
        ({**MARCH, "kind": "poem"}, "Unknown kind"),
        ({**MARCH, "owner": "x"}, "owner"),
        ({**MARCH, "owner": "99999999999999999999"}, "owner"),
        ({"start": "9999-12-01", "end": "9999-12-31"}, "between the years"),
    ],
)
def test_malformed_missing_inverted_or_too_long_ranges_are_a_400(rep_client, params, message):
    response = rep_client.get(URL, params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


@pytest.mark.parametrize("persona,expected", [("rep", 200), ("marketer", 200), ("manager", 200), ("outsider", 403)])
def test_permission_matrix(client, persona_users, persona, expected):
    client.force_login(persona_users[persona])
    assert client.get(URL, MARCH).status_code == expected


def test_anonymous_callers_are_refused(client):
    assert client.get(URL, MARCH).status_code in (401, 403)


def test_reps_get_no_drafts_from_the_api(rep_client):
    AssetFactory(status="draft", published_at=None, planned_publish_date=datetime.date(2026, 3, 3))
    assert rep_client.get(URL, MARCH).json()["events"] == []


def test_the_schema_documents_the_parameters_and_the_400(manager_client):
    schema = manager_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/calendar/"]["get"]
    names = {p["name"]: p.get("required", False) for p in operation["parameters"]}
    assert names["start"] and names["end"]
    assert {"kind", "stage", "persona", "competitor", "owner"} <= set(names)
    assert {"200", "400", "403"} <= set(operation["responses"])


def _make_month(size, rep):
    deal = DealFactory(status="won", close_date=datetime.date(2026, 6, 30), amount=Decimal("1000"))
    owner = AssetFactory().owner
    for i in range(size):
        day = datetime.date(2026, 3, 1 + i % 28)
        if i % 5 == 0:
            AssetFactory(status="draft", published_at=None, planned_publish_date=day, owner=owner)
        else:
            asset = published_on(day, owner=owner)
            if i % 3 == 0:
                UsageFactory(asset=asset, deal=deal, user=rep, used_at=at(day))
    ContentRequestFactory(status="accepted", needed_by=datetime.date(2026, 3, 12))
    refresh_support()


def _count_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, MARCH)
    assert response.status_code == 200
    return len(ctx), len(response.json()["events"])


def test_a_month_costs_the_same_queries_with_5_or_500_assets(marketer_client, rep):
    # session + user, the user's roles, then one query per event type:
    # planned drafts, publications, review dates, requests
    _make_month(5, rep)
    small, small_events = _count_queries(marketer_client)
    _make_month(495, rep)
    large, large_events = _count_queries(marketer_client)
    assert large_events > small_events >= 5
    assert small == large <= 7


def test_the_page_and_the_api_read_owner_as_a_username(marketer_client, marketer):
    mine = published_on(datetime.date(2026, 3, 4), title="Mine", owner=marketer)
    published_on(datetime.date(2026, 3, 5), title="Someone else's")

    api = marketer_client.get(URL, {**MARCH, "owner": marketer.username}).json()["events"]
    page = marketer_client.get("/calendar/", {"month": "2026-03", "view": "list", "owner": marketer.username})
    assert [e["asset_id"] for e in api] == [mine.pk]
    assert "Mine" in page.content.decode() and "Someone else" not in page.content.decode()
    assert f'<option value="{marketer.username}" selected>' in page.content.decode()


def test_a_numeric_owner_id_still_works_until_the_next_release(marketer_client, marketer):
    mine = published_on(datetime.date(2026, 3, 4), owner=marketer)
    published_on(datetime.date(2026, 3, 5))
    events = marketer_client.get(URL, {**MARCH, "owner": str(marketer.pk)}).json()["events"]
    assert [e["asset_id"] for e in events] == [mine.pk]


def test_an_unknown_owner_is_a_400_naming_the_field_on_the_api_and_a_message_on_the_page(marketer_client):
    response = marketer_client.get(URL, {**MARCH, "owner": "nobody"})
    assert response.status_code == 400
    assert response.json()["owner"] == ["No user named 'nobody'."]
    assert response.json()["detail"] == "owner: No user named 'nobody'."
    page = marketer_client.get("/calendar/", {"owner": "nobody"})
    assert page.status_code == 400 and "No user named" in page.content.decode()
