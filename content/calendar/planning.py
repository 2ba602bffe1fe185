"""Planning on the calendar: a marketer plans a draft asset for a date, or moves it to another."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Asset, AssetKind, AssetStatus
from ..permissions import can, is_marketer


def _check_planned_date(planned_date, *, field_name="planned_date"):
    if not isinstance(planned_date, datetime.date) or isinstance(planned_date, datetime.datetime):
        raise ValidationError({field_name: "Enter a date."})
    if planned_date < timezone.localdate():
        raise ValidationError({field_name: "The planned date cannot be in the past."})


@transaction.atomic
def calendar_plan_asset(*, actor, title: str, kind: str, owner, planned_date: datetime.date) -> Asset:
    """Create a draft asset planned for `planned_date`, owned by a marketer."""
    if not can(actor, "plan_calendar"):
        raise PermissionDenied("Only marketing plans the calendar.")
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Give the asset a title."
    elif len(title) > 200:
        errors["title"] = "Keep the title under 200 characters."
    if kind not in AssetKind.values:
        errors["kind"] = "Choose a kind of asset."
    if owner is None or not owner.is_active or not is_marketer(owner):
        errors["owner"] = "The owner must be an active marketer."
    try:
        _check_planned_date(planned_date)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    asset = Asset(title=title, kind=kind, owner=owner, status=AssetStatus.DRAFT, planned_publish_date=planned_date)
    asset.full_clean()
    asset.save()
    return asset


@transaction.atomic
def calendar_reschedule(*, actor, asset: Asset, planned_date: datetime.date) -> Asset:
    """Move a planned (draft or in-review) asset to another planned date."""
    if not can(actor, "plan_calendar"):
        raise PermissionDenied("Only marketing plans the calendar.")
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    if asset.status not in (AssetStatus.DRAFT, AssetStatus.IN_REVIEW):
        status = asset.get_status_display().lower()
        raise ValidationError(
            {"planned_date": f"Only draft or in-review assets can be rescheduled; this one is {status}."}
        )
    _check_planned_date(planned_date)
    asset.planned_publish_date = planned_date
    asset.save(update_fields=["planned_publish_date", "updated_at"])
    return asset


def planning_owners():
    """Who may own a planned asset: active marketers."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name="Marketing")
        .order_by("first_name", "last_name", "username")
        .distinct()
    )
