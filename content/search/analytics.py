"""Search analytics: every search is logged (one INSERT), clicks from results are attributed, and
marketers read the demand nobody wrote down: frequent zero-result and low-click searches."""

import datetime

from django.db.models import Count, F, FloatField, Max, Q
from django.db.models.functions import Cast, Lower
from django.utils import timezone

from ..models import SearchLog

LOW_CLICK_MIN_SEARCHES = 2


def record_search(*, user, params, result_count: int) -> SearchLog:
    return SearchLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        query=params.q.strip()[:500],
        filters=params.filters(),
        result_count=result_count,
    )


def record_click(*, log_id: int, user, asset_id: int) -> bool:
    """Attribute a click from a result list to the search that showed it (the searcher's own only)."""
    return bool(SearchLog.objects.filter(pk=log_id, user=user).update(clicked_asset_id=asset_id))


def _period(days: int):
    return SearchLog.objects.filter(created_at__gte=timezone.now() - datetime.timedelta(days=days))


def zero_result_searches(*, days: int = 30):
    """Queries that found nothing, most frequent first (grouped case-insensitively)."""
    return (
        _period(days)
        .filter(result_count=0)
        .exclude(query="")
        .annotate(normalized=Lower("query"))
        .values("normalized")
        .annotate(searches=Count("id"), users=Count("user", distinct=True), last_searched=Max("created_at"))
        .order_by("-searches", "-last_searched", "normalized")
    )


def low_click_searches(*, days: int = 30):
    """Queries that found assets but whose results were rarely opened: the wrong assets come first,
    or the right one does not exist yet."""
    return (
        _period(days)
        .filter(result_count__gt=0)
        .exclude(query="")
        .annotate(normalized=Lower("query"))
        .values("normalized")
        .annotate(
            searches=Count("id"),
            clicks=Count("clicked_asset"),
            last_searched=Max("created_at"),
        )
        .filter(searches__gte=LOW_CLICK_MIN_SEARCHES)
        .annotate(click_rate=Cast(F("clicks"), FloatField()) / Cast(F("searches"), FloatField()))
        .filter(Q(click_rate__lt=0.5))
        .order_by("click_rate", "-searches", "normalized")
    )
