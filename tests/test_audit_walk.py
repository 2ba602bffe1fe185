"""No way of changing data skips the audit log. The routes come from the code, not from a list kept
by hand: every write operation of the OpenAPI schema (POST, PUT, PATCH, DELETE) and every page route
of content.urls. Each write is performed, validly, as a role allowed to do it, and must add audit
events. A page route not walked must refuse a POST (403/404/405) as every role, which shows it takes
no form; the few routes that take a POST yet change nothing are allow-listed below, each saying why.
A new write route fails here until it is walked (and audited) or allow-listed."""

import io
import json
import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import resolve, reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token, TokenProxy
from rest_framework.test import APIClient
from taggit.models import Tag

from content import urls as page_urls
from content.deals import signature_for
from content.models import AuditEvent, CalendarFeed, ShareLink, SlackRoute
from content.sharing import share_link_create

from .security_helpers import client_for
from .test_security_api_matrix import (
    asset_body,
    competitor,
    competitor_body,
    first_persona,
    first_stage,
    persona_body,
    stage_body,
)
from .test_security_csrf import FORMS
from .test_security_page_matrix import PAGES

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")
WEBHOOK_SECRET = "walk-secret"
PASSWORD = "walk-pass-2026"


# -- the API ---------------------------------------------------------------------------------------


def _token_of(w):
    Token.objects.get_or_create(user=w.rep)
    return None


def _live_link(w):
    return share_link_create(user=w.rep, assets=[w.published], deal=w.rep_deal)


def _slack_route(w):
    return SlackRoute.objects.get_or_create(event="weekly_digest", channel="C0WALK")[0]


def _rep_password(w):
    w.rep.set_password(PASSWORD)
    w.rep.save()


def _signed(body):
    return {"HTTP_X_SIGNATURE": signature_for(json.dumps(body).encode(), WEBHOOK_SECRET)}


WEBHOOK_EVENT = {"event_id": "walk-1", "crm_id": None, "stage": "Negotiation/Review"}

