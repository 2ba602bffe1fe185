"""The CRM side panel (/embed/deals/<crm_id>/): connecting a frame to a rep's account, what the panel
shows and does, who it refuses, the headers that let only the configured CRM origins frame it, and a
constant number of queries."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone

from content import panel as panel_module
from content.deal_prep import prepare_deal
from content.models import AssetKind, AssetStatus, AuditEvent, Competitor, FunnelStage, Persona, ShareLink, Usage
from content.models.sharing import ShareView, ShareViewKind
from content.panel import SESSION_COOKIE, STATE_COOKIE, code_of, connect_token
from content.sharing import share_link_create

from .factories import AssetFactory, DealFactory

pytestmark = pytest.mark.django_db

CRM_ORIGINS = ["https://*.lightning.force.com", "https://app.hubspot.com"]


# -- helpers ---------------------------------------------------------------------------------------


def panel_url(deal, action=""):
    return f"/embed/deals/{deal.crm_id}/{action + '/' if action else ''}"


def connect(client, user, address="/embed/deals/any/"):
    """The real way in: the frame's connect screen sets its state, the connect page makes a token
    for it (content.panel.connect_token), the frame redeems it."""
    client.get(address)
    token = connect_token(user=user, code=code_of(client.cookies[STATE_COOKIE].value))
    response = client.get(address, {"t": token})
    assert response.status_code == 302, response.status_code
    return client


def panel_client(user, **kwargs):
    return connect(Client(**kwargs), user)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def frame_ancestors(response) -> list[str]:
    for part in response["Content-Security-Policy"].split(";"):
        words = part.split()
        if words and words[0] == "frame-ancestors":
            return words[1:]
    raise AssertionError("no frame-ancestors")


@pytest.fixture
def stage():
    return FunnelStage.objects.order_by("order")[2]


@pytest.fixture
def persona():
    return Persona.objects.first()


@pytest.fixture
def deal(rep, stage, persona):
    deal = DealFactory(owner=rep, funnel_stage=stage, name="Globex expansion", account="Globex", amount=Decimal(48000))
    deal.personas.add(persona)
    return deal


def fitting(stage, **kwargs):
    asset = AssetFactory(**kwargs)
    asset.stages.add(stage)
    return asset


@pytest.fixture
def case_study(stage):
    return fitting(stage, kind=AssetKind.CASE_STUDY, title="Initech saved 40%", customer="Initech")


@pytest.fixture
def battle_card(stage):
    card = fitting(stage, kind=AssetKind.BATTLE_CARD, title="Beating Acme", how_we_win="Speed")
    card.competitors.add(Competitor.objects.create(name="Acme"))
    return card


# -- connecting a frame ----------------------------------------------------------------------------


def test_a_frame_without_its_own_session_sees_only_the_connect_screen(client, rep, deal, case_study):
    client.force_login(rep)  # the site's session: a cross-site frame would not even send it
    response = client.get(panel_url(deal))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Connect the side panel" in html and "/panel/connect/?code=" in html
    assert deal.name not in html and case_study.title not in html
    state = response.cookies[STATE_COOKIE]
    assert re.fullmatch(r"[0-9a-f]{32}", state.value)
    assert f"?code={code_of(state.value)}" in html and state.value not in html  # the address shows its hash only
    assert state["samesite"] == "None" and state["secure"] and state["httponly"] and state["path"] == "/embed/"
    assert state.OutputString().endswith("; Partitioned")
    assert SESSION_COOKIE not in response.cookies


def test_the_connect_page_asks_then_hands_over_a_token_bound_to_the_panels_state(rep_client):
    state = "a" * 32
    asked = rep_client.get("/panel/connect/", {"code": code_of(state)})
    assert asked.status_code == 200 and "Connect the panel" in asked.content.decode()
    assert 'id="panel-token"' not in asked.content.decode()
    assert asked["Cross-Origin-Opener-Policy"] == "unsafe-none"  # its opener, the panel, must get the token
    assert asked["X-Frame-Options"] == "DENY"
    given = rep_client.post(f"/panel/connect/?code={code_of(state)}")
    token = re.search(r'id="panel-token" data-token="([^"]+)"', given.content.decode()).group(1)
    assert given["Cache-Control"] == "no-store"
    frame = Client()
    frame.cookies[STATE_COOKIE] = state
    redeemed = frame.get("/embed/deals/006X/", {"t": token})
    assert redeemed.status_code == 302 and redeemed["Location"] == "/embed/deals/006X/"


def test_a_panel_that_missed_the_message_finds_its_token_waiting(rep_client, rep, deal):
    frame = Client()
    screen = frame.get(panel_url(deal))
    code = re.search(r"\?code=([0-9a-f]{64})", screen.content.decode()).group(1)
    intruder = Client()  # another frame, another state: nothing waits for it
    intruder.get(panel_url(deal))
    rep_client.post(f"/panel/connect/?code={code}")  # the rep confirms in a window that lost its opener
    assert intruder.get(panel_url(deal)).status_code == 403
    state = frame.cookies[STATE_COOKIE].value
    continued = frame.get(panel_url(deal))  # the panel's Continue
    assert continued.status_code == 302 and SESSION_COOKIE in continued.cookies
    assert frame.get(panel_url(deal)).context["deal"] == deal
    again = Client()
    again.cookies[STATE_COOKIE] = state
    assert again.get(panel_url(deal)).status_code == 403  # taken once


@pytest.mark.parametrize("code", ["", "xyz", "a" * 32, "A" * 64])
def test_the_connect_page_refuses_a_code_no_panel_made(rep_client, code):
    response = rep_client.post(f"/panel/connect/?code={code}")
    assert response.status_code == 400
    assert "panel-token" not in response.content.decode()


def test_the_connect_page_is_for_signed_in_members_of_a_role(client, outsider):
    assert client.get("/panel/connect/?code=" + "a" * 64)["Location"].startswith("/login/")
    client.force_login(outsider)
    assert client.get("/panel/connect/?code=" + "a" * 64).status_code == 403


def test_redeeming_a_token_signs_in_the_frame_with_a_cookie_of_its_own(rep, deal):
    client = Client()
    client.get(panel_url(deal))
    token = connect_token(user=rep, code=code_of(client.cookies[STATE_COOKIE].value))
    response = client.get(panel_url(deal), {"t": token})
    assert response.status_code == 302 and response["Location"] == panel_url(deal)  # no token left in the URL
    cookie = response.cookies[SESSION_COOKIE]
    assert cookie["samesite"] == "None" and cookie["secure"] and cookie["httponly"]
    assert cookie["path"] == "/embed/" and cookie.OutputString().endswith("; Partitioned")
    assert int(cookie["max-age"]) == 12 * 3600
    assert response.cookies[STATE_COOKIE]["max-age"] == 0  # a state serves once
    assert "sessionid" not in response.cookies
    assert client.get(panel_url(deal)).status_code == 200
    event = AuditEvent.objects.filter(event="user.signed_in").latest("pk")
    assert event.actor == rep and event.additional_data["via"] == "side panel"


def _redeem(client, token, address="/embed/deals/any/"):
    return client.get(address, {"t": token})


def test_a_token_for_another_panels_state_is_refused(rep):
    client = Client()
    client.get("/embed/deals/any/")
    response = _redeem(client, connect_token(user=rep, code=code_of("b" * 32)))
    assert response.status_code == 400 and "another panel" in response.content.decode()
    assert SESSION_COOKIE not in response.cookies


def test_a_token_without_the_panels_state_cookie_is_refused(rep):
    response = _redeem(Client(), connect_token(user=rep, code=code_of("b" * 32)))
    assert response.status_code == 400 and SESSION_COOKIE not in response.cookies


def test_a_tampered_or_late_token_is_refused(rep, monkeypatch):
    client = Client()
    client.get("/embed/deals/any/")
    token = connect_token(user=rep, code=code_of(client.cookies[STATE_COOKIE].value))
    assert _redeem(client, token[:-2] + "xx").status_code == 400
    monkeypatch.setattr(panel_module, "TOKEN_SECONDS", -1)
    late = _redeem(client, token)
    assert late.status_code == 400 and "two minutes" in late.content.decode()


def test_a_token_outlives_neither_a_password_change_nor_a_deactivation(rep, other_rep):
    client = Client()
    client.get("/embed/deals/any/")
    state = client.cookies[STATE_COOKIE].value
    token = connect_token(user=rep, code=code_of(state))
    rep.set_password("a-new-password-2026")
    rep.save()
    assert _redeem(client, token).status_code == 400
    token = connect_token(user=other_rep, code=code_of(state))
    other_rep.is_active = False
    other_rep.save()
    assert _redeem(client, token).status_code == 400


def test_the_frames_session_opens_nothing_outside_the_panel(rep):
    client = panel_client(rep)
    assert client.get("/deals/")["Location"].startswith("/login/")
    key = client.cookies[SESSION_COOKIE].value
    stolen = Client()
    stolen.cookies["sessionid"] = key  # even as the site's session cookie
    assert stolen.get("/deals/")["Location"].startswith("/login/")


def test_the_sites_session_does_not_open_the_panel(client, rep, deal):
    client.force_login(rep)
    client.cookies[SESSION_COOKIE] = client.cookies["sessionid"].value
    assert client.get(panel_url(deal)).status_code == 403  # the connect screen


def test_disconnecting_ends_the_frames_session_only(client, rep, deal):
    client.force_login(rep)
    connect(client, rep)
    page = client.get(panel_url(deal))
    response = client.post("/embed/disconnect/", {"csrfmiddlewaretoken": csrf_of(page.content.decode())})
    assert response.status_code == 200 and "Connect the side panel" in response.content.decode()
    assert response.cookies[SESSION_COOKIE]["max-age"] == 0
    assert client.get(panel_url(deal)).status_code == 403
    assert client.get("/deals/").status_code == 200  # the site's own session is still there


# -- what the panel shows --------------------------------------------------------------------------


def test_the_panel_shows_the_deal_preps_recommendations(rep, deal, stage, case_study):
    other = fitting(stage, kind=AssetKind.ONE_PAGER, title="Payables in one page")
    fitting(stage, title="A draft", status=AssetStatus.DRAFT, published_at=None)
    AssetFactory(title="Fits nothing")
    response = panel_client(rep).get(panel_url(deal))
    assert response.status_code == 200
    expected = prepare_deal(deal=deal, user=rep).recommended
    assert [a.pk for a in response.context["recommended"]] == [a.pk for a in expected]
    assert {a.pk for a in expected} == {case_study.pk, other.pk}
    html = response.content.decode()
    assert "Globex expansion" in html and "Initech saved 40%" in html and "A draft" not in html
    assert "Fits nothing" not in html
    assert html.count('name="action" value="presented"') == 2  # one click per asset and action
    assert "Connected as Riley Rep" in html


def test_the_panel_shows_the_buyers_recent_views_of_this_deals_links(rep, other_rep, deal, case_study):
    link = share_link_create(user=rep, assets=[case_study], deal=deal)
    ShareView.objects.create(link=link, asset=case_study, kind=ShareViewKind.DOWNLOAD, seconds=None)
    ShareView.objects.create(link=link, asset=case_study, kind=ShareViewKind.VIEW, seconds=95)
    elsewhere = DealFactory(owner=rep, name="Another deal")
    other_link = share_link_create(user=rep, assets=[case_study], deal=elsewhere)
    ShareView.objects.create(link=other_link, asset=case_study)
    response = panel_client(rep).get(panel_url(deal))
    views = response.context["buyer_views"]
    assert [view.kind for view in views] == ["view", "download"]  # newest first, this deal's only
    assert {view.link_id for view in views} == {link.pk}
    html = response.content.decode()
    assert "95 s on the page" in html and "downloaded" in html


def test_a_deal_with_nothing_to_match_says_so(rep):
    bare = DealFactory(owner=rep, name="Bare deal")
    html = panel_client(rep).get(panel_url(bare)).content.decode()
    assert "nothing can be matched" in html and "No buyer has opened" in html


# -- what the panel does ---------------------------------------------------------------------------


def test_one_click_logs_a_use_with_the_usage_forms_rules(rep, deal, stage, case_study):
    client = panel_client(rep, enforce_csrf_checks=True)
    token = csrf_of(client.get(panel_url(deal)).content.decode())
    response = client.post(
        panel_url(deal, "log"), {"asset": case_study.pk, "action": "presented", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 200
    assert "Logged: presented “Initech saved 40%” in Globex expansion." in response.content.decode()
    usage = Usage.objects.get()
    assert (usage.asset, usage.deal, usage.user, usage.action, usage.stage) == (
        case_study,
        deal,
        rep,
        "presented",
        stage,
    )
    assert AuditEvent.objects.filter(content_type__model="usage", object_id=usage.pk).exists()


def test_a_write_without_the_frames_csrf_token_is_refused(rep, deal, case_study):
    client = panel_client(rep, enforce_csrf_checks=True)
    client.get(panel_url(deal))
    response = client.post(panel_url(deal, "log"), {"asset": case_study.pk, "action": "presented"})
    assert response.status_code == 403 and b"CSRF" in response.content
    forged = client.post(panel_url(deal, "share"), {"assets": [case_study.pk], "csrfmiddlewaretoken": "x" * 64})
    assert forged.status_code == 403
    assert not Usage.objects.exists() and not ShareLink.objects.exists()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"action": "presented"}, "No asset with id"),
        ({"asset": "{draft}", "action": "presented"}, "that you can open"),
        ({"asset": "{asset}", "action": "heard"}, "only for objection entries"),
        ({"asset": "{asset}", "action": "buyer_viewed"}, "Choose one of"),
    ],
)
def test_a_refused_use_is_a_400_that_says_why_and_logs_nothing(rep, deal, stage, case_study, data, message):
    draft = fitting(stage, title="Unreleased", status=AssetStatus.DRAFT, published_at=None)
    values = {k: v.format(draft=draft.pk, asset=case_study.pk) for k, v in data.items()}
    response = panel_client(rep).post(panel_url(deal, "log"), values)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Usage.objects.exists()


def test_send_tracked_link_creates_a_link_and_shows_it_ready_to_copy(rep, deal, stage, case_study):
    fitting(stage, kind=AssetKind.EMAIL_TEMPLATE, title="Follow-up mail")  # recommended, for the seller only
    client = panel_client(rep)
    page = client.get(panel_url(deal))
    assert [a.pk for a in page.context["share_choices"]] == [case_study.pk]  # buyers' kinds only
    response = client.post(panel_url(deal, "share"), {"assets": [case_study.pk], "note": "As promised"})
    assert response.status_code == 200
    link = ShareLink.objects.get()
    assert (link.deal, link.created_by, link.note) == (deal, rep, "As promised")
    assert [item.asset_id for item in link.items.all()] == [case_study.pk]
    html = response.content.decode()
    assert f'value="{link.public_url}" readonly' in html and 'data-copy="new-link"' in html


def test_an_internal_asset_is_not_sent(rep, deal, battle_card):
    response = panel_client(rep).post(panel_url(deal, "share"), {"assets": [battle_card.pk]})
    assert response.status_code == 400
    assert "internal, for the seller" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_a_marketer_sees_a_reps_deal_but_sends_no_link_in_it(marketer, deal, case_study):
    client = panel_client(marketer)
    page = client.get(panel_url(deal))
    assert page.status_code == 200 and page.context["share_choices"] is None
    assert "Send a tracked link" not in page.content.decode()
    refused = client.post(panel_url(deal, "share"), {"assets": [case_study.pk]})
    assert refused.status_code == 400 and "only for your own deals" in refused.content.decode()
    assert not ShareLink.objects.exists()


# -- refusals --------------------------------------------------------------------------------------


def test_another_reps_deal_is_the_styled_not_found_with_no_data(rep, other_rep, case_study, stage):
    theirs = DealFactory(owner=other_rep, name="Secret Corp renewal", funnel_stage=stage)
    client = panel_client(rep)
    for response in (
        client.get(panel_url(theirs)),
        client.post(panel_url(theirs, "log"), {"asset": case_study.pk, "action": "presented"}),
        client.post(panel_url(theirs, "share"), {"assets": [case_study.pk]}),
        client.get("/embed/deals/NO-SUCH-DEAL/"),
    ):
        assert response.status_code == 404
        html = response.content.decode()
        assert "Page not found" in html and "Secret Corp" not in html and case_study.title not in html
        assert 'class="card error-page"' in html and "site-header" not in html
    assert not Usage.objects.exists() and not ShareLink.objects.exists()


def test_someone_in_no_role_is_refused_with_the_styled_403(outsider, deal):
    response = panel_client(outsider).get(panel_url(deal))
    assert response.status_code == 403
    html = response.content.decode()
    assert "not part of your role" in html and deal.name not in html


@pytest.mark.parametrize("who,status", [("rep", 200), ("other_rep", 404), ("marketer", 200), ("manager", 200)])
def test_the_panel_follows_deal_visibility(request, deal, who, status):
    user = request.getfixturevalue(who)
    assert panel_client(user).get(panel_url(deal)).status_code == status


def test_a_panel_page_by_the_wrong_method_is_a_405(rep, deal):
    client = panel_client(rep)
    assert client.get(panel_url(deal, "log")).status_code == 405
    assert client.post(panel_url(deal)).status_code == 405


# -- headers ---------------------------------------------------------------------------------------


def test_the_panel_may_be_framed_by_the_configured_crm_origins_only(settings, rep, deal, other_rep):
    settings.EMBED_FRAME_ANCESTORS = CRM_ORIGINS
    client = panel_client(rep)
    theirs = DealFactory(owner=other_rep)
    for response in (
        client.get(panel_url(deal)),  # the panel
        client.get(panel_url(theirs)),  # its 404
        Client().get(panel_url(deal)),  # the connect screen
    ):
        assert frame_ancestors(response) == ["'self'", *CRM_ORIGINS]
        assert "X-Frame-Options" not in response
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "object-src 'none'" in policy and "'unsafe-inline'" not in policy


def test_with_no_origin_configured_only_the_site_itself_frames_the_panel(settings, rep, deal):
    settings.EMBED_FRAME_ANCESTORS = []
    response = panel_client(rep).get(panel_url(deal))
    assert frame_ancestors(response) == ["'self'"]
    assert "X-Frame-Options" not in response


def test_the_rest_of_the_site_is_still_framed_by_nobody(settings, rep_client):
    settings.EMBED_FRAME_ANCESTORS = CRM_ORIGINS
    for address in ("/", "/deals/", "/panel/connect/?code=" + "a" * 64):
        response = rep_client.get(address)
        assert response["X-Frame-Options"] == "DENY"
        assert frame_ancestors(response) == ["'none'"]


@pytest.mark.parametrize(
    "value,origins",
    [
        ("", []),
        ("https://*.lightning.force.com https://app.hubspot.com", CRM_ORIGINS),
        ("https://*.lightning.force.com,https://app.hubspot.com", CRM_ORIGINS),
        (" https://a.example.com ,  http://localhost:8001 ", ["https://a.example.com", "http://localhost:8001"]),
    ],
)
def test_embed_frame_ancestors_is_read_from_spaces_or_commas(monkeypatch, value, origins):
    from enablement.settings import env_origins

    monkeypatch.setenv("EMBED_FRAME_ANCESTORS", value)
    assert env_origins("EMBED_FRAME_ANCESTORS") == origins


@pytest.mark.parametrize(
    "value", ["*", "'none'", "https://a.example.com/path", "https://a.example.com;script-src *", "javascript:x"]
)
def test_embed_frame_ancestors_refuses_what_is_not_an_origin(monkeypatch, value):
    from enablement.settings import env_origins

    monkeypatch.setenv("EMBED_FRAME_ANCESTORS", value)
    with pytest.raises(ImproperlyConfigured):
        env_origins("EMBED_FRAME_ANCESTORS")


# -- queries ---------------------------------------------------------------------------------------


def _fill(count, deal, stage, rep):
    assets = [fitting(stage, kind=AssetKind.CASE_STUDY, title=f"Case {deal.pk}-{n}") for n in range(count)]
    link = share_link_create(user=rep, assets=assets[:1], deal=deal)
    ShareView.objects.bulk_create(
        [ShareView(link=link, asset=assets[0], viewed_at=timezone.now()) for _ in range(count)]
    )


def test_the_panel_runs_the_same_queries_whatever_the_data_size(rep, deal, stage, django_assert_max_num_queries):
    # session, user, groups; deal with stage and owner; personas; competitors; recommended; the
    # picks' reasons; objections (the deal prep's, unused here, no battle cards: no competitor);
    # buyer views = 10
    client = panel_client(rep)
    _fill(2, deal, stage, rep)
    with django_assert_max_num_queries(10):
        small = client.get(panel_url(deal))
    _fill(30, deal, stage, rep)
    with django_assert_max_num_queries(10):
        large = client.get(panel_url(deal))
    assert len(small.context["recommended"]) == 2 and len(large.context["recommended"]) == 12
    assert len(small.context["buyer_views"]) == 2 and len(large.context["buyer_views"]) == 10


def test_the_session_key_of_a_connected_frame_names_the_user(rep):
    """The frame's session is an ordinary session of the configured engine (deactivation ends it)."""
    from importlib import import_module

    from django.conf import settings

    client = panel_client(rep)
    store = import_module(settings.SESSION_ENGINE).SessionStore(client.cookies[SESSION_COOKIE].value)
    assert store[SESSION_KEY] == str(rep.pk)


