"""Small helpers for the few aggregates the ORM cannot express: an outer query over an ORM
subquery (aggregating distinct asset-deal pairs, or grouping before joining) and medians
(percentile_cont on PostgreSQL, an ordered window on SQLite)."""

import datetime

from django.db import connection
from django.utils.dateparse import parse_datetime


def subquery_sql(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def materialized() -> str:
    """The CTE keyword that makes PostgreSQL group a subquery once before joining it. Inlined, a
    grouped subquery on the inside of a hash join is grouped again by every parallel worker (each
    builds its own hash table), which is 2-3x slower on two cores. SQLite needs no hint."""
    return "MATERIALIZED " if connection.vendor == "postgresql" else ""


def fetch_dicts(sql: str, params) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def as_datetime(value):
    """A time read by raw SQL, as the ORM reads it: aware, in UTC (SQLite gives back its text)."""
    if isinstance(value, str):
        return parse_datetime(value).replace(tzinfo=datetime.UTC)
    return value


def seconds_between(later: str, earlier: str) -> str:
    """SQL for the seconds from one timestamp column to another."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


def grouped_medians(queryset, *, group: str, value_sql: str) -> dict:
    """{group value: median of value_sql} over the rows of `queryset` (a values() queryset whose
    columns `group` and those named in value_sql exist). One query; NULL values are ignored."""
    inner, params = subquery_sql(queryset)
    # `group` and `value_sql` are fixed names and expressions from the reports, never user input.
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT g, percentile_cont(0.5) WITHIN GROUP (ORDER BY v) AS median FROM "  # noqa: S608
            f"(SELECT s.{group} AS g, {value_sql} AS v FROM ({inner}) s) t WHERE v IS NOT NULL GROUP BY g"
        )
    else:
        sql = (
            "SELECT g, AVG(v) AS median FROM ("  # noqa: S608
            "SELECT g, v, ROW_NUMBER() OVER (PARTITION BY g ORDER BY v) AS rn, COUNT(*) OVER (PARTITION BY "
            "g) AS c "
            f"FROM (SELECT s.{group} AS g, {value_sql} AS v FROM ({inner}) s) t WHERE v IS NOT NULL"
            ") w WHERE rn IN ((c + 1) / 2, (c + 2) / 2) GROUP BY g"
        )
    return {row["g"]: float(row["median"]) for row in fetch_dicts(sql, params) if row["median"] is not None}


def named_by_stage(grouped, columns: str) -> list[dict]:
    """The rows of `grouped` (a queryset grouped on `stage_id`; NULL or 0 for no stage) with each
    stage's name as `name`, in funnel order, no stage last; `columns`: the grouped values to keep,
    as SQL over the alias `g` ("g.uses AS uses")."""
    from ..models import FunnelStage

    sql, params = subquery_sql(grouped)
    stage_table = connection.ops.quote_name(FunnelStage._meta.db_table)
    order = connection.ops.quote_name("order")
    return fetch_dicts(
        f"SELECT s.name AS name, {columns} FROM ({sql}) g "  # noqa: S608 - table and column names only
        f"LEFT JOIN {stage_table} s ON s.id = g.stage_id ORDER BY s.{order} ASC NULLS LAST",
        params,
    )
