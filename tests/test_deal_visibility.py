"""One deal-visibility rule (content.permissions) and one definition of support
(content.models.supports_deal), asked by every page, API call and figure."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from content.models import ContentRequest, Deal, RequestSupport
from content.permissions import can_view_deal, visible_deals
from content.reports import REPORTS, ReportFilters
from content.requesting import RequestError, request_submit, request_support
from content.support import refresh_support

from .factories import AssetFactory, ContentRequestFactory, DealFactory, UsageFactory
from .reports_helpers import at

pytestmark = pytest.mark.django_db


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def deals(rep, other_rep):
    return {
        "mine": DealFactory(crm_id="006MINE", owner=rep, amount=Decimal("1000")),
        "theirs": DealFactory(crm_id="006THEIRS", owner=other_rep, amount=Decimal("50000")),
        "nobodys": DealFactory(crm_id="006NOBODY", owner=None, amount=Decimal("7000")),
    }


# The rule ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("rep", {"006MINE"}),
        ("marketer", {"006MINE", "006THEIRS", "006NOBODY"}),
        ("manager", {"006MINE", "006THEIRS", "006NOBODY"}),
        ("outsider", set()),
    ],
)
def test_each_role_sees_the_deals_the_rule_gives_it_in_lists_and_one_by_one(persona_users, deals, who, expected):
    user = persona_users[who]
    assert set(visible_deals(user).values_list("crm_id", flat=True)) == expected
    assert {d.crm_id for d in Deal.objects.all() if can_view_deal(user, d)} == expected


# Content requests name only deals their author may open -------------------------------------------


def test_the_api_refuses_a_request_naming_another_reps_deal(rep, deals):
    response = api_for(rep).post(
        "/api/v1/requests/", {"title": "Guide", "description": "Why.", "deal": "006THEIRS"}, format="json"
    )
    assert response.status_code == 400 and "deal" in response.json()
    assert not ContentRequest.objects.exists()


def test_the_page_refuses_a_request_naming_another_reps_deal(rep_client, deals):
    response = rep_client.post(reverse("request-new"), {"title": "Guide", "description": "Why.", "deal": "006THEIRS"})
    assert response.status_code == 400
    assert response.context["form"].errors["deal"] == [
        "None of your open deals is called “006THEIRS”. Type part of its name or account and pick it from the list."
    ]
    assert deals["theirs"].name not in response.content.decode()
    assert not ContentRequest.objects.exists()


def test_the_service_refuses_a_request_naming_another_reps_deal(rep, deals):
    with pytest.raises(RequestError, match="that you can open"):
        request_submit(requester=rep, title="Guide", description="Why.", deal=deals["theirs"])
    assert not ContentRequest.objects.exists()


def test_a_plus_one_cannot_name_another_reps_deal(rep, other_rep, marketer, deals):
    request = ContentRequestFactory(requester=marketer)
    response = api_for(rep).post(f"/api/v1/requests/{request.pk}/support/", {"deal": "006THEIRS"}, format="json")
    assert response.status_code == 400 and "deal" in response.json()
    with pytest.raises(RequestError):
        request_support(request=request, user=rep, deal=deals["theirs"])
    assert not RequestSupport.objects.exists()


def test_a_marketer_may_name_any_deal(marketer, deals):
    response = api_for(marketer).post(
        "/api/v1/requests/", {"title": "Guide", "description": "Why.", "deal": "006THEIRS"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["business_impact"] == "50000.00"


# Business impact shows no deal the viewer cannot open --------------------------------------------


@pytest.fixture
def their_request(other_rep, rep, deals):
    """Another rep's open request for their 50,000 deal, +1'd by the rep for their own 1,000 deal."""
    request = request_submit(requester=other_rep, title="Migration guide", description="x", deal=deals["theirs"])
    RequestSupport.objects.create(request=request, user=rep, deal=deals["mine"])
    return request


def test_a_rep_reading_another_reps_request_over_the_api_sees_only_their_own_deals_in_its_impact(
    rep, marketer, their_request
):
    as_rep = api_for(rep).get(f"/api/v1/requests/{their_request.pk}/").json()
    assert (as_rep["deal"], as_rep["business_impact"]) == (None, "1000.00")
    as_marketer = api_for(marketer).get(f"/api/v1/requests/{their_request.pk}/").json()
    assert (as_marketer["deal"], as_marketer["business_impact"]) == ("006THEIRS", "51000.00")


def test_a_rep_reading_another_reps_request_page_sees_neither_the_deal_nor_its_amount(rep_client, their_request):
    html = rep_client.get(reverse("request-detail", args=[their_request.pk])).content.decode()
    assert "006THEIRS" not in html and "50,000" not in html and "51,000" not in html
    assert "A deal you cannot open" in html


def test_the_requests_list_of_a_rep_leaves_out_the_amounts_of_deals_they_cannot_open(rep, their_request):
    rows = api_for(rep).get("/api/v1/requests/").json()["results"]
    assert [(r["id"], r["business_impact"]) for r in rows] == [(their_request.pk, "1000.00")]


# One definition of support -----------------------------------------------------------------------


def test_a_use_on_the_close_day_supports_the_deal_and_a_use_the_day_after_does_not_in_every_figure(rep, manager_client):
    close = datetime.date(2026, 2, 10)
    on_the_day = DealFactory(crm_id="006ONDAY", status="won", close_date=close, owner=rep, amount=Decimal("300"))
    too_late = DealFactory(crm_id="006LATE", status="won", close_date=close, owner=rep, amount=Decimal("900"))
    asset = AssetFactory(title="Boundary")
    UsageFactory(asset=asset, deal=on_the_day, user=rep, used_at=at(close, hour=23))
    UsageFactory(asset=asset, deal=too_late, user=rep, used_at=at(close + datetime.timedelta(days=1), hour=0))
    refresh_support([asset.pk])
    asset.refresh_from_db()
    # stored figures (library sorting, asset page)
    assert (asset.won_deal_count, asset.influenced_revenue) == (1, Decimal("300.00"))
    # the reports
    period = ReportFilters(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31))
    effectiveness = REPORTS["effectiveness"](period)
    row = next(r for r in effectiveness.rows if r["title"] == "Boundary")
    assert (row["won"], row["influenced_revenue"]) == (1, Decimal("300.00"))
    adoption = next(r for r in REPORTS["adoption"](period).rows if r["username"] == "rep")
    assert (adoption["won_deals"], adoption["won_with_content"]) == (2, 1)
    # the deal page
    supported = manager_client.get(reverse("deal-detail", args=["006ONDAY"])).context["used_before"]
    late = manager_client.get(reverse("deal-detail", args=["006LATE"])).context
    assert [r["asset__title"] for r in supported] == ["Boundary"]
    assert (late["used_before"], [r["asset__title"] for r in late["used_after_only"]]) == ([], ["Boundary"])
