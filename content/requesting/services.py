"""Writes over content requests: submit, move through the workflow, assign, prioritise, +1,
comment and link the asset written for one. Each is atomic, records a RequestEvent and notifies the
people concerned; the workflow table REQUEST_TRANSITIONS is enforced here and nowhere else."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ..assets import asset_create
from ..models import (
    OPEN_REQUEST_STATUSES,
    REQUEST_TRANSITIONS,
    Asset,
    AssetStatus,
    ContentRequest,
    RequestComment,
    RequestEvent,
    RequestPriority,
    RequestStatus,
    RequestSupport,
    SlackEvent,
)
from ..names import person_name
from ..permissions import can, can_view_deal
from .notify import notify
from .sla import triage_due_for


class RequestError(ValidationError):
    """A change the workflow refuses; its message says why, and nothing was changed."""

    @property
    def text(self) -> str:
        return " ".join(self.messages)


class DuplicateRequest(RequestError):
    """The requester filed the same request a moment ago and it is still open: `existing` is that
    one. Nothing was written; submitting again with `confirm_duplicate=True` files a second one."""

    def __init__(self, existing: ContentRequest):
        self.existing = existing
        super().__init__(
            f"You already asked for “{existing.title}” (request #{existing.pk}, "
            f"{_label(existing.status).lower()}) on {timezone.localtime(existing.created_at):%a %d %b at %H:%M}. "
            "Open it to add what is missing, or confirm that this is a second, different request."
        )


def _label(status: str) -> str:
    return RequestStatus(status).label if status in RequestStatus.values else status


def _require_triager(actor):
    if not can(actor, "triage_requests"):
        raise PermissionDenied("Only marketing triages content requests.")


def _locked(request) -> ContentRequest:
    """Re-read the request under a row lock so that two triagers cannot race one transition."""
    return ContentRequest.objects.select_for_update().select_related("requester").get(pk=request.pk)


def _event(request, actor, from_status, to_status, note=""):
    return RequestEvent.objects.create(
        request=request, actor=actor, from_status=from_status, to_status=to_status, note=note
    )


def _clean(request) -> None:
    """full_clean, with the model's complaints turned into one readable RequestError."""
    try:
        request.full_clean()
    except ValidationError as error:
        if isinstance(error, RequestError):
            raise
        parts = [
            f"{field.replace('_', ' ').capitalize()}: {' '.join(msgs)}" if field != "__all__" else " ".join(msgs)
            for field, msgs in error.message_dict.items()
        ]
        raise RequestError(" ".join(parts)) from None


def _check_deal(user, deal) -> None:
    """A request or a +1 names only a deal its author may open: its amount becomes the request's
    business impact, which others read."""
    if deal is not None and not can_view_deal(user, deal):
        raise RequestError({"deal": f"No deal with CRM id “{deal.crm_id}” that you can open."})


@transaction.atomic
def request_submit(
    *,
    requester,
    title,
    description,
    kind="",
    stage=None,
    persona=None,
    competitor=None,
    deal=None,
    needed_by=None,
    confirm_duplicate=False,
) -> ContentRequest:
    """File a request. The same requester filing the same title again while the first is open and
    younger than REQUEST_DUPLICATE_WINDOW_HOURS raises DuplicateRequest (a double submit, or a
    request forgotten since), unless `confirm_duplicate`."""
    if not can(requester, "submit_request"):
        raise PermissionDenied("You may not submit content requests.")
    today = timezone.localdate()
    if needed_by is not None and needed_by < today:
        raise RequestError("The needed-by date is in the past.")
    _check_deal(requester, deal)
    if not confirm_duplicate:
        existing = _recent_same_request(requester, title)
        if existing is not None:
            raise DuplicateRequest(existing)
    request = ContentRequest(
        requester=requester,
        title=(title or "").strip(),
        description=(description or "").strip(),
        kind=kind or "",
        stage=stage,
        persona=persona,
        competitor=competitor,
        deal=deal,
        needed_by=needed_by,
        triage_due=triage_due_for(today),
    )
    _clean(request)
    request.save()
    _event(request, requester, "", RequestStatus.NEW)
    return request


def _recent_same_request(requester, title) -> ContentRequest | None:
    """The requester's open request of the same title (case aside) filed within the window. The
    requester's row is locked first, so two submissions of one form at once cannot both pass."""
    title = (title or "").strip()
    hours = settings.REQUEST_DUPLICATE_WINDOW_HOURS
    if not title or hours <= 0:
        return None
    list(get_user_model().objects.select_for_update().filter(pk=requester.pk).values_list("pk", flat=True))
    since = timezone.now() - datetime.timedelta(hours=hours)
    return (
        ContentRequest.objects.open()
        .filter(requester=requester, title__iexact=title, created_at__gte=since)
        .order_by("-created_at", "-id")
        .first()
    )