# -- the panel's permission matrix, each role with a frame session of its own ----------------------

PANEL_MATRIX = [
    # (name, method, url(w), data(w) or None, expected by persona)
    (
        "the panel of the rep's deal",
        "get",
        lambda w: panel_url(w.rep_deal),
        None,
        {"rep": 200, "marketer": 200, "manager": 200, "outsider": 403},
    ),
    (
        "the panel of another rep's deal",
        "get",
        lambda w: panel_url(w.other_deal),
        None,
        {"rep": 404, "marketer": 200, "manager": 200, "outsider": 403},
    ),
    (
        "log use in the rep's deal",
        "post",
        lambda w: panel_url(w.rep_deal, "log"),
        lambda w: {"asset": w.published.pk, "action": "shared"},
        {"rep": 200, "marketer": 200, "manager": 200, "outsider": 403},
    ),
    (
        "log use in another rep's deal",
        "post",
        lambda w: panel_url(w.other_deal, "log"),
        lambda w: {"asset": w.published.pk, "action": "shared"},
        {"rep": 404, "marketer": 200, "manager": 200, "outsider": 403},
    ),
    (
        "send a link in the rep's deal",
        "post",
        lambda w: panel_url(w.rep_deal, "share"),
        lambda w: {"assets": [w.published.pk]},
        {"rep": 200, "marketer": 400, "manager": 200, "outsider": 403},
    ),
    (
        "send a link in another rep's deal",
        "post",
        lambda w: panel_url(w.other_deal, "share"),
        lambda w: {"assets": [w.published.pk]},
        {"rep": 404, "marketer": 400, "manager": 200, "outsider": 403},
    ),
]


@pytest.mark.parametrize(
    "method,url,data,who,expected",
    [
        pytest.param(method, url, data, who, expected[who], id=f"{name} as {who}")
        for name, method, url, data, expected in PANEL_MATRIX
        for who in ("rep", "marketer", "manager", "outsider")
    ],
)
def test_each_panel_route_answers_each_role_as_the_rules_say(security_world, method, url, data, who, expected):
    w = security_world
    client = panel_client(w.users[who])
    before = AuditEvent.objects.count()
    response = client.post(url(w), data(w)) if method == "post" else client.get(url(w))
    assert response.status_code == expected
    if method == "post" and expected == 200:
        assert AuditEvent.objects.count() > before  # every write of the panel is in the audit log


def test_a_settings_file_without_the_panels_csrf_middleware_is_refused(settings):
    from content.panel import csrf_middleware_check

    assert csrf_middleware_check(None) == []
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "content.panel.CsrfViewMiddleware"]
    assert [error.id for error in csrf_middleware_check(None)] == ["content.E002"]