# (schema path, method) -> [(persona or None for no credentials, url(w), body(w) or None, setup(w) or None)]
API_WRITES = {
    ("/api/v1/assets/", "post"): [("marketer", lambda w: "/api/v1/assets/", asset_body, None)],
    ("/api/v1/assets/{id}/", "put"): [("marketer", lambda w: f"/api/v1/assets/{w.draft.pk}/", asset_body, None)],
    ("/api/v1/assets/{id}/", "patch"): [
        ("marketer", lambda w: f"/api/v1/assets/{w.published.pk}/", lambda w: {"summary": "New"}, None),
        ("marketer", lambda w: f"/api/v1/assets/{w.published.pk}/", lambda w: {"tags": ["walked"]}, None),
        ("marketer", lambda w: f"/api/v1/assets/{w.published.pk}/", lambda w: {"stages": [first_stage(w)]}, None),
    ],
    ("/api/v1/assets/{id}/", "delete"): [("marketer", lambda w: f"/api/v1/assets/{w.draft.pk}/", None, None)],
    **{
        key: cases
        for term, body, lookup in (
            ("stages", stage_body, first_stage),
            ("personas", persona_body, first_persona),
            ("competitors", competitor_body, competitor),
        )
        for key, cases in (
            ((f"/api/v1/{term}/", "post"), [("marketer", (lambda t: lambda w: f"/api/v1/{t}/")(term), body, None)]),
            (
                (f"/api/v1/{term}/{{slug}}/", "put"),
                [("marketer", (lambda t, f: lambda w: f"/api/v1/{t}/{f(w)}/")(term, lookup), body, None)],
            ),
            (
                (f"/api/v1/{term}/{{slug}}/", "patch"),
                [
                    (
                        "marketer",
                        (lambda t, f: lambda w: f"/api/v1/{t}/{f(w)}/")(term, lookup),
                        lambda w: {"name": "Renamed"},
                        None,
                    )
                ],
            ),
            (
                (f"/api/v1/{term}/{{slug}}/", "delete"),
                [("marketer", (lambda t, f: lambda w: f"/api/v1/{t}/{f(w)}/")(term, lookup), None, None)],
            ),
        )
    },
    ("/api/v1/deals/{crm_id}/", "put"): [
        ("manager", lambda w: "/api/v1/deals/006WALK00001/", lambda w: {"name": "Walked deal"}, None),
        ("manager", lambda w: f"/api/v1/deals/{w.rep_deal.crm_id}/", lambda w: {"name": "Renamed deal"}, None),
    ],
    ("/api/v1/webhooks/crm/", "post"): [
        (None, lambda w: "/api/v1/webhooks/crm/", lambda w: {**WEBHOOK_EVENT, "crm_id": w.rep_deal.crm_id}, None)
    ],
    ("/api/v1/usage/", "post"): [
        (
            "rep",
            lambda w: "/api/v1/usage/",
            lambda w: {"asset": w.published.pk, "deal": w.rep_deal.crm_id, "action": "shared"},
            None,
        )
    ],
    ("/api/v1/share-links/", "post"): [
        (
            "rep",
            lambda w: "/api/v1/share-links/",
            lambda w: {"assets": [w.published.pk], "deal": w.rep_deal.crm_id},
            None,
        )
    ],
    ("/api/v1/share-links/{id}/", "delete"): [
        ("rep", lambda w: f"/api/v1/share-links/{ShareLink.objects.get().pk}/", None, _live_link)
    ],
    ("/api/v1/requests/", "post"): [
        ("rep", lambda w: "/api/v1/requests/", lambda w: {"title": "A walked request", "description": "x"}, None)
    ],
    ("/api/v1/requests/{id}/", "patch"): [
        ("rep", lambda w: f"/api/v1/requests/{w.rep_request.pk}/", lambda w: {"title": "Reworded"}, None),
        ("marketer", lambda w: f"/api/v1/requests/{w.rep_request.pk}/", lambda w: {"priority": 1}, None),
        ("marketer", lambda w: f"/api/v1/requests/{w.rep_request.pk}/", lambda w: {"status": "triaged"}, None),
    ],
    ("/api/v1/requests/{id}/support/", "post"): [
        ("rep", lambda w: f"/api/v1/requests/{w.other_open.pk}/support/", lambda w: {}, None)
    ],
    ("/api/v1/requests/{id}/comments/", "post"): [
        ("rep", lambda w: f"/api/v1/requests/{w.rep_request.pk}/comments/", lambda w: {"body": "Walked"}, None)
    ],
    ("/api/v1/auth/token/", "post"): [
        (
            None,
            lambda w: "/api/v1/auth/token/",
            lambda w: {"username": "rep", "password": PASSWORD},
            _rep_password,
        )
    ],
    ("/api/v1/auth/token/", "delete"): [("rep", lambda w: "/api/v1/auth/token/", None, _token_of)],
}
# Write operations of the schema that change nothing, each with why. (None today.)
API_NO_WRITE: dict[tuple[str, str], str] = {
    # Slack's /library command searches the library: it writes only the search log (search analytics,
    # never audited) and its signature into the replay cache
    ("/integrations/slack/commands/", "post"): "a search, answered to Slack",
}


def schema_writes() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {(path, method) for path, item in schema["paths"].items() for method in item if method in WRITE_METHODS}


def test_every_write_operation_of_the_api_schema_is_walked_or_allow_listed():
    writes = schema_writes()
    assert writes - API_WRITES.keys() - API_NO_WRITE.keys() == set(), "walk these (API_WRITES) or allow-list them"
    assert (API_WRITES.keys() | API_NO_WRITE.keys()) - writes == set(), "stale rows: no such operation"


API_CASES = [
    pytest.param(method, persona, url, body, setup, id=f"{method.upper()} {path} #{n} as {persona or 'nobody'}")
    for (path, method), cases in API_WRITES.items()
    for n, (persona, url, body, setup) in enumerate(cases)
]


@pytest.mark.parametrize("method,persona,url,body,setup", API_CASES)
def test_each_api_write_adds_audit_events(security_world, settings, method, persona, url, body, setup):
    settings.CRM_WEBHOOK_SECRET = WEBHOOK_SECRET
    w = security_world
    if setup is not None:
        setup(w)
    client = APIClient()
    if persona is not None:
        client.force_authenticate(w.users[persona])
    data = body(w) if body is not None else None
    before = AuditEvent.objects.count()
    extra = _signed(data) if "webhooks" in url(w) else {}
    if data is None:
        answer = getattr(client, method)(url(w))
    elif extra:
        answer = client.post(url(w), json.dumps(data), content_type="application/json", **extra)
    else:
        answer = getattr(client, method)(url(w), data, format="json")
    assert 200 <= answer.status_code < 300, (answer.status_code, getattr(answer, "data", answer.content))
    assert AuditEvent.objects.count() > before, "a write that left no audit event"