@transaction.atomic
def request_transition(
    *, request, actor, to_status, note="", decline_reason="", duplicate_of=None, delivered_asset=None
) -> ContentRequest:
    """Move `request` to `to_status` if the workflow allows it, with what that status needs."""
    _require_triager(actor)
    request = _locked(request)
    from_status = request.status
    if to_status not in RequestStatus.values:
        raise RequestError(f"“{to_status}” is not a request status.")
    if to_status not in REQUEST_TRANSITIONS[from_status]:
        allowed = ", ".join(sorted(_label(s) for s in REQUEST_TRANSITIONS[from_status]))
        allowed = allowed or "none (it is closed)"
        raise RequestError(
            f"A {_label(from_status).lower()} request cannot become {_label(to_status).lower()}. "
            f"Allowed next: {allowed}."
        )
    note = (note or "").strip()
    now = timezone.now()
    if to_status == RequestStatus.DECLINED:
        decline_reason = (decline_reason or "").strip()
        if not decline_reason:
            raise RequestError("Say why the request is declined.")
        request.decline_reason = decline_reason
        note = note or decline_reason
    elif to_status == RequestStatus.DUPLICATE:
        original = _check_original(request, duplicate_of)
        request.duplicate_of = original
        _merge_into(request, original)
        note = note or f"Duplicate of #{original.pk} “{original.title}”."
    elif to_status == RequestStatus.DELIVERED:
        if delivered_asset is None:
            raise RequestError("Pick the asset that answers the request.")
        if delivered_asset.status != AssetStatus.PUBLISHED:
            raise RequestError("The delivered asset must be published.")
        request.delivered_asset = delivered_asset
        request.delivered_at = now
        note = note or f"Delivered: “{delivered_asset.title}”."
    if from_status == RequestStatus.NEW and request.triaged_at is None:
        request.triaged_at = now
    request.status = to_status
    _clean(request)
    request.save()
    _event(request, actor, from_status, to_status, note)
    message = (
        f"{person_name(actor)} moved the request “{request.title}” "
        f"from {_label(from_status).lower()} to {_label(to_status).lower()}."
    )
    if note:
        message += f" {note}"
    notify(request, message, actor=actor, slack_event=SlackEvent.REQUEST_STATUS)
    return request


def _check_original(request, original) -> ContentRequest:
    if original is None:
        raise RequestError("Pick the original request this one duplicates.")
    if original.pk == request.pk:
        raise RequestError("A request cannot be a duplicate of itself.")
    original = ContentRequest.objects.select_for_update().get(pk=original.pk)
    if original.status == RequestStatus.DUPLICATE:
        raise RequestError(
            f"Request #{original.pk} is itself a duplicate; mark this one a duplicate of #{original.duplicate_of_id}."
        )
    return original


def _merge_into(duplicate, original) -> int:
    """Supporters (with their deals) and the duplicate's requester become supporters of the
    original; those already there are skipped. Returns how many supports were added."""
    present = set(RequestSupport.objects.filter(request=original).values_list("user_id", flat=True))
    present.add(original.requester_id)
    moving = [
        RequestSupport(request=original, user_id=s.user_id, deal_id=s.deal_id)
        for s in RequestSupport.objects.filter(request=duplicate).order_by("id")
        if s.user_id not in present
    ]
    if duplicate.requester_id not in present and duplicate.requester_id not in {s.user_id for s in moving}:
        moving.append(RequestSupport(request=original, user_id=duplicate.requester_id, deal_id=duplicate.deal_id))
    RequestSupport.objects.bulk_create(moving)
    if moving:
        names = len(moving)
        _event(
            original,
            duplicate.requester,
            original.status,
            original.status,
            f"#{duplicate.pk} merged in as a duplicate: {names} supporter{'s' if names != 1 else ''} added.",
        )
    return len(moving)


def _check_answerable(request) -> None:
    if not request.is_open:
        raise RequestError(
            f"This request is {_label(request.status).lower()}; only an open request is given an asset to write."
        )


@transaction.atomic
def request_link_asset(*, request, actor, asset: Asset) -> ContentRequest:
    """Link `asset` to `request` as the asset being written to answer it (`delivered_asset`).

    Only the link changes: the status stays where the workflow has it, and delivering is still the
    Deliver step, which needs the asset published and then offers this one. Linking another asset
    replaces the first. The note names no asset: a rep may not see the title of a draft.
    """
    _require_triager(actor)
    request = _locked(request)
    _check_answerable(request)
    if asset.status == AssetStatus.ARCHIVED:
        raise RequestError("An archived asset cannot answer a request.")
    if request.delivered_asset_id == asset.pk:
        return request
    replacing = request.delivered_asset_id is not None
    request.delivered_asset = asset
    request.save(update_fields=["delivered_asset", "updated_at"])
    note = "Marketing is writing " + ("another asset for it instead." if replacing else "an asset for it.")
    _event(request, actor, request.status, request.status, note)
    notify(request, f"The request “{request.title}”: {note}", actor=actor)
    return request


@transaction.atomic
def request_create_asset(*, request, actor, kind: str, upload=None, **values) -> Asset:
    """Create the asset that answers `request` (a draft, by `asset_create` with its rules) and link
    it (`request_link_asset`): both or neither. A closed request is refused before anything is written."""
    _require_triager(actor)
    _check_answerable(_locked(request))
    asset = asset_create(actor=actor, kind=kind, upload=upload, **values)
    request_link_asset(request=request, actor=actor, asset=asset)
    return asset


