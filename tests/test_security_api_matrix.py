"""The API permission matrix: every /api/v1/ endpoint and routed method × anonymous, rep, marketer,
manager and a signed-in user with no group. Expectations come from content.permissions.RULES:
reads need view_library / view_taxonomy / view_deals / submit_request / view_calendar /
view_reports, writes edit_assets / edit_taxonomy / edit_deals / log_usage / submit_request."""

import pytest
from rest_framework.test import APIClient

from content.reports import REPORTS

from .security_helpers import matrix_cases

pytestmark = pytest.mark.django_db

ANON = "401/403"


def everyone(code, *, outsider=403):
    return {"anonymous": ANON, "rep": code, "marketer": code, "manager": code, "outsider": outsider}


def only(code, *allowed, others=403):
    return {
        "anonymous": ANON,
        **{p: (code if p in allowed else others) for p in ("rep", "marketer", "manager", "outsider")},
    }


def merge(base, **overrides):
    return {**base, **overrides}


def asset_body(w):
    return {"kind": "one_pager", "title": "Made over the API", "summary": "s", "body": "b", "status": "draft"}


def stage_body(w):
    return {
        "slug": "security-stage",
        "name": "Security stage",
        "order": 99,
        "definition": "d",
        "entry_criteria": "e",
        "owning_team": "sales",
    }


def persona_body(w):
    return {"slug": "security-persona", "name": "Security persona", "description": "d", "pains": "p"}


def competitor_body(w):
    return {"slug": "security-rival", "name": "Security rival", "description": "d", "website": "https://x.example"}


def first_stage(w):
    from content.models import FunnelStage

    return FunnelStage.objects.order_by("order").first().slug


def first_persona(w):
    from content.models import Persona

    return Persona.objects.order_by("name").first().slug


def competitor(w):
    from .factories import CompetitorFactory

    return CompetitorFactory(name="Matrix Rival").slug


