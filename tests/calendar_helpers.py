"""Helpers for the calendar tests: aware datetimes on a day, and an asset published on a given day."""

import datetime

from django.utils import timezone

from .factories import AssetFactory


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def published_on(day: datetime.date, **kwargs):
    return AssetFactory(published_at=at(day), **kwargs)


def next_month_first(today=None) -> datetime.date:
    today = today or timezone.localdate()
    return (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
