"""Search analytics: every search is logged (one INSERT), clicks from results are attributed, and
marketers read the demand nobody wrote down: frequent zero-result and low-click searches."""

import datetime

from django.db import connections
from django.db.models import Count, F, FloatField, Max, Q
from django.db.models.functions import Cast, Lower
from django.utils import timezone

from ..models import SearchLog

LOW_CLICK_MIN_SEARCHES = 2


def record_search(*, user, params, result_count: int) -> SearchLog:
    """Log one search. Every search runs it, so the row is written by one INSERT in plain SQL, its
    columns and their values' conversions the model's own (what `SearchLog.objects.create` sends),
    for half the CPU of building the query in the ORM. SearchLog has no signal receivers."""
    log = SearchLog(
        user=user if getattr(user, "is_authenticated", False) else None,
        query=params.q.strip()[:500],
        filters=params.filters(),
        result_count=result_count,
        created_at=timezone.now(),
    )
    connection = connections[SearchLog.objects.db]
    fields = [field for field in SearchLog._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    values = [field.get_db_prep_save(getattr(log, field.attname), connection) for field in fields]
    sql = f"INSERT INTO {connection.ops.quote_name(SearchLog._meta.db_table)} ({columns}) "  # noqa: S608 - names only
    sql += f"VALUES ({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(f"{sql} RETURNING {connection.ops.quote_name(SearchLog._meta.pk.column)}", values)
            log.pk = cursor.fetchone()[0]
        else:
            cursor.execute(sql, values)
            log.pk = connection.ops.last_insert_id(cursor, SearchLog._meta.db_table, SearchLog._meta.pk.column)
    log._state.adding, log._state.db = False, connection.alias
    return log


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