@transaction.atomic
def request_assign(*, request, actor, assignee) -> ContentRequest:
    _require_triager(actor)
    request = _locked(request)
    if assignee is not None and not can(assignee, "triage_requests"):
        raise RequestError(f"{assignee.username} is not in marketing and cannot be assigned requests.")
    if request.assignee_id == getattr(assignee, "pk", None):
        return request
    request.assignee = assignee
    request.save(update_fields=["assignee", "updated_at"])
    note = f"Assigned to {person_name(assignee)}." if assignee else "Unassigned."
    _event(request, actor, request.status, request.status, note)
    notify(request, f"The request “{request.title}”: {note}", actor=actor)
    return request


@transaction.atomic
def request_hand_over(*, request, actor, assignee, reason="") -> ContentRequest:
    """Give an assigned request to `assignee` when its assignee leaves (content.people.user_deactivate):
    a manager may do it as well as marketing; the new assignee must be an active marketer."""
    if not (can(actor, "triage_requests") or can(actor, "manage_users")):
        raise PermissionDenied("Only marketing or a manager hands requests over.")
    request = _locked(request)
    if not assignee.is_active or not can(assignee, "triage_requests"):
        raise RequestError(f"{assignee.username} is not an active marketer and cannot be assigned requests.")
    if request.assignee_id == assignee.pk:
        return request
    before = request.assignee
    request.assignee = assignee
    request.save(update_fields=["assignee", "updated_at"])
    note = (
        f"Handed over from {person_name(before)} to {person_name(assignee)}."
        if before
        else f"Assigned to {person_name(assignee)}."
    )
    if reason:
        note += f" {reason}"
    _event(request, actor, request.status, request.status, note)
    notify(request, f"The request “{request.title}”: {note}", actor=actor)
    return request


@transaction.atomic
def request_set_priority(*, request, actor, priority) -> ContentRequest:
    _require_triager(actor)
    request = _locked(request)
    try:
        priority = RequestPriority(int(priority))
    except (TypeError, ValueError):
        raise RequestError(f"“{priority}” is not a priority (1 to 4).") from None
    if request.priority == priority:
        return request
    old = RequestPriority(request.priority).label
    request.priority = priority
    request.save(update_fields=["priority", "updated_at"])
    note = f"Priority {old.lower()} → {priority.label.lower()}."
    _event(request, actor, request.status, request.status, note)
    notify(request, f"The request “{request.title}”: {note}", actor=actor)
    return request


@transaction.atomic
def request_support(*, request, user, deal=None) -> tuple[RequestSupport, bool]:
    """+1 a request: idempotent; returns (support, created)."""
    if not can(user, "support_request"):
        raise PermissionDenied("You may not support content requests.")
    _check_deal(user, deal)
    request = _locked(request)
    if request.requester_id == user.pk:
        raise RequestError("This is your own request; you cannot +1 it.")
    existing = RequestSupport.objects.filter(request=request, user=user).first()
    if existing is not None:
        if deal is not None and existing.deal_id is None:
            existing.deal = deal
            existing.save(update_fields=["deal"])
        return existing, False
    if request.status not in OPEN_REQUEST_STATUSES:
        raise RequestError(f"This request is {_label(request.status).lower()}; only open requests take a +1.")
    support = RequestSupport.objects.create(request=request, user=user, deal=deal)
    note = f"+1 from {person_name(user)}" + (f" for deal {deal.name}." if deal else ".")
    _event(request, user, request.status, request.status, note)
    notify(request, f"The request “{request.title}”: {note}", actor=user)
    return support, True


@transaction.atomic
def request_comment(*, request, author, body) -> RequestComment:
    if not can(author, "comment_request"):
        raise PermissionDenied("You may not comment on content requests.")
    body = (body or "").strip()
    if not body:
        raise RequestError("Write a comment first.")
    comment = RequestComment.objects.create(request=request, author=author, body=body)
    excerpt = body if len(body) <= 200 else body[:197] + "…"
    notify(
        request,
        f"{person_name(author)} commented on “{request.title}”: {excerpt}",
        actor=author,
        slack_event=SlackEvent.REQUEST_COMMENT,
    )
    return comment


@transaction.atomic
def request_edit(*, request, actor, title=None, description=None) -> ContentRequest:
    """The requester may reword a request while it is new; marketing may at any time."""
    request = _locked(request)
    if not can(actor, "triage_requests"):
        if request.requester_id != actor.pk:
            raise PermissionDenied("Only the requester may edit this request.")
        if request.status != RequestStatus.NEW:
            raise RequestError("The request is already being triaged; add a comment instead.")
    changed = []
    if title is not None:
        request.title = title.strip()
        changed.append("title")
    if description is not None:
        request.description = description.strip()
        changed.append("description")
    if changed:
        _clean(request)
        request.save(update_fields=[*changed, "updated_at"])
        _event(request, actor, request.status, request.status, f"Edited the {' and '.join(changed)}.")
    return request
