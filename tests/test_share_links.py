"""Tracked share links: the API and the page create them under the sharing rules, the buyer's page
opens without an account and shows nothing internal, and only views a buyer likely made are counted;
the first of each asset logs one `buyer_viewed` use on the deal and tells the sender."""

import datetime
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from content.models import (
    Asset,
    AssetKind,
    AssetStatus,
    DealStatus,
    Notification,
    ShareLink,
    ShareView,
    Usage,
    UsageAction,
)
from content.sharing import is_automated, scanner_markers

from .factories import AssetFactory, DealFactory

pytestmark = pytest.mark.django_db

BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
AGENTS_FILE = Path(__file__).parent / "data" / "link_scanner_agents.txt"


def real_world_scanners() -> list[str]:
    lines = AGENTS_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


@pytest.fixture
def deal(rep):
    return DealFactory(owner=rep, account="Globex")


@pytest.fixture
def shareable():
    return [
        AssetFactory(kind=AssetKind.CASE_STUDY, title="Globex cut onboarding to 3 weeks", customer="Globex"),
        AssetFactory(kind=AssetKind.ONE_PAGER, title="Platform one-pager", body="We **ship** fast."),
    ]


@pytest.fixture
def link(rep_api, deal, shareable):
    answer = rep_api.post(
        "/api/v1/share-links/",
        {"assets": [a.pk for a in shareable], "deal": deal.crm_id, "note": "Hi <b>Ann</b>, as promised."},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    found = ShareLink.objects.get(pk=answer.json()["id"])
    # the sender's own check right after creating it is not a view; tests view as the buyer later
    ShareLink.objects.filter(pk=found.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    found.refresh_from_db()
    return found


@pytest.fixture
def manager_api(manager):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(manager)
    return client


def buyer_get(client, url, agent=BROWSER, **headers):
    return client.get(url, HTTP_USER_AGENT=agent, **headers)


# --- creating links -------------------------------------------------------------------------------


def test_a_rep_creates_a_link_for_their_deal_and_gets_an_absolute_url(rep_api, deal, shareable, settings):
    answer = rep_api.post(
        "/api/v1/share-links/", {"assets": [a.pk for a in shareable], "deal": deal.crm_id}, format="json"
    )
    assert answer.status_code == 201
    body = answer.json()
    assert body["url"].startswith(settings.SITE_URL.rstrip("/") + "/s/")
    assert body["assets"] == [a.pk for a in shareable]
    assert body["deal"] == deal.crm_id
    assert body["views"] == 0
    expires = datetime.datetime.fromisoformat(body["expires_at"])
    assert abs((expires - timezone.now()) - datetime.timedelta(days=90)) < datetime.timedelta(minutes=1)
    token = body["url"].rstrip("/").rsplit("/", 1)[-1]
    assert len(token) >= 43  # 256 random bits, URL-safe


@pytest.mark.parametrize("kind", [AssetKind.BATTLE_CARD, AssetKind.OBJECTION])
def test_an_internal_kind_is_refused_with_a_reason_and_nothing_is_created(rep_api, deal, shareable, kind):
    internal = AssetFactory(kind=kind, title="Internal only")
    answer = rep_api.post(
        "/api/v1/share-links/", {"assets": [shareable[0].pk, internal.pk], "deal": deal.crm_id}, format="json"
    )
    assert answer.status_code == 400
    assert "internal" in str(answer.json()["assets"])
    assert not ShareLink.objects.exists()


def test_a_draft_asset_is_refused(rep_api, deal):
    draft = AssetFactory(kind=AssetKind.CASE_STUDY, status=AssetStatus.DRAFT, published_at=None)
    answer = rep_api.post("/api/v1/share-links/", {"assets": [draft.pk], "deal": deal.crm_id}, format="json")
    assert answer.status_code == 400
    assert not ShareLink.objects.exists()


def test_another_reps_deal_is_refused(rep_api, other_rep, shareable):
    theirs = DealFactory(owner=other_rep)
    answer = rep_api.post("/api/v1/share-links/", {"assets": [shareable[0].pk], "deal": theirs.crm_id}, format="json")
    assert answer.status_code == 400
    assert "deal" in answer.json()
    assert not ShareLink.objects.exists()


@pytest.mark.parametrize("count", [0, 500])
def test_a_link_to_no_asset_or_too_many_is_refused(rep_api, deal, shareable, count):
    ids = [shareable[0].pk] * count
    answer = rep_api.post("/api/v1/share-links/", {"assets": ids, "deal": deal.crm_id}, format="json")
    assert answer.status_code == 400
    assert "assets" in answer.json()
    assert not ShareLink.objects.exists()


def test_an_over_long_note_and_a_past_expiry_are_refused(rep_api, deal, shareable):
    base = {"assets": [shareable[0].pk], "deal": deal.crm_id}
    long_note = rep_api.post("/api/v1/share-links/", {**base, "note": "x" * 10_001}, format="json")
    past = rep_api.post("/api/v1/share-links/", {**base, "expires_at": "2020-01-01T00:00:00Z"}, format="json")
    assert long_note.status_code == 400 and "note" in long_note.json()
    assert past.status_code == 400 and "expires_at" in past.json()
    assert not ShareLink.objects.exists()


def test_buyer_viewed_cannot_be_logged_by_hand(rep_api, deal, shareable):
    answer = rep_api.post(
        "/api/v1/usage/", {"asset": shareable[0].pk, "deal": deal.crm_id, "action": "buyer_viewed"}, format="json"
    )
    assert answer.status_code == 400
    assert not Usage.objects.exists()


def test_a_retry_with_the_same_idempotency_key_creates_one_link(rep_api, deal, shareable):
    payload = {"assets": [shareable[0].pk], "deal": deal.crm_id}
    first = rep_api.post("/api/v1/share-links/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = rep_api.post("/api/v1/share-links/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert ShareLink.objects.count() == 1


# --- listing, reading, revoking -------------------------------------------------------------------


def test_reps_list_their_own_links_and_managers_all_with_deal_and_asset_filters(
    link, other_rep, manager_api, rep_api, shareable
):
    from rest_framework.test import APIClient

    theirs_deal = DealFactory(owner=other_rep)
    other_api = APIClient()
    other_api.force_authenticate(other_rep)
    other = other_api.post(
        "/api/v1/share-links/", {"assets": [shareable[1].pk], "deal": theirs_deal.crm_id}, format="json"
    )
    assert other.status_code == 201
    mine = rep_api.get("/api/v1/share-links/").json()["results"]
    everyone = manager_api.get("/api/v1/share-links/").json()["results"]
    assert [row["id"] for row in mine] == [link.pk]
    assert {row["id"] for row in everyone} == {link.pk, other.json()["id"]}
    by_deal = manager_api.get("/api/v1/share-links/", {"deal": theirs_deal.crm_id}).json()["results"]
    by_asset = manager_api.get("/api/v1/share-links/", {"asset": shareable[0].pk}).json()["results"]
    assert [row["id"] for row in by_deal] == [other.json()["id"]]
    assert [row["id"] for row in by_asset] == [link.pk]
    assert rep_api.get(f"/api/v1/share-links/{other.json()['id']}/").status_code == 404


@pytest.mark.parametrize("count", [2, 12])
def test_the_link_list_runs_a_constant_number_of_queries(rep, rep_api, shareable, count, django_assert_max_num_queries):
    from content.sharing import share_link_create

    for _ in range(count):
        share_link_create(user=rep, assets=shareable, deal=DealFactory(owner=rep))
    with django_assert_max_num_queries(4):
        answer = rep_api.get("/api/v1/share-links/")
    assert answer.json()["count"] == count


def test_the_detail_gives_the_view_history(link, rep_api, client):
    buyer_get(client, link.get_absolute_url())
    body = rep_api.get(f"/api/v1/share-links/{link.pk}/").json()
    assert body["views"] == 2
    assert {row["asset"] for row in body["view_history"]} == {item.asset_id for item in link.items.all()}
    assert {row["kind"] for row in body["view_history"]} == {"view"}


def test_delete_revokes_and_the_buyer_page_then_answers_410(link, rep_api, client, other_rep):
    from rest_framework.test import APIClient

    stranger = APIClient()
    stranger.force_authenticate(other_rep)
    assert stranger.delete(f"/api/v1/share-links/{link.pk}/").status_code == 404
    assert rep_api.delete(f"/api/v1/share-links/{link.pk}/").status_code == 204
    gone = buyer_get(client, link.get_absolute_url())
    assert gone.status_code == 410
    assert b"withdrawn" in gone.content
    assert not ShareView.objects.exists()


# --- the buyer's page -----------------------------------------------------------------------------


def test_the_buyer_page_opens_without_an_account_and_shows_nothing_internal(link, client, shareable):
    answer = buyer_get(client, link.get_absolute_url())
    assert answer.status_code == 200
    html = answer.content.decode()
    for asset in shareable:
        assert asset.title in html
    assert "<strong>ship</strong>" in html  # the body's Markdown, sanitised
    assert "Hi &lt;b&gt;Ann&lt;/b&gt;, as promised." in html  # the note is text, never HTML
    for internal in ('href="/library', 'href="/deals', 'href="/assets', "won deal", "Log out", "usage"):
        assert internal not in html
    assert answer["X-Robots-Tag"].startswith("noindex")
    assert "default-src 'none'" in answer["Content-Security-Policy"]
    assert "sessionid" not in answer.cookies and "csrftoken" not in answer.cookies
    assert answer.cookies["buyer"]["path"] == "/s/"


@pytest.mark.parametrize("mangle", [lambda t: t + "x", lambda t: t[:-1], lambda t: "A" * 43, lambda t: "../etc"])
def test_unknown_tampered_and_truncated_tokens_are_not_found(link, client, mangle):
    answer = buyer_get(client, f"/s/{mangle(link.token)}/")
    assert answer.status_code == 404
    assert not ShareView.objects.exists()


def test_an_expired_link_answers_410_with_a_polite_page(link, client):
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    answer = buyer_get(client, link.get_absolute_url())
    assert answer.status_code == 410
    assert b"past its expiry date" in answer.content


def test_the_first_buyer_view_logs_one_use_per_asset_and_tells_the_sender(
    link, client, rep, mailoutbox, django_capture_on_commit_callbacks
):
    rep.email = "rep@example.com"
    rep.save()
    with django_capture_on_commit_callbacks(execute=True):
        buyer_get(client, link.get_absolute_url())
        buyer_get(client, link.get_absolute_url())
    assert ShareView.objects.filter(link=link).count() == 4
    uses = Usage.objects.filter(deal=link.deal, action=UsageAction.BUYER_VIEWED)
    assert sorted(uses.values_list("asset_id", flat=True)) == sorted(i.asset_id for i in link.items.all())
    assert {u.user_id for u in uses} == {rep.pk}
    news = Notification.objects.get(user=rep)
    assert "Globex" in news.message and news.get_absolute_url() == link.deal.get_absolute_url()
    assert [m.to for m in mailoutbox] == [["rep@example.com"]]


def test_a_buyer_view_before_the_close_counts_for_won_deal_support(link, client):
    buyer_get(client, link.get_absolute_url())
    deal = link.deal
    deal.status, deal.close_date = DealStatus.WON, timezone.localdate()
    deal.save()
    from content.support import refresh_support_for_deals

    refresh_support_for_deals([deal.pk])
    counts = set(
        Asset.objects.filter(pk__in=[i.asset_id for i in link.items.all()]).values_list("won_deal_count", flat=True)
    )
    assert counts == {1}


@pytest.mark.parametrize("agent", real_world_scanners())
def test_a_mail_scanner_or_link_expander_is_not_counted(link, client, agent):
    assert is_automated(type("R", (), {"method": "GET", "headers": {"user-agent": agent}})())
    buyer_get(client, link.get_absolute_url(), agent=agent)
    assert not ShareView.objects.exists()
    assert not Usage.objects.exists()


def test_the_scanner_list_is_data_and_every_marker_is_lower_case():
    markers = scanner_markers()
    assert len(markers) > 50
    assert all(marker == marker.lower() and not marker.startswith("#") for marker in markers)


@pytest.mark.parametrize(
    "headers", [{"HTTP_PURPOSE": "prefetch"}, {"HTTP_SEC_PURPOSE": "prefetch"}, {"HTTP_X_MOZ": "prefetch"}]
)
def test_prefetch_requests_are_not_counted(link, client, headers):
    assert buyer_get(client, link.get_absolute_url(), **headers).status_code == 200
    assert not ShareView.objects.exists()


def test_head_requests_and_requests_without_an_agent_are_not_counted(link, client):
    assert client.head(link.get_absolute_url(), HTTP_USER_AGENT=BROWSER).status_code == 200
    assert client.get(link.get_absolute_url()).status_code == 200
    assert not ShareView.objects.exists()


def test_the_sender_checking_a_new_link_is_not_a_view_but_later_views_count(rep, rep_client, deal, shareable):
    from content.sharing import share_link_create

    link = share_link_create(user=rep, assets=shareable[:1], deal=deal)
    buyer_get(rep_client, link.get_absolute_url())
    assert not ShareView.objects.exists()
    ShareLink.objects.filter(pk=link.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    buyer_get(rep_client, link.get_absolute_url())
    assert ShareView.objects.count() == 1


def test_a_download_is_recorded_and_a_pdf_previews_inline_in_the_page_only(link, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    asset = link.items.first().asset
    asset.file.save("story.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    Asset.objects.filter(pk=asset.pk).update(file=asset.file.name)
    url = f"/s/{link.token}/files/{asset.pk}/"
    preview = buyer_get(client, url)
    assert preview["Content-Type"] == "application/pdf"
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert "attachment" not in preview.get("Content-Disposition", "")
    assert not ShareView.objects.exists()
    download = buyer_get(client, url + "?download=1")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert list(ShareView.objects.values_list("asset_id", "kind")) == [(asset.pk, "download")]
    assert buyer_get(client, f"/s/{link.token}/files/999999/").status_code == 404


def test_the_beacon_records_how_long_the_page_stayed_open(link, client):
    buyer_get(client, link.get_absolute_url())
    assert client.post(f"/s/{link.token}/seen/", {"seconds": "42"}).status_code == 204
    assert client.post(f"/s/{link.token}/seen/", {"seconds": "7"}).status_code == 204  # never lowered
    assert client.post(f"/s/{link.token}/seen/", {"seconds": "many"}).status_code == 400
    assert set(ShareView.objects.values_list("seconds", flat=True)) == {42}


def test_the_buyer_page_is_rate_limited_per_link(link, client, settings):
    settings.SHARE_LINK_RATE_PER_MINUTE = 3
    answers = [buyer_get(client, link.get_absolute_url()).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 429, 429]


@pytest.mark.parametrize("count", [1, 8])
def test_the_buyer_page_runs_a_constant_number_of_queries(rep, deal, count, client, django_assert_max_num_queries):
    from content.sharing import share_link_create

    assets = [AssetFactory(kind=AssetKind.CASE_STUDY, customer=f"C{i}") for i in range(count)]
    link = share_link_create(user=rep, assets=assets, deal=deal)
    ShareLink.objects.filter(pk=link.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    buyer_get(client, link.get_absolute_url())  # the first view logs the uses
    # 8 with the view's audit event (one INSERT, content.audit: share_link.viewed)
    with django_assert_max_num_queries(8):
        assert buyer_get(client, link.get_absolute_url()).status_code == 200


def test_a_later_view_writes_its_views_and_reads_nothing_more_than_the_page(link, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    buyer_get(client, link.get_absolute_url())  # the first view logs the uses and stamps the link
    with CaptureQueriesContext(connection) as captured:
        assert buyer_get(client, link.get_absolute_url()).status_code == 200
    transaction_control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")  # the test's own transaction nests them
    statements = [q["sql"] for q in captured.captured_queries if q["sql"].split()[0] not in transaction_control]
    # the link with its deal and sender; its assets, each with whether its use is logged; the views;
    # the view's audit event (content.audit: share_link.viewed)
    assert len(statements) == 4, statements
    assert statements[-2].startswith('INSERT INTO "content_shareview"')
    assert statements[-1].startswith('INSERT INTO "content_auditevent"')
    assert Usage.objects.filter(deal=link.deal, action=UsageAction.BUYER_VIEWED).count() == len(link.items.all())


def test_a_buyers_first_view_refreshes_the_assets_figures_in_a_background_job(
    link, client, django_capture_on_commit_callbacks
):
    from content.models import BackgroundJob

    with django_capture_on_commit_callbacks(execute=True):
        buyer_get(client, link.get_absolute_url())
    job = BackgroundJob.objects.get(kind="refresh_support")
    assert sorted(job.params["asset_ids"]) == sorted(item.asset_id for item in link.items.all())
    assert job.status == "succeeded"  # inline in tests; a worker's in production
    assert {item.asset.usage_count for item in link.items.select_related("asset")} == {1}


# --- the deal page --------------------------------------------------------------------------------


def test_a_rep_creates_a_link_from_the_deal_page_and_sees_it_there(rep_client, deal, shareable):
    answer = rep_client.post(
        "/share-links/new/",
        {"deal": deal.crm_id, "assets": [shareable[0].pk], "note": "For you", "next": deal.get_absolute_url()},
        follow=True,
    )
    link = ShareLink.objects.get()
    html = answer.content.decode()
    assert link.public_url in html
    assert "Tracked links" in html


def test_a_refused_link_from_the_page_says_why_and_creates_nothing(rep_client, deal):
    card = AssetFactory(kind=AssetKind.BATTLE_CARD, title="Versus Rival")
    answer = rep_client.post(
        "/share-links/new/", {"deal": deal.crm_id, "assets": [card.pk], "next": deal.get_absolute_url()}, follow=True
    )
    assert "internal" in answer.content.decode()
    assert not ShareLink.objects.exists()


def test_a_new_link_is_shown_as_its_absolute_address_with_a_copy_button(rep_client, deal, shareable):
    answer = rep_client.post(
        "/share-links/new/", {"deal": deal.crm_id, "assets": [shareable[0].pk], "next": "/"}, follow=True
    )
    link = ShareLink.objects.get()
    html = answer.content.decode()
    assert "Tracked link created: send this address to your buyer" in html
    assert f'value="{link.public_url}" readonly' in html
    assert 'data-copy="new-link-1" hidden>Copy link</button>' in html


# --- the asset page -------------------------------------------------------------------------------


def asset_page(client, asset):
    return client.get(asset.get_absolute_url()).content.decode()


def test_the_asset_page_offers_a_link_in_one_of_the_reps_own_open_deals_by_name(rep, rep_client, other_rep, shareable):
    mine = DealFactory(owner=rep, name="Globex renewal", account="Globex", crm_id="006MINE")
    other = DealFactory(owner=rep, name="Pilot", account="Initech")
    DealFactory(owner=rep, name="Lost one", status=DealStatus.LOST, close_date=timezone.localdate())
    DealFactory(owner=other_rep, name="Someone else's deal")
    html = asset_page(rep_client, shareable[0])
    assert "Send to a buyer" in html
    assert f'<option value="{mine.pk}">Globex renewal</option>' in html  # the account is in the name
    assert f'<option value="{other.pk}">Pilot — Initech</option>' in html
    assert "Lost one" not in html and "Someone else" not in html
    assert '<select id="share-deal" name="deal_id" required>' in html  # picked, never typed
    assert "006MINE" not in html  # no CRM id in a rep's page


@pytest.mark.parametrize(
    "make",
    [
        lambda: AssetFactory(kind=AssetKind.BATTLE_CARD),
        lambda: AssetFactory(kind=AssetKind.EMAIL_TEMPLATE),
        lambda: AssetFactory(kind=AssetKind.CASE_STUDY, status=AssetStatus.DRAFT, published_at=None),
        lambda: AssetFactory(kind=AssetKind.CASE_STUDY, expires_on=timezone.localdate()),
    ],
    ids=["battle card", "email template", "draft", "expired"],
)
def test_the_asset_page_offers_no_link_for_what_a_buyer_may_not_see(marketer_client, deal, make):
    assert "Send to a buyer" not in asset_page(marketer_client, make())


def test_the_asset_page_offers_no_link_to_those_the_rules_do_not_let_share(rep_client, deal, shareable, monkeypatch):
    from content.permissions import MANAGERS, RULES

    monkeypatch.setitem(RULES, "share_assets", frozenset({MANAGERS}))
    assert "Send to a buyer" not in asset_page(rep_client, shareable[0])


def test_a_rep_without_open_deals_is_told_so_on_the_asset_page(rep_client, shareable):
    assert "You have no open deals to send it in." in asset_page(rep_client, shareable[0])


def test_a_rep_creates_a_link_from_the_asset_page_and_sees_its_address(rep_client, deal, shareable):
    answer = rep_client.post(
        "/share-links/new/",
        {
            "deal": deal.crm_id,
            "assets": [shareable[0].pk],
            "note": "As discussed",
            "expires_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
            "next": shareable[0].get_absolute_url(),
        },
    )
    assert answer.status_code == 302 and answer["Location"] == shareable[0].get_absolute_url()
    link = ShareLink.objects.get()
    assert (link.deal, link.note, [i.asset for i in link.items.all()]) == (deal, "As discussed", [shareable[0]])
    assert link.expires_at.date() == timezone.localdate() + datetime.timedelta(days=30)
    html = rep_client.get(answer["Location"]).content.decode()
    assert f'value="{link.public_url}" readonly' in html


def test_a_rep_cannot_send_a_link_in_another_reps_deal_from_the_asset_page(rep_client, other_rep, shareable):
    theirs = DealFactory(owner=other_rep, name="Not yours")
    answer = rep_client.post(
        "/share-links/new/",
        {"deal": theirs.crm_id, "assets": [shareable[0].pk], "next": shareable[0].get_absolute_url()},
        follow=True,
    )
    assert "No deal with this CRM id among your deals." in answer.content.decode()
    assert not ShareLink.objects.exists()


def test_an_internal_kind_posted_from_the_asset_page_is_refused_with_a_reason(rep_client, deal):
    card = AssetFactory(kind=AssetKind.BATTLE_CARD, title="Versus Rival")
    answer = rep_client.post(
        "/share-links/new/",
        {"deal": deal.crm_id, "assets": [card.pk], "next": card.get_absolute_url()},
        follow=True,
    )
    html = answer.content.decode()
    assert "“Versus Rival” is a battle card: internal, for the seller&#x27;s side only" in html
    assert not ShareLink.objects.exists()


# --- deal prep ------------------------------------------------------------------------------------


@pytest.fixture
def prepared(deal):
    from content.models import FunnelStage

    stage = FunnelStage.objects.order_by("order").first()
    deal.funnel_stage = stage
    deal.save()
    story = AssetFactory(kind=AssetKind.CASE_STUDY, title="Globex story", customer="Globex")
    template = AssetFactory(kind=AssetKind.EMAIL_TEMPLATE, title="Follow-up email")
    for asset in (story, template):
        asset.stages.add(stage)
    return deal, story, template


def prep_page(client, deal):
    return client.get(f"/prep/{deal.crm_id}/")


def test_deal_prep_offers_the_recommended_assets_a_buyer_may_see(rep_client, prepared):
    deal, story, template = prepared
    html = prep_page(rep_client, deal).content.decode()
    assert "Send to the buyer" in html
    assert f'name="assets" value="{story.pk}" checked' in html
    assert f'name="assets" value="{template.pk}"' not in html  # internal: recommended, not sendable
    assert f'name="deal_id" value="{deal.pk}"' in html


def test_a_rep_creates_a_link_from_deal_prep(rep_client, prepared):
    deal, story, _ = prepared
    back = f"/prep/{deal.crm_id}/"
    answer = rep_client.post("/share-links/new/", {"deal_id": deal.pk, "assets": [story.pk], "next": back})
    assert answer["Location"] == back
    link = ShareLink.objects.get()
    assert (link.deal, [i.asset for i in link.items.all()]) == (deal, [story])
    assert link.public_url in rep_client.get(back).content.decode()


def test_deal_prep_of_another_reps_deal_offers_no_link_and_a_forged_post_is_refused(
    rep_client, other_rep, prepared, manager
):
    from django.test import Client

    deal, story, template = prepared
    theirs = DealFactory(owner=other_rep, funnel_stage=deal.funnel_stage)
    assert prep_page(rep_client, theirs).status_code == 404
    managers = Client()
    managers.force_login(manager)
    assert "Send to the buyer" in prep_page(managers, theirs).content.decode()  # managers send for anyone
    answer = rep_client.post(
        "/share-links/new/", {"deal": theirs.crm_id, "assets": [story.pk], "next": f"/prep/{deal.crm_id}/"}, follow=True
    )
    assert "No deal with this CRM id among your deals." in answer.content.decode()
    by_id = rep_client.post(
        "/share-links/new/", {"deal_id": theirs.pk, "assets": [story.pk], "next": f"/prep/{deal.crm_id}/"}, follow=True
    )
    assert "Choose one of your open deals." in by_id.content.decode()
    internal = rep_client.post(
        "/share-links/new/",
        {"deal": deal.crm_id, "assets": [story.pk, template.pk], "next": f"/prep/{deal.crm_id}/"},
        follow=True,
    )
    assert "is an email template: internal" in internal.content.decode()
    assert not ShareLink.objects.exists()


def test_a_marketer_sees_deal_prep_without_the_link_form(marketer_client, prepared):
    deal, _, _ = prepared
    assert "Send to the buyer" not in prep_page(marketer_client, deal).content.decode()


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_views_lose_no_view_and_log_one_use_per_asset():
    """20 buyers open a new link at once (threads on their own connections on PostgreSQL)."""
    from django.contrib.auth.models import Group
    from django.test import Client

    from content.permissions import ROLE_GROUPS
    from content.sharing import share_link_create

    from .factories import UserFactory
    from .test_concurrent_upserts import run_together

    for name in ROLE_GROUPS:  # a transactional test before this one may have flushed the seeded groups
        Group.objects.get_or_create(name=name)
    sender = UserFactory(username="race-rep", groups=["Sales"])
    assets = [AssetFactory(kind=AssetKind.CASE_STUDY, customer=f"Race {i}") for i in range(2)]
    link = share_link_create(user=sender, assets=assets, deal=DealFactory(owner=sender))
    ShareLink.objects.filter(pk=link.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))

    results, errors = run_together(20, lambda i: buyer_get(Client(), link.get_absolute_url()).status_code)
    assert errors == [] and results == [200] * 20
    assert ShareView.objects.filter(link=link).count() == 40
    uses = Usage.objects.filter(deal=link.deal, action=UsageAction.BUYER_VIEWED)
    assert sorted(uses.values_list("asset_id", flat=True)) == sorted(a.pk for a in assets)
    assert Notification.objects.filter(user=sender).count() == 1
