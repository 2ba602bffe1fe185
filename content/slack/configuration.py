"""Writes of the Slack settings: a user links their Slack member id and picks their notifications;
whoever may configure Slack channels routes events to channels. Each is validated and atomic; the
audit log records the diff (content/audit/tracking.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from ..models import SlackEvent, SlackProfile, SlackRoute
from ..permissions import can


def slack_profile_of(user) -> SlackProfile:
    """The user's Slack settings, unsaved defaults when they never saved any."""
    return SlackProfile.objects.filter(user=user).first() or SlackProfile(user=user)


@transaction.atomic
def slack_profile_update(*, user, member_id: str, events) -> SlackProfile:
    """Link `user` to Slack member `member_id` ("" unlinks) and turn on exactly `events` (names of
    SlackEvent) as direct messages."""
    if not can(user, "use_slack"):
        raise PermissionDenied("You may not use the Slack integration.")
    events = set(events)
    unknown = events - set(SlackEvent.values)
    if unknown:
        raise ValidationError({"events": f"Unknown notification: {', '.join(sorted(unknown))}."})
    profile = SlackProfile.objects.select_for_update().filter(user=user).first() or SlackProfile(user=user)
    profile.member_id = (member_id or "").strip().upper()
    for event in SlackEvent.values:
        setattr(profile, event, event in events)
    profile.full_clean(validate_unique=False, validate_constraints=False)
    if profile.member_id and SlackProfile.objects.filter(member_id=profile.member_id).exclude(user=user).exists():
        raise ValidationError({"member_id": "This Slack member id is linked to another account."})
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:  # linked by someone else in the meantime
        raise ValidationError({"member_id": "This Slack member id is linked to another account."}) from None
    return profile


def _require_configurer(actor):
    if not can(actor, "configure_slack_channels"):
        raise PermissionDenied("Only managers route notifications to Slack channels.")


@transaction.atomic
def slack_route_add(*, actor, event: str, channel: str) -> tuple[SlackRoute, bool]:
    """Post `event` to `channel` too; idempotent: returns (route, created)."""
    _require_configurer(actor)
    channel = (channel or "").strip()
    route = SlackRoute(event=event, channel=channel, created_by=actor)
    route.full_clean(exclude=["created_by"], validate_unique=False, validate_constraints=False)
    existing = SlackRoute.objects.filter(event=event, channel=channel).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            route.save()
    except IntegrityError:  # added at the same moment by another manager
        return SlackRoute.objects.get(event=event, channel=channel), False
    return route, True


@transaction.atomic
def slack_route_remove(*, actor, route: SlackRoute) -> None:
    _require_configurer(actor)
    route.delete()