# -- the pages -------------------------------------------------------------------------------------


def route_of(path: str) -> str:
    return str(resolve(path.split("?")[0]).route)


# Page writes beyond the CSRF test's forms (tests/test_security_csrf.py FORMS, walked too):
# (name, persona or None, url(w), data(w), setup(w) or None)
MORE_PAGE_WRITES = [
    ("sign in", None, lambda w: "/login/", lambda w: {"username": "rep", "password": PASSWORD}, _rep_password),
    ("sign out", "rep", lambda w: "/logout/", lambda w: {}, None),
    ("revoke one's API token", "rep", lambda w: "/account/token/", lambda w: {}, _token_of),
    (
        "create a share link",
        "rep",
        lambda w: "/share-links/new/",
        lambda w: {"deal": w.rep_deal.crm_id, "assets": [w.published.pk]},
        None,
    ),
    (
        "revoke a share link",
        "rep",
        lambda w: f"/share-links/{ShareLink.objects.get().pk}/revoke/",
        lambda w: {},
        _live_link,
    ),
    ("deactivate someone", "manager", lambda w: f"/people/{w.other_rep.pk}/deactivate/", lambda w: {}, None),
    (
        "remove a Slack channel route",
        "manager",
        lambda w: f"/settings/slack/routes/{_slack_route(w).pk}/delete/",
        lambda w: {},
        None,
    ),
    (
        "decline a request (triage transition)",
        "marketer",
        lambda w: f"/requests/{w.rep_request.pk}/triage/transition/",
        lambda w: {"to_status": "declined", "decline_reason": "Not now."},
        None,
    ),
]
PAGE_WRITES = [(name, persona, url, data, None) for name, persona, url, data, _state in FORMS] + MORE_PAGE_WRITES

# Page routes whose empty POST looks like a form's (a 400, or a redirect for someone signed in) yet
# that change nothing, each with why.
PAGE_NO_WRITE = {
    # renders the Markdown a marketer is typing; stores nothing
    "assets/preview/",
    # signs a short-lived token for a CRM side panel and shows it; stores nothing (the panel's
    # writes are walked with its own session in tests/test_embed_panel.py)
    "panel/connect/",
}


@pytest.mark.parametrize("persona,url,data,setup", [pytest.param(*row[1:], id=row[0]) for row in PAGE_WRITES])
def test_each_page_form_adds_audit_events(security_world, persona, url, data, setup):
    w = security_world
    if setup is not None:
        setup(w)
    client = Client() if persona is None else client_for(persona, w)
    before = AuditEvent.objects.count()
    answer = client.post(url(w), data(w))
    assert answer.status_code in (200, 204, 302), answer.status_code
    assert AuditEvent.objects.count() > before, "a page form that left no audit event"


def _get_urls_by_route(w) -> dict[str, str]:
    """A GET address for each page route, from the permission matrix (which has every route), with
    the buyer's routes pointed at a live link (the matrix's unknown token answers 404 to anything)."""
    link = _live_link(w)
    live = {
        "s/<str:token>/": f"/s/{link.token}/",
        "s/<str:token>/files/<int:asset_id>/": f"/s/{link.token}/files/{w.published.pk}/",
        "s/<str:token>/seen/": f"/s/{link.token}/seen/",
        "s/<str:token>/pages/<int:asset_id>/<slug:version>/<int:page>-<int:width>.png": (
            f"/s/{link.token}/pages/{w.published.pk}/0123456789abcdef/1-800.png"
        ),
    }
    found = {}
    for _name, _method, url, _data, _expected in PAGES:
        address = url(w)
        found.setdefault(route_of(address), address)
    return {**found, **live}


# -- any request at all: a change to the domain's tables comes with an audit event ----------------

