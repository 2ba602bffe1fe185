"""The request workflow, enforced in one place: every allowed and refused transition, what each
status needs, the duplicate merge, assignment, priority, +1 and comments."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from content.models import (
    REQUEST_TRANSITIONS,
    AssetStatus,
    ContentRequest,
    RequestEvent,
    RequestStatus,
    RequestSupport,
)
from content.requesting import (
    DuplicateRequest,
    RequestError,
    request_assign,
    request_comment,
    request_edit,
    request_set_priority,
    request_submit,
    request_support,
    request_transition,
    with_figures,
)

from .factories import AssetFactory, ContentRequestFactory, DealFactory, UserFactory
from .requests_helpers import extras_for, fast_password_hashing, open_deal, request_in  # noqa: F401

pytestmark = pytest.mark.django_db

ALL_PAIRS = [(a, b) for a in RequestStatus.values for b in RequestStatus.values]


def impact_of(request):
    return with_figures(ContentRequest.objects.filter(pk=request.pk)).get().business_impact


@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS)
def test_each_transition_is_allowed_exactly_when_the_table_says_so(from_status, to_status, marketer):
    request = request_in(from_status)
    events_before = RequestEvent.objects.count()
    allowed = to_status in REQUEST_TRANSITIONS[from_status]
    if allowed:
        moved = request_transition(request=request, actor=marketer, to_status=to_status, **extras_for(to_status))
        assert moved.status == to_status
        request.refresh_from_db()
        assert request.status == to_status
        event = RequestEvent.objects.latest("id")
        assert (event.from_status, event.to_status, event.actor) == (from_status, to_status, marketer)
    else:
        with pytest.raises(RequestError) as refused:
            request_transition(request=request, actor=marketer, to_status=to_status, **extras_for(to_status))
        assert "cannot become" in refused.value.text
        request.refresh_from_db()
        assert request.status == from_status
        assert RequestEvent.objects.count() == events_before


def test_an_unknown_status_is_refused_with_a_clear_message(marketer):
    request = request_in(RequestStatus.NEW)
    with pytest.raises(RequestError, match="not a request status"):
        request_transition(request=request, actor=marketer, to_status="lost")


def test_a_rep_cannot_move_a_request(rep):
    request = request_in(RequestStatus.NEW)
    with pytest.raises(PermissionDenied):
        request_transition(request=request, actor=rep, to_status=RequestStatus.TRIAGED)
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW


def test_submitting_sets_the_triage_due_date_and_records_the_first_event(rep, monkeypatch):
    friday = datetime.date(2026, 11, 20)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: friday)
    deal = DealFactory(owner=rep)
    request = request_submit(
        requester=rep, title="  Battle card vs Rival  ", description="They keep winning.", deal=deal
    )
    assert request.title == "Battle card vs Rival"
    assert request.triage_due == datetime.date(2026, 11, 24)  # Tuesday: Monday and Tuesday are the 2 days
    event = request.events.get()
    assert (event.from_status, event.to_status, event.actor) == ("", RequestStatus.NEW, rep)


def test_submitting_refuses_an_empty_title_and_a_past_needed_by_date(rep):
    with pytest.raises(RequestError):
        request_submit(requester=rep, title="", description="Why")
    with pytest.raises(RequestError, match="past"):
        request_submit(requester=rep, title="X", description="Why", needed_by=datetime.date(2000, 1, 1))
    assert ContentRequest.objects.count() == 0


def test_declining_needs_a_reason_and_keeps_it(marketer):
    request = request_in(RequestStatus.NEW)
    with pytest.raises(RequestError, match="why"):
        request_transition(request=request, actor=marketer, to_status=RequestStatus.DECLINED, decline_reason=" ")
    request_transition(request=request, actor=marketer, to_status=RequestStatus.DECLINED, decline_reason="Exists.")
    request.refresh_from_db()
    assert (request.status, request.decline_reason) == (RequestStatus.DECLINED, "Exists.")


def test_leaving_new_sets_triaged_at_once(marketer):
    request = request_in(RequestStatus.NEW)
    request_transition(request=request, actor=marketer, to_status=RequestStatus.TRIAGED)
    request.refresh_from_db()
    first = request.triaged_at
    assert first is not None
    request_transition(request=request, actor=marketer, to_status=RequestStatus.ACCEPTED)
    request.refresh_from_db()
    assert request.triaged_at == first


def test_delivering_needs_a_published_asset_and_records_it_as_the_answer(marketer):
    request = request_in(RequestStatus.IN_PROGRESS)
    with pytest.raises(RequestError, match="asset"):
        request_transition(request=request, actor=marketer, to_status=RequestStatus.DELIVERED)
    draft = AssetFactory(status=AssetStatus.DRAFT, published_at=None)
    with pytest.raises(RequestError, match="published"):
        request_transition(request=request, actor=marketer, to_status=RequestStatus.DELIVERED, delivered_asset=draft)
    asset = AssetFactory()
    request_transition(request=request, actor=marketer, to_status=RequestStatus.DELIVERED, delivered_asset=asset)
    request.refresh_from_db()
    assert request.delivered_asset == asset
    assert request.delivered_at is not None


def test_a_request_cannot_duplicate_itself_nothing_or_another_duplicate(marketer):
    request = request_in(RequestStatus.NEW)
    with pytest.raises(RequestError, match="original"):
        request_transition(request=request, actor=marketer, to_status=RequestStatus.DUPLICATE)
    with pytest.raises(RequestError, match="itself"):
        request_transition(request=request, actor=marketer, to_status=RequestStatus.DUPLICATE, duplicate_of=request)
    other_duplicate = request_in(RequestStatus.DUPLICATE)
    with pytest.raises(RequestError, match="itself a duplicate"):
        request_transition(
            request=request, actor=marketer, to_status=RequestStatus.DUPLICATE, duplicate_of=other_duplicate
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW


def test_marking_a_duplicate_moves_its_supporters_deals_and_requester_to_the_original(marketer):
    original = ContentRequestFactory(deal=open_deal("1000"))
    shared_supporter = UserFactory(groups=["Sales"])
    RequestSupport.objects.create(request=original, user=shared_supporter)
    duplicate = ContentRequestFactory(deal=open_deal("500"))
    newcomer = UserFactory(groups=["Sales"])
    RequestSupport.objects.create(request=duplicate, user=newcomer, deal=open_deal("250"))
    RequestSupport.objects.create(request=duplicate, user=shared_supporter, deal=open_deal("9999"))
    RequestSupport.objects.create(request=duplicate, user=original.requester)
    assert impact_of(original) == Decimal("1000")

    request_transition(request=duplicate, actor=marketer, to_status=RequestStatus.DUPLICATE, duplicate_of=original)

    supporters = set(original.supports.values_list("user_id", flat=True))
    assert supporters == {shared_supporter.pk, newcomer.pk, duplicate.requester_id}
    # the shared supporter keeps the support they had; the original's requester is not their own +1
    assert impact_of(original) == Decimal("1750.00")
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.duplicate_of) == (RequestStatus.DUPLICATE, original)


def test_business_impact_counts_each_open_deal_once_and_ignores_closed_ones(rep):
    deal = open_deal("1000")
    request = ContentRequestFactory(deal=deal)
    RequestSupport.objects.create(request=request, user=UserFactory(groups=["Sales"]), deal=deal)
    shared = open_deal("300")
    RequestSupport.objects.create(request=request, user=UserFactory(groups=["Sales"]), deal=shared)
    RequestSupport.objects.create(request=request, user=UserFactory(groups=["Sales"]), deal=shared)
    RequestSupport.objects.create(request=request, user=UserFactory(groups=["Sales"]))
    lost = DealFactory(amount=Decimal("5000"), status="lost", close_date=datetime.date(2026, 1, 1))
    RequestSupport.objects.create(request=request, user=UserFactory(groups=["Sales"]), deal=lost)
    assert impact_of(request) == Decimal("1300")


def test_assigning_and_prioritising_record_events_without_a_status_change(marketer):
    request = request_in(RequestStatus.TRIAGED)
    request_assign(request=request, actor=marketer, assignee=marketer)
    request_set_priority(request=request, actor=marketer, priority=4)
    events = list(request.events.order_by("id"))
    assert [(e.from_status, e.to_status) for e in events] == [("triaged", "triaged")] * 2
    assert "Assigned to" in events[0].note and "urgent" in events[1].note
    request.refresh_from_db()
    assert (request.assignee, request.priority) == (marketer, 4)


def test_only_marketers_can_be_assigned_and_priorities_are_one_to_four(marketer, rep):
    request = request_in(RequestStatus.NEW)
    with pytest.raises(RequestError, match="not in marketing"):
        request_assign(request=request, actor=marketer, assignee=rep)
    with pytest.raises(RequestError, match="not a priority"):
        request_set_priority(request=request, actor=marketer, priority=9)
    with pytest.raises(PermissionDenied):
        request_assign(request=request, actor=rep, assignee=marketer)


def test_a_plus_one_is_idempotent_and_refused_on_your_own_or_a_closed_request(rep, other_rep):
    request = ContentRequestFactory(requester=other_rep)
    support, created = request_support(request=request, user=rep)
    again, created_again = request_support(request=request, user=rep)
    assert (created, created_again, support.pk) == (True, False, again.pk)
    assert request.supports.count() == 1
    with pytest.raises(RequestError, match="your own"):
        request_support(request=request, user=other_rep)
    closed = request_in(RequestStatus.DELIVERED, requester=other_rep, delivered_asset=AssetFactory())
    with pytest.raises(RequestError, match="only open"):
        request_support(request=closed, user=rep)


def test_a_comment_needs_a_body(rep):
    request = ContentRequestFactory(requester=rep)
    with pytest.raises(RequestError):
        request_comment(request=request, author=rep, body="   ")
    comment = request_comment(request=request, author=rep, body="Any update?")
    assert request.comments.get() == comment


def test_a_rep_may_reword_their_own_request_only_while_it_is_new(rep, other_rep, marketer):
    request = ContentRequestFactory(requester=rep)
    request_edit(request=request, actor=rep, title="Better title")
    request.refresh_from_db()
    assert request.title == "Better title"
    with pytest.raises(PermissionDenied):
        request_edit(request=request, actor=other_rep, title="Hijack")
    request_transition(request=request, actor=marketer, to_status=RequestStatus.TRIAGED)
    with pytest.raises(RequestError, match="comment instead"):
        request_edit(request=request, actor=rep, title="Too late")


def test_submitting_the_same_open_request_again_within_the_window_raises_naming_the_first(rep):
    first = request_submit(requester=rep, title="Migration guide", description="Why.")
    with pytest.raises(DuplicateRequest) as raised:
        request_submit(requester=rep, title="MIGRATION guide ", description="Why again.")
    assert raised.value.existing == first
    assert "request #" in raised.value.text and ContentRequest.objects.count() == 1
    second = request_submit(requester=rep, title="Migration guide", description="Why.", confirm_duplicate=True)
    assert second.pk != first.pk and ContentRequest.objects.count() == 2
