"""A user cannot read or change another user's private data: calendar feed secrets, API tokens,
other reps' closed requests, deals and usage, and other people's background jobs."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from content.models import BackgroundJob, CalendarFeed

from .factories import AssetFactory, UsageFactory
from .security_helpers import client_for

pytestmark = pytest.mark.django_db


def api_as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# Calendar feed -----------------------------------------------------------------------------------


def test_the_calendar_feed_answers_only_to_an_exact_secret(security_world, client):
    secret = security_world.rep_feed.secret
    assert client.get(f"/calendar/feed/{secret}.ics").status_code == 200
    near_miss = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert client.get(f"/calendar/feed/{near_miss}.ics").status_code == 404
    assert client.get(f"/calendar/feed/{secret[:-1]}.ics").status_code == 404
    assert client.get(f"/calendar/feed/{secret}x.ics").status_code == 404


def test_the_calendar_page_shows_only_the_signed_in_users_feed_secret(security_world):
    response = client_for("rep", security_world).get("/calendar/")
    assert response.status_code == 200
    assert security_world.rep_feed.secret.encode() in response.content
    assert security_world.other_feed.secret.encode() not in response.content


def test_resetting_the_feed_changes_only_ones_own_secret_and_kills_the_old_address(security_world, client):
    old_rep, old_other = security_world.rep_feed.secret, security_world.other_feed.secret
    assert client_for("rep", security_world).post("/calendar/subscription/reset/").status_code == 302
    assert CalendarFeed.objects.get(user=security_world.rep).secret != old_rep
    assert CalendarFeed.objects.get(user=security_world.other_rep).secret == old_other
    assert client.get(f"/calendar/feed/{old_rep}.ics").status_code == 404


def test_the_feed_of_a_user_without_a_role_is_a_404(security_world, client):
    feed = CalendarFeed.objects.create(user=security_world.outsider)
    assert client.get(f"/calendar/feed/{feed.secret}.ics").status_code == 404


def test_the_feed_does_not_accept_a_session_instead_of_the_secret(security_world):
    assert client_for("rep", security_world).get("/calendar/feed/x.ics").status_code == 404


# API tokens --------------------------------------------------------------------------------------


def test_no_api_endpoint_lists_tokens(security_world):
    token = Token.objects.create(user=security_world.other_rep)
    client = api_as(security_world.manager)
    assert client.get("/api/v1/auth/token/").status_code == 405
    assert client.get("/api/v1/tokens/").status_code == 404
    for url in ("/api/v1/deals/", "/api/v1/usage/", "/api/v1/requests/", "/api/v1/assets/", "/api/schema/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert token.key.encode() not in response.content, url
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    token_paths = {path: sorted(ops) for path, ops in paths.items() if "token" in path.lower()}
    # POST obtains the caller's own token, DELETE revokes it: neither lists anyone's
    assert token_paths == {"/api/v1/auth/token/": ["delete", "post"]}


def test_obtaining_a_token_returns_only_ones_own(security_world):
    security_world.rep.set_password("pass-1234-word")
    security_world.rep.save()
    other = Token.objects.create(user=security_world.other_rep)
    response = APIClient().post("/api/v1/auth/token/", {"username": "rep", "password": "pass-1234-word"}, format="json")
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=security_world.rep).key != other.key


# Requests ----------------------------------------------------------------------------------------


def test_a_rep_gets_404_for_another_reps_closed_request_on_the_page_and_the_api(security_world):
    assert client_for("rep", security_world).get(f"/requests/{security_world.other_closed.pk}/").status_code == 404
    assert api_as(security_world.rep).get(f"/api/v1/requests/{security_world.other_closed.pk}/").status_code == 404
    listed = [r["id"] for r in api_as(security_world.rep).get("/api/v1/requests/").json()["results"]]
    assert security_world.other_closed.pk not in listed and security_world.rep_request.pk in listed


def test_a_rep_cannot_reword_another_reps_request(security_world):
    response = api_as(security_world.rep).patch(
        f"/api/v1/requests/{security_world.other_open.pk}/", {"title": "Mine now"}, format="json"
    )
    assert response.status_code in (400, 403, 404)
    security_world.other_open.refresh_from_db()
    assert security_world.other_open.title == "Other open request"


# Deals and usage ---------------------------------------------------------------------------------


def test_the_deals_api_lists_only_a_reps_own_deals(security_world):
    crm_ids = {d["crm_id"] for d in api_as(security_world.rep).get("/api/v1/deals/").json()["results"]}
    assert crm_ids == {security_world.rep_deal.crm_id}


def test_filtering_the_deals_api_by_another_owner_does_not_widen_a_reps_view(security_world):
    response = api_as(security_world.rep).get("/api/v1/deals/", {"owner": security_world.other_rep.username})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_a_rep_cannot_overwrite_a_deal_over_the_api(security_world):
    response = api_as(security_world.rep).put(
        f"/api/v1/deals/{security_world.other_deal.crm_id}/", {"name": "Hijacked"}, format="json"
    )
    assert response.status_code == 403
    security_world.other_deal.refresh_from_db()
    assert security_world.other_deal.name == "Other rep deal"


def test_the_usage_api_lists_only_a_reps_own_usage(security_world):
    asset = AssetFactory()
    mine = UsageFactory(user=security_world.rep, deal=security_world.rep_deal, asset=asset)
    UsageFactory(user=security_world.other_rep, deal=security_world.other_deal, asset=asset)
    ids = {u["id"] for u in api_as(security_world.rep).get("/api/v1/usage/", {"user": "rep2"}).json()["results"]}
    assert ids == set()
    ids = {u["id"] for u in api_as(security_world.rep).get("/api/v1/usage/").json()["results"]}
    assert ids == {mine.pk}


def test_the_deal_autocomplete_offers_a_rep_only_their_own_deals(security_world):
    response = client_for("rep", security_world).get("/deals/autocomplete/", {"q": "deal"})
    assert f'data-deal="{security_world.rep_deal.pk}"'.encode() in response.content
    assert f'data-deal="{security_world.other_deal.pk}"'.encode() not in response.content
    assert security_world.other_deal.name.encode() not in response.content
    assert b"006" not in response.content  # no CRM id at all


# Background jobs ---------------------------------------------------------------------------------


def test_another_users_background_job_page_is_a_404(security_world):
    other_job = BackgroundJob.objects.create(kind="import_deals", created_by=security_world.other_rep, message="secret")
    assert client_for("rep", security_world).get(f"/jobs/{other_job.pk}/").status_code == 404
    assert client_for("rep", security_world).get(f"/jobs/{security_world.rep_job.pk}/").status_code == 200


def test_a_job_without_a_creator_is_not_shown_to_a_rep(security_world):
    orphan = BackgroundJob.objects.create(kind="import_deals", created_by=None)
    assert client_for("rep", security_world).get(f"/jobs/{orphan.pk}/").status_code == 404