# (id, method, url(security_world), body(security_world) or None, expected by persona)
ENDPOINTS = [
    ("assets list", "get", lambda w: "/api/v1/assets/", None, everyone(200)),
    ("answers", "get", lambda w: "/api/v1/answers/?q=pricing", None, everyone(200)),
    ("assets create", "post", lambda w: "/api/v1/assets/", asset_body, only(201, "marketer")),
    ("published asset", "get", lambda w: f"/api/v1/assets/{w.published.pk}/", None, everyone(200)),
    ("draft asset", "get", lambda w: f"/api/v1/assets/{w.draft.pk}/", None, merge(everyone(200), rep=404)),
    ("asset replace", "put", lambda w: f"/api/v1/assets/{w.draft.pk}/", asset_body, only(200, "marketer")),
    (
        "asset patch",
        "patch",
        lambda w: f"/api/v1/assets/{w.published.pk}/",
        lambda w: {"summary": "New"},
        only(200, "marketer"),
    ),
    ("asset delete", "delete", lambda w: f"/api/v1/assets/{w.draft.pk}/", None, only(204, "marketer")),
    *[
        row
        for term, body, lookup in (
            ("stages", stage_body, first_stage),
            ("personas", persona_body, first_persona),
            ("competitors", competitor_body, competitor),
        )
        for row in (
            (f"{term} list", "get", (lambda t: lambda w: f"/api/v1/{t}/")(term), None, everyone(200)),
            (f"{term} create", "post", (lambda t: lambda w: f"/api/v1/{t}/")(term), body, only(201, "marketer")),
            (
                f"{term} detail",
                "get",
                (lambda t, f: lambda w: f"/api/v1/{t}/{f(w)}/")(term, lookup),
                None,
                everyone(200),
            ),
            (
                f"{term} replace",
                "put",
                (lambda t, f: lambda w: f"/api/v1/{t}/{f(w)}/")(term, lookup),
                body,
                only(200, "marketer"),
            ),
            (
                f"{term} patch",
                "patch",
                (lambda t, f: lambda w: f"/api/v1/{t}/{f(w)}/")(term, lookup),
                lambda w: {"name": "Renamed"},
                only(200, "marketer"),
            ),
            (
                f"{term} delete",
                "delete",
                (lambda t, f: lambda w: f"/api/v1/{t}/{f(w)}/")(term, lookup),
                None,
                only(204, "marketer"),
            ),
        )
    ],
    ("tags list", "get", lambda w: "/api/v1/tags/", None, everyone(200)),
    ("tag detail", "get", lambda w: "/api/v1/tags/pricing/", None, everyone(200)),
    ("tags create (read-only endpoint)", "post", lambda w: "/api/v1/tags/", lambda w: {"name": "x"}, everyone(405)),
    ("tag delete (read-only endpoint)", "delete", lambda w: "/api/v1/tags/pricing/", None, everyone(405)),
    ("deals list", "get", lambda w: "/api/v1/deals/", None, everyone(200)),
    ("the rep's own deal", "get", lambda w: f"/api/v1/deals/{w.rep_deal.crm_id}/", None, everyone(200)),
    (
        "another rep's deal",
        "get",
        lambda w: f"/api/v1/deals/{w.other_deal.crm_id}/",
        None,
        merge(everyone(200), rep=404),
    ),
    (
        "deal upsert",
        "put",
        lambda w: "/api/v1/deals/006NEW000001/",
        lambda w: {"name": "New deal"},
        only(201, "manager"),
    ),
    (
        "deal patch (not routed)",
        "patch",
        lambda w: f"/api/v1/deals/{w.rep_deal.crm_id}/",
        lambda w: {"name": "x"},
        only(405, "manager"),
    ),
    ("deal delete (not routed)", "delete", lambda w: f"/api/v1/deals/{w.rep_deal.crm_id}/", None, only(405, "manager")),
    (
        "deal create by POST (not routed)",
        "post",
        lambda w: "/api/v1/deals/",
        lambda w: {"name": "x"},
        only(405, "manager"),
    ),
    ("usage list", "get", lambda w: "/api/v1/usage/", None, everyone(200)),
    (
        "usage log on the rep's deal",
        "post",
        lambda w: "/api/v1/usage/",
        lambda w: {"asset": w.published.pk, "deal": w.rep_deal.crm_id, "action": "shared"},
        everyone(201),
    ),
    (
        "usage log on another rep's deal",
        "post",
        lambda w: "/api/v1/usage/",
        lambda w: {"asset": w.published.pk, "deal": w.other_deal.crm_id, "action": "shared"},
        merge(everyone(201), rep=400),
    ),
    ("share links list", "get", lambda w: "/api/v1/share-links/", None, everyone(200)),
    (
        "share link on the rep's deal",
        "post",
        lambda w: "/api/v1/share-links/",
        lambda w: {"assets": [w.published.pk], "deal": w.rep_deal.crm_id},
        merge(everyone(201), marketer=400),
    ),
    (
        "share link on another rep's deal",
        "post",
        lambda w: "/api/v1/share-links/",
        lambda w: {"assets": [w.published.pk], "deal": w.other_deal.crm_id},
        merge(everyone(400), manager=201),
    ),
    ("share link of nobody's", "get", lambda w: "/api/v1/share-links/999999/", None, everyone(404)),
    ("share link revoke of nobody's", "delete", lambda w: "/api/v1/share-links/999999/", None, everyone(404)),
    ("requests list", "get", lambda w: "/api/v1/requests/", None, everyone(200)),
    (
        "request create",
        "post",
        lambda w: "/api/v1/requests/",
        lambda w: {"title": "A matrix request", "description": "Needed."},
        everyone(201),
    ),
    ("the rep's own request", "get", lambda w: f"/api/v1/requests/{w.rep_request.pk}/", None, everyone(200)),
    (
        "another rep's closed request",
        "get",
        lambda w: f"/api/v1/requests/{w.other_closed.pk}/",
        None,
        merge(everyone(200), rep=404),
    ),
    (
        "request reword (own, new)",
        "patch",
        lambda w: f"/api/v1/requests/{w.rep_request.pk}/",
        lambda w: {"title": "Reworded"},
        only(200, "rep", "marketer"),
    ),
    (
        "request triage by PATCH",
        "patch",
        lambda w: f"/api/v1/requests/{w.rep_request.pk}/",
        lambda w: {"priority": 1},
        only(200, "marketer"),
    ),
    (
        "request replace (not routed)",
        "put",
        lambda w: f"/api/v1/requests/{w.rep_request.pk}/",
        lambda w: {"title": "x"},
        everyone(405),
    ),
    ("request delete (not routed)", "delete", lambda w: f"/api/v1/requests/{w.rep_request.pk}/", None, everyone(405)),
    (
        "+1 another rep's open request",
        "post",
        lambda w: f"/api/v1/requests/{w.other_open.pk}/support/",
        lambda w: {},
        everyone(201),
    ),
    (
        "+1 another rep's closed request",
        "post",
        lambda w: f"/api/v1/requests/{w.other_closed.pk}/support/",
        lambda w: {},
        merge(everyone(400), rep=404),
    ),
    ("request comments", "get", lambda w: f"/api/v1/requests/{w.rep_request.pk}/comments/", None, everyone(200)),
    (
        "request comment",
        "post",
        lambda w: f"/api/v1/requests/{w.rep_request.pk}/comments/",
        lambda w: {"body": "Hello"},
        everyone(201),
    ),
    (
        "another rep's closed request comments",
        "get",
        lambda w: f"/api/v1/requests/{w.other_closed.pk}/comments/",
        None,
        merge(everyone(200), rep=404),
    ),
    ("calendar events", "get", lambda w: f"/api/v1/calendar/?start={w.today}&end={w.in_a_week}", None, everyone(200)),
    *[
        (
            f"report {name}",
            "get",
            (lambda n: lambda w: f"/api/v1/reports/{n}/")(name),
            None,
            only(200, "marketer", "manager"),
        )
        for name in REPORTS
    ],
    ("audit log", "get", lambda w: "/api/v1/audit/", None, only(200, "manager")),
    ("audit log, a hostile filter", "get", lambda w: "/api/v1/audit/?event=%27%3B--", None, only(400, "manager")),
    ("audit log by POST (read-only)", "post", lambda w: "/api/v1/audit/", lambda w: {}, only(405, "manager")),
    (
        "token endpoint by GET",
        "get",
        lambda w: "/api/v1/auth/token/",
        None,
        {"anonymous": 405, "rep": 405, "marketer": 405, "manager": 405, "outsider": 405},
    ),
    (
        "token with a wrong password",
        "post",
        lambda w: "/api/v1/auth/token/",
        lambda w: {"username": "rep", "password": "wrong"},
        {"anonymous": 400, "rep": 400, "marketer": 400, "manager": 400, "outsider": 400},
    ),
    (
        "token revoke",
        "delete",
        lambda w: "/api/v1/auth/token/",
        None,
        {"anonymous": 401, "rep": 204, "marketer": 204, "manager": 204, "outsider": 204},
    ),
    (
        "unsigned CRM webhook",
        "post",
        lambda w: "/api/v1/webhooks/crm/",
        lambda w: {"event_id": "e1", "crm_id": w.rep_deal.crm_id, "stage": "Closed Won"},
        {"anonymous": 401, "rep": 401, "marketer": 401, "manager": 401, "outsider": 401},
    ),
    (
        "unsigned Slack slash command (a session or token is no signature)",
        "post",
        lambda w: "/integrations/slack/commands/",
        lambda w: {"command": "/library", "text": "pricing", "user_id": "U0REP"},
        {"anonymous": 401, "rep": 401, "marketer": 401, "manager": 401, "outsider": 401},
    ),
]

