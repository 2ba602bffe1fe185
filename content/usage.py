"""Usage logging: a rep used an asset in a deal. Written once here for the asset page's "I used
this" box, the deal page's "log what I used" form and the usage API.

Also the objection feedback loop: "heard this objection" is a usage of an objection entry, and an
objection nobody has written an entry for yet becomes a content request for marketing.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .audit import audit_created
from .models import (
    MANUAL_USAGE_ACTIONS,
    Asset,
    AssetKind,
    ContentRequest,
    Deal,
    DealStatus,
    FunnelStage,
    Usage,
    UsageAction,
)
from .permissions import can, can_open_asset, can_view_deal
from .support import refresh_support


def _resolve_asset(user, asset) -> Asset:
    if not isinstance(asset, Asset):
        try:
            asset = Asset.objects.without_file_text().get(pk=int(asset))
        except (Asset.DoesNotExist, TypeError, ValueError):
            raise ValidationError({"asset": f"No asset with id {asset}."}) from None
    if not can_open_asset(user, asset):
        raise ValidationError({"asset": f"No asset with id {asset.pk} that you can open."})
    return asset


def _resolve_deal(user, subject, deal) -> Deal:
    if not isinstance(deal, Deal):
        deal = Deal.objects.select_related("funnel_stage").filter(crm_id=str(deal or "")).first()
        if deal is None:
            raise ValidationError({"deal": "No deal with this CRM id."})
    # Only a manager logs for someone else, and a manager sees every deal.
    if not can_view_deal(user, deal):
        raise ValidationError({"deal": f"You can log usage only on your own deals; {deal.crm_id} is not yours."})
    return deal


def _resolve_stage(stage, deal):
    if stage is None or stage == "":
        return deal.funnel_stage if deal.funnel_stage_id else None
    if isinstance(stage, FunnelStage):
        return stage
    found = FunnelStage.objects.filter(slug=str(stage)).first()
    if found is None:
        raise ValidationError({"stage": f"No funnel stage {stage!r}."})
    return found


def _validate_action(asset, action, helpful):
    if action not in MANUAL_USAGE_ACTIONS:
        raise ValidationError({"action": f"Choose one of {', '.join(MANUAL_USAGE_ACTIONS)}."})
    if action == UsageAction.HEARD and asset.kind != AssetKind.OBJECTION:
        raise ValidationError({"action": "'heard' is only for objection entries."})
    if helpful in (None, ""):
        return None
    try:
        helpful = int(helpful)
    except (TypeError, ValueError):
        helpful = 0
    if not 1 <= helpful <= 5:
        raise ValidationError({"helpful": "Helpful is a number from 1 to 5."})
    return helpful


def _subject(user, on_behalf_of):
    if not can(user, "log_usage"):
        raise PermissionDenied("You may not log usage.")
    if on_behalf_of is not None and on_behalf_of != user:
        if not can(user, "log_usage_for_others"):
            raise PermissionDenied("Only managers may log usage for someone else.")
        return on_behalf_of
    return user


def _refresh_after_commit(asset_ids, deal):
    ids = sorted(set(asset_ids))

    def refresh():
        # a use supports a won deal only: in any other deal only the assets' use counts move
        won = Deal.objects.filter(pk=deal.pk, status=DealStatus.WON).exists()
        refresh_support(ids, uses_only=not won)

    transaction.on_commit(refresh)


def log_usage(
    *, user, asset, deal, action, stage=None, helpful=None, note="", used_at=None, on_behalf_of=None
) -> Usage:
    """Record that `user` (or, for a manager, `on_behalf_of`) used `asset` in `deal`."""
    subject = _subject(user, on_behalf_of)
    asset = _resolve_asset(user, asset)
    deal = _resolve_deal(user, subject, deal)
    helpful = _validate_action(asset, action, helpful)
    usage = Usage(
        asset=asset,
        deal=deal,
        user=subject,
        action=action,
        stage=_resolve_stage(stage, deal),
        helpful=helpful,
        note=(note or "").strip(),
        used_at=used_at or timezone.now(),
    )
    with transaction.atomic():
        usage.save()
        _refresh_after_commit([asset.pk], deal)
    return usage


def log_usages(*, user, assets, deal, action, stage=None, helpful=None, note="", on_behalf_of=None) -> list[Usage]:
    """Several assets used in one deal, all or nothing: any invalid asset and none is logged."""
    if not assets:
        raise ValidationError({"assets": "Choose at least one asset."})
    subject = _subject(user, on_behalf_of)
    deal = _resolve_deal(user, subject, deal)
    stage = _resolve_stage(stage, deal)
    now = timezone.now()
    usages, errors = [], []
    for item in assets:
        try:
            asset = _resolve_asset(user, item)
            checked_helpful = _validate_action(asset, action, helpful)
        except ValidationError as error:
            errors.extend(message for messages in error.message_dict.values() for message in messages)
            continue
        usages.append(
            Usage(
                asset=asset,
                deal=deal,
                user=subject,
                action=action,
                stage=stage,
                helpful=checked_helpful,
                note=(note or "").strip(),
                used_at=now,
            )
        )
    if errors:
        raise ValidationError({"assets": errors})
    with transaction.atomic():
        Usage.objects.bulk_create(usages)
        audit_created(objects=usages, actor=user)  # a bulk insert sends no signal for auditlog
        _refresh_after_commit((u.asset_id for u in usages), deal)
    return usages


def report_new_objection(*, user, deal, objection: str, note: str = "") -> ContentRequest:
    """A rep heard an objection no entry answers yet: it becomes a content request for marketing,
    linked to the deal (whose amount is the request's business impact)."""
    if not can(user, "submit_request"):
        raise PermissionDenied("You may not submit content requests.")
    objection = (objection or "").strip()
    if not objection:
        raise ValidationError({"objection": "Write the objection as the buyer said it."})
    deal = _resolve_deal(user, user, deal) if deal not in (None, "") else None
    title = f"Objection heard: {objection}"
    if len(title) > 200:
        title = title[:199] + "…"
    where = f" in deal {deal.name} ({deal.crm_id})" if deal else ""
    description = f"A buyer said{where}:\n\n> {objection}\n\nNo objection entry answers this yet."
    if note.strip():
        description += f"\n\n{note.strip()}"
    # the requests area's submit service sets the SLA clock and records the first event
    from .requesting.services import request_submit

    return request_submit(
        requester=user,
        title=title,
        description=description,
        kind=AssetKind.OBJECTION,
        deal=deal,
        stage=deal.funnel_stage if deal and deal.status == DealStatus.OPEN else None,
    )


__all__ = ["log_usage", "log_usages", "report_new_objection"]
