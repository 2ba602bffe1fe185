"""CSRF on every state-changing page form: a signed-in user allowed to do the action, posting
without a token, gets 403 and nothing changes. The same post with a token does change the state,
so each case proves its data would otherwise have been accepted."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.crypto import get_random_string

from content.models import Asset, ContentRequest, Deal, RequestComment, RequestSupport, SlackProfile, SlackRoute, Usage

pytestmark = pytest.mark.django_db

CRM_FIXTURES = Path(__file__).parent / "fixtures" / "crm"


def _asset_form(w, **extra):
    return {
        "title": "Created by a forged form",
        "summary": "s",
        "body": "b",
        "owner": w.marketer.pk,
        "verification_interval_days": 90,
        **extra,
    }


def _deal_csv(w):
    return {
        "file": SimpleUploadedFile(
            "deals.csv", (CRM_FIXTURES / "salesforce_opportunities.csv").read_bytes(), content_type="text/csv"
        ),
        "source": "salesforce",
    }


# (id, persona, url(security_world), data(security_world), state(security_world) -> comparable snapshot)
FORMS = [
    (
        "create an asset",
        "marketer",
        lambda w: "/assets/new/?kind=one_pager",
        _asset_form,
        lambda w: Asset.objects.count(),
    ),
    (
        "edit an asset",
        "marketer",
        lambda w: f"/assets/{w.published.pk}/edit/",
        lambda w: _asset_form(w, title="Renamed by a forged form", published_at="2024-01-02T09:00"),
        lambda w: Asset.objects.get(pk=w.published.pk).title,
    ),
    (
        "change an asset's status",
        "marketer",
        lambda w: f"/assets/{w.published.pk}/status/",
        lambda w: {"to": "archived"},
        lambda w: Asset.objects.get(pk=w.published.pk).status,
    ),
    (
        "verify an asset",
        "marketer",
        lambda w: f"/assets/{w.published.pk}/verify/",
        lambda w: {},
        lambda w: Asset.objects.get(pk=w.published.pk).verified_at,
    ),
    (
        "log 'I used this'",
        "rep",
        lambda w: f"/assets/{w.published.pk}/use/",
        lambda w: {"deal_name": w.rep_deal.name, "action": "shared"},
        lambda w: Usage.objects.count(),
    ),
    (
        "plan an asset on the calendar",
        "marketer",
        lambda w: "/calendar/plan/",
        lambda w: {
            "title": "Planned by a forged form",
            "kind": "one_pager",
            "owner": w.marketer.pk,
            "planned_date": w.in_a_week,
        },
        lambda w: Asset.objects.count(),
    ),
    (
        "reschedule a planned asset",
        "marketer",
        lambda w: f"/calendar/assets/{w.draft.pk}/reschedule/",
        lambda w: {"planned_date": w.in_a_week},
        lambda w: Asset.objects.get(pk=w.draft.pk).planned_publish_date,
    ),
    (
        "reset the calendar feed secret",
        "rep",
        lambda w: "/calendar/subscription/reset/",
        lambda w: {},
        lambda w: w.rep.calendar_feed.__class__.objects.get(user=w.rep).secret,
    ),
    ("import deals", "manager", lambda w: "/deals/import/", _deal_csv, lambda w: Deal.objects.count()),
    (
        "log usage in a deal",
        "rep",
        lambda w: f"/deals/{w.rep_deal.crm_id}/log/",
        lambda w: {"assets": [w.published.pk], "action": "shared"},
        lambda w: Usage.objects.count(),
    ),
    (
        "report a new objection",
        "rep",
        lambda w: f"/deals/{w.rep_deal.crm_id}/objection/",
        lambda w: {"objection": "Your price is too high for us"},
        lambda w: ContentRequest.objects.count(),
    ),
    (
        "submit a request",
        "rep",
        lambda w: "/requests/new/",
        lambda w: {"title": "Forged request for a pricing sheet", "description": "Needed."},
        lambda w: ContentRequest.objects.count(),
    ),
    (
        "+1 a request",
        "rep",
        lambda w: f"/requests/{w.other_open.pk}/support/",
        lambda w: {},
        lambda w: RequestSupport.objects.count(),
    ),
    (
        "comment on a request",
        "rep",
        lambda w: f"/requests/{w.rep_request.pk}/comments/",
        lambda w: {"body": "Forged comment"},
        lambda w: RequestComment.objects.count(),
    ),
    (
        "set a request's priority",
        "marketer",
        lambda w: f"/requests/{w.rep_request.pk}/triage/priority/",
        lambda w: {"priority": "1"},
        lambda w: ContentRequest.objects.get(pk=w.rep_request.pk).priority,
    ),
    (
        "assign a request",
        "marketer",
        lambda w: f"/requests/{w.rep_request.pk}/triage/assign/",
        lambda w: {"assignee": w.marketer.pk},
        lambda w: ContentRequest.objects.get(pk=w.rep_request.pk).assignee_id,
    ),
    (
        "triage a request",
        "marketer",
        lambda w: f"/requests/{w.rep_request.pk}/triage/transition/",
        lambda w: {"to_status": "triaged"},
        lambda w: ContentRequest.objects.get(pk=w.rep_request.pk).status,
    ),
    (
        "link one's Slack account",
        "rep",
        lambda w: "/settings/slack/",
        lambda w: {"member_id": "U0FORGED", "events": ["request_status"]},
        lambda w: list(SlackProfile.objects.values_list("member_id", flat=True)),
    ),
    (
        "route an event to a Slack channel",
        "manager",
        lambda w: "/settings/slack/routes/",
        lambda w: {"event": "weekly_digest", "channel": "C0FORGED"},
        lambda w: SlackRoute.objects.count(),
    ),
]


def _strict_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona,url,data,state", [pytest.param(*row[1:], id=row[0]) for row in FORMS])
def test_a_form_posted_without_a_csrf_token_is_refused_and_changes_nothing(security_world, persona, url, data, state):
    client = _strict_client(security_world.users[persona])
    before = state(security_world)
    response = client.post(url(security_world), data(security_world))
    assert response.status_code == 403
    assert b"CSRF" in response.content
    assert state(security_world) == before


@pytest.mark.parametrize("persona,url,data,state", [pytest.param(*row[1:], id=row[0]) for row in FORMS])
def test_the_same_form_posted_with_a_valid_token_does_change_the_state(security_world, persona, url, data, state):
    client = _strict_client(security_world.users[persona])
    token = get_random_string(32)
    client.cookies["csrftoken"] = token
    before = state(security_world)
    response = client.post(url(security_world), {**data(security_world), "csrfmiddlewaretoken": token})
    assert response.status_code in (200, 302)
    assert state(security_world) != before


def test_a_form_posted_with_a_wrong_token_is_refused(security_world):
    client = _strict_client(security_world.rep)
    client.cookies["csrftoken"] = get_random_string(32)
    before = ContentRequest.objects.count()
    response = client.post(
        "/requests/new/", {"title": "Forged", "description": "x", "csrfmiddlewaretoken": get_random_string(32)}
    )
    assert response.status_code == 403
    assert ContentRequest.objects.count() == before


def test_sign_out_without_a_token_keeps_the_session(security_world):
    client = _strict_client(security_world.rep)
    assert client.post("/logout/").status_code == 403
    assert client.get("/").status_code == 200


def test_sign_in_without_a_token_is_refused_and_signs_nobody_in(security_world):
    security_world.rep.set_password("pass-1234-word")
    security_world.rep.save()
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "rep", "password": "pass-1234-word"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_the_markdown_preview_refuses_a_post_without_a_token(security_world):
    client = _strict_client(security_world.marketer)
    assert client.post("/assets/preview/", {"body": "# Hi"}).status_code == 403


def test_the_api_refuses_a_session_authenticated_write_without_a_token(security_world):
    """DRF's SessionAuthentication enforces CSRF: a forged cross-site POST with the user's cookie fails."""
    client = _strict_client(security_world.rep)
    before = ContentRequest.objects.count()
    response = client.post(
        "/api/v1/requests/", {"title": "Forged over the API", "description": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert ContentRequest.objects.count() == before
