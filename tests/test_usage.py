"""Usage logging: validation, who may log for whom, the API, objections heard, and concurrent logging."""

import contextlib
import threading

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from rest_framework.test import APIClient

from content.models import AssetStatus, ContentRequest, Usage
from content.permissions import ROLE_GROUPS
from content.usage import log_usage, log_usages, report_new_objection

from .deals_helpers import objection_entry
from .factories import AssetFactory, DealFactory, UsageFactory, UserFactory

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def deal(rep):
    return DealFactory(crm_id="006ACME", name="Acme renewal", owner=rep)


def test_a_rep_logs_a_use_on_their_deal_and_the_asset_support_is_refreshed(
    rep, deal, django_capture_on_commit_callbacks
):
    asset = AssetFactory()
    with django_capture_on_commit_callbacks(execute=True):
        usage = log_usage(user=rep, asset=asset.pk, deal="006ACME", action="shared", helpful=4, note=" good ")
    assert (usage.user, usage.deal, usage.helpful, usage.note) == (rep, deal, 4, "good")
    asset.refresh_from_db()
    assert asset.usage_count == 1


def test_a_use_in_a_won_deal_moves_its_won_figures_and_one_in_an_open_deal_only_the_count(
    rep, deal, django_capture_on_commit_callbacks
):
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    won = DealFactory(crm_id="006WON", owner=rep, status="won", close_date=timezone.localdate(), amount=Decimal("900"))
    asset = AssetFactory()
    with django_capture_on_commit_callbacks(execute=True):
        log_usage(user=rep, asset=asset.pk, deal="006ACME", action="shared")
    asset.refresh_from_db()
    assert (asset.usage_count, asset.won_deal_count, asset.influenced_revenue) == (1, 0, Decimal("0"))
    with django_capture_on_commit_callbacks(execute=True):
        used_at = timezone.now() - datetime.timedelta(days=2)  # before the close: it supported the win
        log_usage(user=rep, asset=asset.pk, deal=won.crm_id, action="presented", used_at=used_at)
    asset.refresh_from_db()
    assert (asset.usage_count, asset.won_deal_count, asset.influenced_revenue) == (2, 1, Decimal("900"))
    assert asset.influenced_revenue_by_currency == {"USD": "900.00"}


def test_the_stage_defaults_to_the_deals_funnel_stage(rep, deal):
    from content.models import FunnelStage

    deal.funnel_stage = FunnelStage.objects.get(slug="evaluating")
    deal.save()
    assert log_usage(user=rep, asset=AssetFactory(), deal=deal, action="sent").stage.slug == "evaluating"
    assert (
        log_usage(user=rep, asset=AssetFactory(), deal=deal, action="sent", stage="interested").stage.slug
        == "interested"
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"asset": 999999}, "asset"),
        ({"deal": "NOPE"}, "deal"),
        ({"action": "tweeted"}, "action"),
        ({"helpful": 6}, "helpful"),
        ({"helpful": 0}, "helpful"),
        ({"stage": "nowhere"}, "stage"),
    ],
)
def test_invalid_usage_is_refused_naming_the_field(rep, deal, changes, field):
    values = {"asset": AssetFactory().pk, "deal": "006ACME", "action": "shared", **changes}
    with pytest.raises(ValidationError) as error:
        log_usage(user=rep, **values)
    assert field in error.value.message_dict
    assert not Usage.objects.exists()


def test_heard_is_only_for_objection_entries(rep, deal):
    with pytest.raises(ValidationError, match="only for objection entries"):
        log_usage(user=rep, asset=AssetFactory(), deal=deal, action="heard")
    assert log_usage(user=rep, asset=objection_entry(), deal=deal, action="heard").action == "heard"


def test_a_rep_cannot_log_a_draft_they_cannot_open(rep, deal):
    draft = AssetFactory(status=AssetStatus.DRAFT)
    with pytest.raises(ValidationError, match="that you can open"):
        log_usage(user=rep, asset=draft, deal=deal, action="shared")


def test_a_rep_logs_only_on_their_own_deals(rep, other_rep):
    DealFactory(crm_id="THEIRS", owner=other_rep)
    with pytest.raises(ValidationError, match="only on your own deals"):
        log_usage(user=rep, asset=AssetFactory(), deal="THEIRS", action="shared")


def test_a_rep_cannot_log_for_someone_else_but_a_manager_can(rep, other_rep, manager, deal):
    with pytest.raises(PermissionDenied):
        log_usage(user=other_rep, asset=AssetFactory(), deal=deal, action="shared", on_behalf_of=rep)
    usage = log_usage(user=manager, asset=AssetFactory(), deal=deal, action="presented", on_behalf_of=rep)
    assert usage.user == rep