CASES = matrix_cases(ENDPOINTS)


def api_client(persona, security_world):
    client = APIClient()
    if persona != "anonymous":
        client.force_authenticate(security_world.users[persona])
    return client


@pytest.mark.parametrize("method,url,body,persona,expected", CASES)
def test_each_api_endpoint_answers_each_persona_as_the_rules_say(security_world, method, url, body, persona, expected):
    client = api_client(persona, security_world)
    address = url(security_world)
    data = body(security_world) if body else None
    response = (
        getattr(client, method)(address, data, format="json") if data is not None else getattr(client, method)(address)
    )
    if expected == ANON:
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == expected, getattr(response, "data", None)


def test_anonymous_api_calls_are_told_to_authenticate_with_a_401(security_world):
    response = APIClient().get("/api/v1/assets/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_token_of_a_user_in_no_group_reads_nothing(security_world):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=security_world.outsider)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/assets/").status_code == 403
    assert client.get("/api/v1/deals/").status_code == 403


def test_every_api_route_is_in_the_matrix():
    """A new API route without rows in the matrix fails here."""
    from content.api import urls

    routed = {str(p.pattern) for p in urls.urlpatterns if "(?P<format>" not in str(p.pattern)}
    known = {
        "auth/token/",
        "answers/",
        "calendar/",
        "webhooks/crm/",
        *[f"reports/{name}/" for name in REPORTS],
        "^assets/$",
        "^assets/(?P<pk>[^/.]+)/$",
        "^stages/$",
        "^stages/(?P<slug>[^/.]+)/$",
        "^personas/$",
        "^personas/(?P<slug>[^/.]+)/$",
        "^competitors/$",
        "^competitors/(?P<slug>[^/.]+)/$",
        "^tags/$",
        "^tags/(?P<slug>[^/.]+)/$",
        "^deals/$",
        r"^deals/(?P<crm_id>[A-Za-z0-9._\-]+)/$",
        "^usage/$",
        "^requests/$",
        "^requests/(?P<pk>[^/.]+)/$",
        "^requests/(?P<pk>[^/.]+)/comments/$",
        "^requests/(?P<pk>[^/.]+)/support/$",
        "^share-links/$",
        "^share-links/(?P<pk>[^/.]+)/$",
        "^audit/$",
    }
    assert routed - known == set()
