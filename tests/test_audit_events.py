"""Each kind of audit event is recorded, by the way people really cause it (pages, API, buyer links,
sign-in), with who did it, the object and, for model changes, the field diff; secrets never reach
the log; the client address and request id cannot be forged or break a write."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from content.audit import acting_as
from content.models import AssetKind, AssetStatus, AuditEvent, ContentRequest, ShareLink, Usage
from content.sso import roles_apply

from .assets_helpers import pdf_bytes, pdf_pages
from .factories import AssetFactory, ContentRequestFactory, DealFactory, UserFactory
from .sso_helpers import sign_in_with_sso

pytestmark = pytest.mark.django_db

CRM_FIXTURES = Path(__file__).parent / "fixtures" / "crm"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def events(verb, **filters):
    return list(AuditEvent.objects.filter(event=verb, **filters).order_by("id"))


def the_event(verb, **filters):
    found = events(verb, **filters)
    assert len(found) == 1, [(e.event, e.object_repr) for e in AuditEvent.objects.order_by("id")]
    return found[0]


def about(event, obj):
    return (event.content_type.model_class(), event.object_id) == (type(obj), obj.pk)


# -- assets: created, edited, published, archived, with the field diff ------------------------------


def test_an_asset_written_over_the_api_is_audited_with_its_field_diff(marketer, marketer_api):
    created = marketer_api.post(
        "/api/v1/assets/",
        {"kind": "one_pager", "title": "Pricing one-pager", "summary": "s", "body": "b", "status": "draft"},
        format="json",
    )
    assert created.status_code == 201
    asset_id = created.data["id"]
    marketer_api.patch(f"/api/v1/assets/{asset_id}/", {"title": "Pricing, explained"}, format="json")
    marketer_api.patch(f"/api/v1/assets/{asset_id}/", {"status": "published"}, format="json")
    marketer_api.patch(f"/api/v1/assets/{asset_id}/", {"status": "archived"}, format="json")

    made = the_event("asset.created", object_id=asset_id)
    assert made.actor == marketer
    assert made.changes["title"] == [None, "Pricing one-pager"] and made.changes["status"] == [None, "draft"]
    assert "file_text" not in made.changes and "usage_count" not in made.changes  # derived, not written
    edited = the_event("asset.edited", object_id=asset_id)
    assert (edited.actor, edited.changes) == (marketer, {"title": ["Pricing one-pager", "Pricing, explained"]})
    published = the_event("asset.published", object_id=asset_id)
    assert published.changes["status"] == ["draft", "published"] and published.actor == marketer
    assert published.changes["published_at"][0] is None  # stamped on publication
    archived = the_event("asset.archived", object_id=asset_id)
    assert archived.changes["status"] == ["published", "archived"]
    assert archived.object_repr == "Pricing, explained"


def test_the_status_buttons_of_the_asset_page_are_audited_as_published_and_archived(marketer, marketer_client):
    asset = AssetFactory(status=AssetStatus.DRAFT, published_at=None, owner=marketer, title="Deck")
    marketer_client.post(f"/assets/{asset.pk}/status/", {"to": "published"})
    marketer_client.post(f"/assets/{asset.pk}/status/", {"to": "archived"})
    assert [(e.event, e.actor) for e in AuditEvent.objects.filter(object_id=asset.pk, event__startswith="asset.")][
        :2
    ] == [("asset.archived", marketer), ("asset.published", marketer)]  # newest first


def test_a_refused_change_leaves_no_event(marketer, marketer_api):
    asset = AssetFactory(status=AssetStatus.ARCHIVED, owner=marketer)
    before = AuditEvent.objects.count()
    answer = marketer_api.patch(f"/api/v1/assets/{asset.pk}/", {"status": "in_review", "title": "x"}, format="json")
    assert answer.status_code == 400
    assert AuditEvent.objects.count() == before  # the diff was written in the rolled-back transaction


def test_a_relation_change_is_audited_as_items_added_and_removed(marketer, marketer_api):
    asset = AssetFactory(owner=marketer)
    answer = marketer_api.patch(f"/api/v1/assets/{asset.pk}/", {"stages": ["curious"]}, format="json")
    assert answer.status_code == 200, answer.data
    edited = the_event("asset.edited", object_id=asset.pk)
    assert edited.changes == {"stages": {"type": "m2m", "operation": "add", "objects": ["Curious"]}}


def test_a_tag_change_is_audited_on_the_asset(marketer, marketer_api):
    asset = AssetFactory(owner=marketer)
    assert marketer_api.patch(f"/api/v1/assets/{asset.pk}/", {"tags": ["pricing"]}, format="json").status_code == 200
    edited = the_event("asset.edited", object_id=asset.pk)
    assert (edited.actor, edited.changes) == (
        marketer,
        {"tags": {"type": "m2m", "operation": "add", "objects": ["pricing"]}},
    )


def test_a_file_download_is_audited(rep, rep_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    asset = AssetFactory(title="Deck with a file")
    asset.file.save("deck.pdf", ContentFile(pdf_bytes("hi")), save=True)
    assert rep_client.get(f"/assets/{asset.pk}/file/").status_code == 200
    download = the_event("asset.downloaded")
    assert (download.actor, about(download, asset)) == (rep, True)
    assert download.additional_data == {"file": "deck.pdf"} and download.remote_addr == "127.0.0.1"


# -- share links: created, revoked, viewed ---------------------------------------------------------


@pytest.fixture
def shared(rep):
    deal = DealFactory(owner=rep, account="Globex")
    study = AssetFactory(kind=AssetKind.CASE_STUDY, title="Globex case study", customer="Globex")
    return deal, study


def test_a_share_link_is_audited_when_created_viewed_and_revoked_but_its_token_never_is(rep, rep_client, shared):
    deal, study = shared
    rep_client.post("/share-links/new/", {"deal": deal.crm_id, "assets": [study.pk]})
    link = ShareLink.objects.get()
    created = the_event("share_link.created")
    assert (created.actor, about(created, link)) == (rep, True)
    assert created.additional_data == {"assets": [study.pk]}
    assert created.changes["deal"] == [None, deal.pk] and "token" not in created.changes

    ShareLink.objects.filter(pk=link.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    buyer = Client()
    assert buyer.get(link.get_absolute_url(), HTTP_USER_AGENT=BROWSER).status_code == 200
    assert (
        buyer.get(link.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0 (compatible; bingbot/2.0)").status_code == 200
    )
    viewed = the_event("share_link.viewed")  # the crawler's visit is not a view
    assert viewed.actor is None and about(viewed, link)
    assert viewed.additional_data["kind"] == "view" and viewed.additional_data["assets"] == [study.pk]

    rep_client.post(f"/share-links/{link.pk}/revoke/")
    revoked = the_event("share_link.revoked")
    assert (revoked.actor, about(revoked, link)) == (rep, True)
    everything = str(list(AuditEvent.objects.values_list("changes", "additional_data", "object_repr")))
    assert link.token not in everything


def test_the_page_images_of_a_shared_file_add_no_view_events(rep, shared, settings, tmp_path):
    from content.sharing import share_link_create

    settings.MEDIA_ROOT = tmp_path
    deal, study = shared
    study.file.save("study.pdf", ContentFile(pdf_pages(["one", "two"])), save=True)
    link = share_link_create(user=rep, assets=[study], deal=deal)
    ShareLink.objects.filter(pk=link.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    buyer = Client(HTTP_USER_AGENT=BROWSER)
    page = buyer.get(link.get_absolute_url()).content.decode()
    images = [part.split('"')[0] for part in page.split('src="')[1:] if "/pages/" in part]
    assert images, "the buyer page shows the file's pages"
    for image in images:
        buyer.get(image)
    assert buyer.get(f"/s/{link.token}/files/{study.pk}/?download=1").status_code == 200
    assert [e.additional_data["kind"] for e in events("share_link.viewed")] == ["view", "download"]


# -- deals and usage -------------------------------------------------------------------------------


def test_a_deal_import_is_one_event_with_its_counts(manager, manager_client):
    upload = SimpleUploadedFile(
        "deals.csv", (CRM_FIXTURES / "salesforce_opportunities.csv").read_bytes(), content_type="text/csv"
    )
    assert manager_client.post("/deals/import/", {"file": upload, "source": "salesforce"}).status_code == 200
    imported = the_event("deals.imported")
    assert imported.actor == manager and imported.content_type is None
    assert imported.additional_data["source"] == "salesforce" and imported.additional_data["created"] > 0


def test_a_deal_import_run_by_a_worker_is_audited_as_the_manager_who_started_it(
    manager, manager_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.DEAL_IMPORT_BACKGROUND_BYTES = 10  # every upload goes to a background job
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(
        "deals.csv", (CRM_FIXTURES / "salesforce_opportunities.csv").read_bytes(), content_type="text/csv"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert manager_client.post("/deals/import/", {"file": upload, "source": "salesforce"}).status_code == 302
    assert the_event("deals.imported").actor == manager


def test_usage_logged_on_the_deal_page_is_one_event_per_use_though_written_in_bulk(rep, rep_client):
    deal = DealFactory(owner=rep)
    first, second = AssetFactory(), AssetFactory()
    answer = rep_client.post(f"/deals/{deal.crm_id}/log/", {"assets": [first.pk, second.pk], "action": "shared"})
    assert answer.status_code in (200, 302)
    logged = events("usage.logged")
    assert [e.object_id for e in logged] == sorted(Usage.objects.values_list("pk", flat=True))
    assert {e.actor for e in logged} == {rep}
    assert {e.changes["asset"][1] for e in logged} == {first.pk, second.pk}


# -- requests --------------------------------------------------------------------------------------


def test_a_request_status_change_is_audited_with_its_before_and_after(marketer, marketer_client, rep):
    request = ContentRequestFactory(requester=rep)
    answer = marketer_client.post(f"/requests/{request.pk}/triage/transition/", {"to_status": "triaged"})
    assert answer.status_code == 302
    changed = the_event("request.status_changed")
    assert changed.actor == marketer and about(changed, ContentRequest.objects.get())
    assert changed.changes["status"] == ["new", "triaged"]


# -- people: roles, sign-in, tokens ----------------------------------------------------------------


def test_a_role_change_is_audited_on_the_user(manager):
    someone = UserFactory(username="newcomer", groups=["Sales"])
    with acting_as(manager):
        roles_apply(user=someone, roles={"Marketing"})
    changed = events("user.roles_changed", object_id=someone.pk)
    assert [(e.actor, e.changes["groups"]["operation"], e.changes["groups"]["objects"]) for e in changed][-2:] == [
        (manager, "delete", ["Sales"]),
        (manager, "add", ["Marketing"]),
    ]


def test_a_role_given_from_the_groups_side_is_audited_too(manager):
    someone = UserFactory(username="newcomer")
    Group.objects.get(name="Managers").user_set.add(someone)
    assert (
        the_event("user.roles_changed", changes__groups__objects=["newcomer"]).changes["groups"]["operation"] == "add"
    )


def test_a_sign_in_and_a_failed_one_are_audited_with_the_address(client):
    user = UserFactory(username="riley", groups=["Sales"])
    assert client.post("/login/", {"username": "riley", "password": "wrong"}).status_code == 200
    assert client.post("/login/", {"username": "nobody-here", "password": "wrong"}).status_code == 200
    assert client.post("/login/", {"username": "riley", "password": "pass-1234-word"}).status_code == 302
    failed, unknown = events("user.sign_in_failed")
    assert failed.actor is None and about(failed, user) and failed.additional_data == {"username": "riley"}
    assert failed.remote_addr == "127.0.0.1"
    assert unknown.content_type is None and unknown.additional_data == {"username": "nobody-here"}
    signed_in = the_event("user.signed_in")
    assert (signed_in.actor, about(signed_in, user), signed_in.additional_data) == (user, True, {"via": "password"})
    client.post("/logout/")
    assert the_event("user.signed_out").actor == user


def test_a_lockout_is_audited(client, settings):
    settings.LOGIN_MAX_FAILURES = 2
    UserFactory(username="riley", groups=["Sales"])
    for _ in range(2):
        client.post("/login/", {"username": "riley", "password": "wrong"})
    assert the_event("user.locked_out").additional_data == {"username": "riley"}


def test_an_sso_sign_in_is_audited_as_such_and_a_role_removed_at_the_provider_too(client, sso):
    sso.user("bob", groups=["sales-team", "sales-managers"])
    sign_in_with_sso(client, "bob")
    sso.user("bob", groups=["sales-team"])
    sign_in_with_sso(Client(), "bob")
    bob = the_event("user.created").object_id
    assert [e.additional_data for e in events("user.signed_in", object_id=bob)] == [{"via": "single sign-on"}] * 2
    removed = events("user.roles_changed", object_id=bob)[-1]
    assert removed.changes["groups"] == {"type": "m2m", "operation": "delete", "objects": ["Managers"]}


def test_a_token_is_audited_when_created_and_revoked_and_the_token_user_is_the_actor(client):
    user = UserFactory(username="integration", groups=["Marketing"])
    api = APIClient()
    answer = api.post("/api/v1/auth/token/", {"username": "integration", "password": "pass-1234-word"}, format="json")
    assert answer.status_code == 200
    created = the_event("token.created")
    assert (created.actor, about(created, user)) == (user, True)
    assert the_event("user.signed_in").additional_data == {"via": "api token"}

    api.credentials(HTTP_AUTHORIZATION=f"Token {answer.data['token']}")
    asset = AssetFactory(owner=user)
    assert api.patch(f"/api/v1/assets/{asset.pk}/", {"summary": "New"}, format="json").status_code == 200
    # the API authenticates the token inside the view, after every middleware: still the actor
    assert the_event("asset.edited").actor == user
    assert api.delete("/api/v1/auth/token/").status_code == 204
    revoked = the_event("token.revoked")
    assert (revoked.actor, revoked.additional_data) == (user, {"reason": "revoked"})
    assert answer.data["token"] not in str(list(AuditEvent.objects.values_list("changes", "additional_data")))


def test_an_expired_token_is_audited_as_revoked_for_expiry(settings):
    user = UserFactory(groups=["Sales"])
    token = Token.objects.create(user=user)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - datetime.timedelta(days=400))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/assets/").status_code == 401
    assert the_event("token.revoked").additional_data == {"reason": "expired"}


def test_deactivation_is_audited_with_the_manager_as_actor(manager, manager_client):
    leaving = UserFactory(username="leaving", groups=["Sales"])
    Token.objects.create(user=leaving)
    assert manager_client.post(f"/people/{leaving.pk}/deactivate/", {}).status_code == 302
    deactivated = the_event("user.deactivated")
    assert (deactivated.actor, about(deactivated, leaving)) == (manager, True)
    assert deactivated.changes == {"is_active": [True, False]}
    assert the_event("token.revoked").additional_data == {"reason": "deactivated"}


def test_a_calendar_feed_reset_is_audited_without_its_secret(rep, rep_client):
    rep_client.get("/calendar/")
    assert rep_client.post("/calendar/subscription/reset/").status_code == 302
    reset = the_event("calendar_feed.reset")
    assert reset.actor == rep and reset.changes is None and reset.additional_data is None


# -- where an event comes from ---------------------------------------------------------------------


def test_the_events_of_one_request_share_its_request_id(marketer, marketer_api):
    asset = AssetFactory(owner=marketer)
    marketer_api.patch(f"/api/v1/assets/{asset.pk}/", {"title": "New", "stages": ["curious"]}, format="json")
    ids = {e.cid for e in events("asset.edited", object_id=asset.pk)}
    assert len(ids) == 1 and len(ids.pop()) == 16


def test_hostile_forwarding_and_correlation_headers_neither_break_a_write_nor_are_believed(rep):
    client = Client(
        HTTP_X_FORWARDED_FOR="not-an-address, 10.0.0.1",
        HTTP_X_CORRELATION_ID="x" * 5000,
        HTTP_X_REQUEST_ID="'; DROP TABLE content_auditevent; --",
    )
    client.force_login(rep)
    answer = client.post("/requests/new/", {"title": "A pricing sheet for Globex", "description": "Needed."})
    assert answer.status_code == 302
    made = the_event("request.created")
    assert made.remote_addr == "127.0.0.1"  # the peer: no proxy is configured to be trusted
    assert made.cid and len(made.cid) == 16 and "DROP" not in made.cid


def test_behind_a_trusted_proxy_the_address_is_the_one_it_saw(rep, settings):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client(HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.7", HTTP_X_REQUEST_ID="req-0123456789abcdef")
    client.force_login(rep)
    client.post("/requests/new/", {"title": "A pricing sheet for Initech", "description": "Needed."})
    made = the_event("request.created")
    assert (made.remote_addr, made.cid) == ("203.0.113.7", "req-0123456789abcdef")
