"""The iCalendar subscription: a per-user secret, who it belongs to, and the span the feed covers."""

import datetime

from django.db import transaction
from django.utils import timezone

from ..audit import audit_event
from ..models import CalendarFeed
from ..permissions import can
from .grid import add_months


def calendar_feed_for(user) -> CalendarFeed:
    """The user's feed secret, created the first time they look at it."""
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_reset(*, user) -> CalendarFeed:
    """A new secret for the user's own feed: the old subscription URL stops working at once."""
    feed = calendar_feed_for(user)
    feed.reset()
    audit_event(actor=user, verb="calendar_feed.reset", obj=user)  # the secret itself is not kept
    return feed


def calendar_feed_revoke(*, user) -> bool:
    """Delete the user's feed secret (they are leaving): the subscription URL answers 404 from now on.
    True when there was one."""
    deleted, _ = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


def feed_owner(secret: str):
    """The active user a feed secret belongs to, or None (unknown secret, inactive or roleless owner)."""
    feed = CalendarFeed.objects.select_related("user").filter(secret=secret).first()
    if feed is None or not feed.user.is_active or not can(feed.user, "view_calendar"):
        return None
    return feed.user


def feed_range(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The feed covers the past three months and the next six (whole months)."""
    today = today or timezone.localdate()
    start = add_months(today, -3)
    end = add_months(today, 7) - datetime.timedelta(days=1)
    return start, end