# Tables a request may write without an audit event, each with why.
NOT_AUDITED_TABLES = {
    "django_session": "the session itself",
    "axes_accessattempt": "the sign-in protection's counters (each failed sign-in is an event of its own)",
    "axes_accessfailurelog": "the sign-in protection's own log",
    "axes_accesslog": "the sign-in protection's own log",
    "enablement_shared_cache": "the database cache (sign-in and rate counters)",
    "enablement_version": "the data and library versions (content/caching.py), a sequence on PostgreSQL",
    "content_searchlog": "search analytics: what people searched for and clicked",
    "content_notification": "a person's own notifications marked read (made with an audited change)",
    "content_person": "last activity (made with an audited sign-in otherwise)",
    "content_signedinsession": "the sessions of a sign-in or out (both audited)",
    "content_calendarfeed": "made when the calendar first shows the subscription address (its reset is audited)",
    "content_shareview": "the buyer beacon's seconds on a view already audited as share_link.viewed",
    "content_backgroundjob": "a job's own progress (what it changes is audited as its creator's)",
    # the keyword search's index of the assets and its dictionary of words (content/search/), rewritten
    # by every save of an asset: SQLite's FTS5 and trigram tables, PostgreSQL's search rows
    "content_asset_fts": "the search index, derived from the asset",
    "content_asset_trgm": "the search index, derived from the asset",
    "content_asset_search": "the search index, derived from the asset",
    "content_search_word": "the search's dictionary of words, derived from the assets",
    "content_search_word_trgm": "the search's dictionary of words, derived from the assets",
}
_WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|COPY)\s+"?(\w+)"?', re.IGNORECASE)


# Columns whose change alone is not a change of data: a stamp that a save moves even when nothing
# else changed, and a cache of what is shown (an asset's file preview, read from its file when first
# shown).
IGNORED_COLUMNS = {"updated_at", "file_preview"}


class WrittenTables:
    """The tables whose rows a block changed. An INSERT is a change; an UPDATE or DELETE is one when
    the table's rows differ afterwards (a save that rewrites the same values, or a DELETE matching
    nothing, changes nothing), compared without IGNORED_COLUMNS. The statements are seen through
    connection.execute_wrapper, and a table is read just before its first UPDATE or DELETE."""

    def __init__(self):
        self.inserted: set[str] = set()
        self.before: dict[str, list] = {}

    def __call__(self, execute, sql, params, many, context):
        match = _WRITE.match(sql)
        if match:
            table = match.group(1).lower()
            if sql.lstrip().upper().startswith(("INSERT", "COPY")):
                self.inserted.add(table)
            elif table not in self.before:
                self.before[table] = _rows(table)
        return execute(sql, params, many, context)

    @property
    def tables(self) -> set[str]:
        return self.inserted | {table for table, rows in self.before.items() if _rows(table) != rows}

    def __enter__(self):
        self._wrapping = connection.execute_wrapper(self)
        self._wrapping.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapping.__exit__(*exc)