def test_an_outsider_cannot_log_usage(outsider, deal):
    with pytest.raises(PermissionDenied):
        log_usage(user=outsider, asset=AssetFactory(), deal=deal, action="shared")


def test_several_assets_are_logged_together_or_not_at_all(rep, deal):
    good = AssetFactory.create_batch(2)
    draft = AssetFactory(status=AssetStatus.DRAFT)
    with pytest.raises(ValidationError):
        log_usages(user=rep, assets=[*good, draft], deal=deal, action="shared")
    assert not Usage.objects.exists()

    usages = log_usages(user=rep, assets=[a.pk for a in good], deal=deal, action="presented", helpful=5)
    assert len(usages) == 2
    assert set(Usage.objects.values_list("asset_id", flat=True)) == {a.pk for a in good}


def test_a_new_objection_becomes_a_content_request_for_marketing(rep, deal):
    request = report_new_objection(user=rep, deal="006ACME", objection="Your API has no SSO.")
    assert request.kind == "objection"
    assert request.deal == deal and request.requester == rep
    assert "Your API has no SSO." in request.title
    assert "Acme renewal" in request.description
    with pytest.raises(ValidationError):
        report_new_objection(user=rep, deal=deal, objection="  ")
    assert ContentRequest.objects.count() == 1


# --- the API -----------------------------------------------------------------------------------


def test_post_usage_logs_for_the_caller(rep, deal):
    asset = AssetFactory()
    response = api(rep).post(
        "/api/v1/usage/",
        {"asset": asset.pk, "deal": "006ACME", "action": "sent", "helpful": 3, "note": "sent after demo"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["user"] == "rep" and response.json()["deal"] == "006ACME"


@pytest.mark.parametrize(("body", "field"), [({"asset": 999999}, "asset"), ({"deal": "NOPE"}, "deal")])
def test_an_unknown_asset_or_deal_is_a_400_naming_the_field(rep, deal, body, field):
    payload = {"asset": AssetFactory().pk, "deal": "006ACME", "action": "shared", **body}
    response = api(rep).post("/api/v1/usage/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_logging_for_another_user_is_for_managers_only(rep, other_rep, manager, deal):
    payload = {"asset": AssetFactory().pk, "deal": "006ACME", "action": "shared", "user": "rep"}
    assert api(other_rep).post("/api/v1/usage/", payload, format="json").status_code == 403
    response = api(manager).post("/api/v1/usage/", payload, format="json")
    assert response.status_code == 201 and response.json()["user"] == "rep"


def test_reps_list_their_own_usage_and_managers_filter_everyone(rep, other_rep, manager, deal):
    mine = UsageFactory(user=rep, deal=deal)
    UsageFactory(user=other_rep)
    assert [u["id"] for u in api(rep).get("/api/v1/usage/").json()["results"]] == [mine.pk]
    client = api(manager)
    assert client.get("/api/v1/usage/").json()["count"] == 2
    assert client.get("/api/v1/usage/?user=rep").json()["count"] == 1
    assert client.get("/api/v1/usage/?deal=006ACME").json()["count"] == 1
    assert client.get(f"/api/v1/usage/?asset={mine.asset_id}").json()["count"] == 1
    assert client.get("/api/v1/usage/?used_after=2999-01-01T00:00:00Z").json()["count"] == 0


@pytest.mark.parametrize("count", [3, 30])
def test_the_usage_list_runs_a_constant_number_of_queries(manager, count, django_assert_max_num_queries):
    UsageFactory.create_batch(count)
    client = api(manager)
    # roles of the user, count, the page with asset, deal, user and stage joined
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/usage/").json()["count"] == count


# --- concurrency -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_usage_logging_keeps_every_row():
    """20 threads x 50 logs on PostgreSQL. On SQLite, 4 x 10 with the writes taking turns: the test
    database there is a shared-cache in-memory one, whose table locks fail at once instead of
    waiting out the busy timeout that the on-disk database uses."""
    on_postgres = connection.vendor == "postgresql"
    threads, per_thread = (20, 50) if on_postgres else (4, 10)
    turn = contextlib.nullcontext() if on_postgres else threading.Lock()
    for name in ROLE_GROUPS:  # another transactional test may have flushed the seeded groups
        Group.objects.get_or_create(name=name)
    reps = [UserFactory(username=f"crowd{i}", groups=["Sales"]) for i in range(threads)]
    deals = [DealFactory(owner=user) for user in reps]
    asset = AssetFactory()
    errors = []

    def work(user, deal):
        try:
            for _ in range(per_thread):
                with turn:
                    log_usage(user=user, asset=asset.pk, deal=deal.crm_id, action="shared")
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work, args=pair) for pair in zip(reps, deals, strict=True)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    assert errors == []
    assert Usage.objects.filter(asset=asset).count() == threads * per_thread
    asset.refresh_from_db()
    assert asset.usage_count == threads * per_thread