def _rows(table: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - a table name we read
        kept = [i for i, column in enumerate(cursor.description) if column[0] not in IGNORED_COLUMNS]
        return sorted(tuple(str(row[i]) for i in kept) for row in cursor.fetchall())


def unaudited(written: set[str]) -> set[str]:
    """The domain tables changed when no audit event was written with them."""
    return set() if AuditEvent._meta.db_table in written else written - NOT_AUDITED_TABLES.keys()


def test_the_write_detector_sees_what_changes_rows_and_nothing_else(security_world):
    deal = security_world.rep_deal.pk
    asset = security_world.published.pk
    with WrittenTables() as written, connection.cursor() as cursor:
        cursor.execute('UPDATE "content_deal" SET "name" = %s WHERE "id" = %s', ["Renamed", deal])
        cursor.execute('UPDATE "content_persona" SET "name" = "name"')  # the same values: no change
        cursor.execute('DELETE FROM "content_usage" WHERE "id" = -1')  # matches nothing: no change
        cursor.execute('SELECT 1 FROM "content_asset"')
        cursor.execute('UPDATE "content_asset" SET "file_preview" = NULL WHERE "id" = %s', [asset])
        cursor.execute('UPDATE "django_session" SET "expire_date" = "expire_date"')
    assert unaudited(written.tables) == {"content_deal"}
    with WrittenTables() as written, connection.cursor() as cursor:
        cursor.execute('UPDATE "content_asset" SET "title" = %s WHERE "id" = %s', ["Retitled", asset])
    assert unaudited(written.tables) == {"content_asset"}
    assert unaudited({"content_deal", AuditEvent._meta.db_table}) == set()


def _answers(client, address):
    """GET and an empty POST of `address`: (method, status, tables changed) each."""
    for method in ("get", "post"):
        with WrittenTables() as written:
            status = getattr(client, method)(address, {} if method == "post" else None).status_code
        yield method, status, written.tables


@pytest.mark.parametrize("route", sorted(str(p.pattern) for p in page_urls.urlpatterns))
def test_no_page_route_changes_data_without_an_audit_event(security_world, route):
    """Every page route, as every role, by GET and by an empty POST: a change to the domain's tables
    comes with an audit event; and a route whose empty POST is answered like a form's (400, or a
    redirect for someone signed in) is walked with a valid form above, or allow-listed."""
    w = security_world
    addresses = _get_urls_by_route(w)
    walked = {route_of(url(w)) for _name, _persona, url, _data, _setup in PAGE_WRITES}
    assert route in addresses, f"no address for {route} in the page matrix"
    for persona in ("anonymous", "rep", "marketer", "manager", "outsider"):
        for method, status, written in _answers(client_for(persona, w), addresses[route]):
            assert status < 500, (persona, method, status)
            assert unaudited(written) == set(), (persona, method, status)
            takes_a_form = method == "post" and (status == 400 or (status == 302 and persona != "anonymous"))
            if takes_a_form:
                assert route in walked | PAGE_NO_WRITE, f"{route} takes a form ({persona}: {status}): walk it"


API_OPERATIONS = sorted(
    (path, method)
    for path, item in SchemaGenerator().get_schema(request=None, public=True)["paths"].items()
    for method in item
    if method in ("get", *WRITE_METHODS)
)


@pytest.mark.parametrize("path,method", API_OPERATIONS, ids=[f"{m.upper()} {p}" for p, m in API_OPERATIONS])
def test_no_api_operation_changes_data_without_an_audit_event(security_world, settings, path, method):
    """Every operation of the schema, as every role, with an empty body (and the valid writes above):
    a change to the domain's tables comes with an audit event."""
    settings.CRM_WEBHOOK_SECRET = WEBHOOK_SECRET
    w = security_world
    address = _api_address(path, w)
    for persona in ("anonymous", "rep", "marketer", "manager", "outsider"):
        client = APIClient()
        if persona != "anonymous":
            client.force_authenticate(w.users[persona])
        with WrittenTables() as written:
            status = getattr(client, method)(address, {} if method != "get" else None, format="json").status_code
        assert status < 500, (persona, status)
        assert unaudited(written.tables) == set(), (persona, status)


def _api_address(path: str, w) -> str:
    values = {
        "{id}": {"assets": w.draft.pk, "requests": w.rep_request.pk, "share-links": 999999},
        "{slug}": {"stages": None, "personas": None, "competitors": None, "tags": "pricing"},
        "{crm_id}": {"deals": w.rep_deal.crm_id},
    }
    area = path.split("/")[3]
    for placeholder, by_area in values.items():
        if placeholder in path:
            value = by_area.get(area)
            if value is None:
                value = {"stages": first_stage, "personas": first_persona, "competitors": competitor}[area](w)
            path = path.replace(placeholder, str(value))
    return path


# -- the admin ------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(security_world):
    root = get_user_model().objects.create_superuser("walk-root", "root@example.com", PASSWORD)
    client = Client()
    client.force_login(root)
    return client


def _admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# Admin forms walked with valid data: (name, url, data), each must add audit events.
ADMIN_WRITES = [
    ("token added", lambda w: _admin_url(TokenProxy, "add"), lambda w: {"user": w.rep.pk}),
    ("calendar feed added", lambda w: _admin_url(CalendarFeed, "add"), lambda w: {"user": w.marketer.pk}),
    ("group added", lambda w: _admin_url(Group, "add"), lambda w: {"name": "Partners"}),
    (
        "password set",
        lambda w: _admin_url(get_user_model(), "password_change", w.rep.pk),
        lambda w: {"password1": "walk-new-pass-2026", "password2": "walk-new-pass-2026", "usable_password": "true"},
    ),
    (
        "user's roles changed",
        lambda w: _admin_url(get_user_model(), "change", w.rep.pk),
        lambda w: {
            "username": w.rep.username,
            "is_active": "on",
            "groups": [Group.objects.get(name="Marketing").pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "09:00:00",
        },
    ),
]


@pytest.mark.parametrize("name,url,data", ADMIN_WRITES, ids=[row[0] for row in ADMIN_WRITES])
def test_each_admin_form_adds_audit_events(security_world, admin_client, name, url, data):
    w = security_world
    before = AuditEvent.objects.count()
    with WrittenTables() as written:
        answer = admin_client.post(url(w), data(w))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert AuditEvent.objects.count() > before, f"the admin's {name} left no audit event"
    assert unaudited(written.tables) == set()


def test_an_admin_edit_of_a_token_names_its_user_never_its_key(security_world, admin_client):
    w = security_world
    admin_client.post(_admin_url(TokenProxy, "add"), {"user": w.rep.pk})
    key = Token.objects.get(user=w.rep).key
    admin_client.post(_admin_url(TokenProxy, "delete", w.rep.pk), {"post": "yes"})  # the admin's id: the user's
    assert not Token.objects.filter(user=w.rep).exists()
    made, revoked = AuditEvent.objects.filter(event__startswith="token.").order_by("id")
    assert (made.event, revoked.event) == ("token.created", "token.revoked")
    assert made.object_id == revoked.object_id == w.rep.pk
    assert not AuditEvent.objects.filter(object_repr__contains=key).exists()
    assert not AuditEvent.objects.filter(additional_data__icontains=key).exists()


def _one_row_of_each_admin_model(w) -> list:
    """A row of each model the admin edits (made here when the world has none)."""
    Token.objects.get_or_create(user=w.rep)
    CalendarFeed.objects.get_or_create(user=w.marketer)
    Tag.objects.get_or_create(name="walk", slug="walk")
    rows = []
    for model in admin.site._registry:
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            rows.append((model, row))
    return rows


def test_every_deletion_in_the_admin_is_audited(security_world, admin_client):
    """Each model of the admin, by its delete page: a deletion it allows adds audit events and no
    table changes without one."""
    deleted = []
    for model, row in _one_row_of_each_admin_model(security_world):
        before = AuditEvent.objects.count()
        with WrittenTables() as written:
            answer = admin_client.post(_admin_url(model, "delete", row.pk), {"post": "yes"})
        assert answer.status_code in (200, 302, 403), (model, answer.status_code)  # 200: refused, rows protect it
        assert unaudited(written.tables) == set(), model
        if answer.status_code == 302:
            assert AuditEvent.objects.count() > before, f"deleting a {model._meta.label} left no audit event"
            deleted.append(model._meta.label)
    assert {"authtoken.TokenProxy", "content.CalendarFeed", "taggit.Tag", "content.Asset"} <= set(deleted)


# -- the commands that load data ------------------------------------------------------------------


def test_loading_demo_or_synthetic_data_leaves_a_summary_event(db):
    call_command("load_demo", stdout=io.StringIO())
    demo = AuditEvent.objects.get(event="data.loaded")
    assert demo.additional_data["command"] == "load_demo" and demo.additional_data["assets"] > 0

    AuditEvent.objects.all().delete()
    options = ["--assets=40", "--deals=3", "--usages=5", "--requests=1", "--searches=1", "--reps=2", "--seed=3"]
    get_user_model().objects.filter(username="seed-marketer").exists() or get_user_model().objects.create_user(
        "seed-marketer"
    ).groups.add(Group.objects.get(name="Marketing"))
    call_command("generate_synthetic", *options, stdout=io.StringIO())
    synthetic = AuditEvent.objects.get(event="data.loaded")
    assert synthetic.additional_data == {
        "command": "generate_synthetic",
        "assets": 40,
        "deals": 3,
        "usages": 5,
        "requests": 1,
        "searches": 1,
        "reps": 2,
        "seed": 3,
    }
