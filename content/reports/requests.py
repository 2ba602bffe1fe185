"""Requests and SLA: the backlog by status and age, time to triage and to deliver, the share
triaged within the SLA, per assignee, and the requests in each SLA state. The SLA state is
content.requesting's, the same the board and the request pages show."""

import datetime

from django.conf import settings
from django.db.models import (
    Count,
    DateTimeField,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import OPEN_REQUEST_STATUSES, RequestEvent, RequestStatus
from ..requesting import SlaState, sla_annotations
from . import scope
from .base import TITLES, Column, Report, Table, chart, sort_rows
from .sql import grouped_medians, seconds_between

COLUMNS = [
    Column("assignee", "Assignee"),
    Column("requests", "Requests", "int"),
    Column("open", "Open", "int"),
    Column("triaged", "Triaged", "int"),
    Column("triaged_within_sla", "Triaged within SLA", "int"),
    Column("within_sla_share", "Share within SLA", "percent"),
    Column("median_triage_hours", "Median hours to triage", "decimal"),
    Column("delivered", "Delivered", "int"),
    Column("median_delivery_days", "Median days to deliver", "decimal"),
]

AGE_BUCKETS = [("0–2 days", 0, 2), ("3–7 days", 3, 7), ("8–30 days", 8, 30), ("over 30 days", 31, None)]
UNASSIGNED = "(unassigned)"
DECIDED = (SlaState.MET, SlaState.MISSED)  # triaged: the SLA was met or missed


def notes():
    return [
        "Requests submitted in the period (kind, stage, persona and competitor filters apply; owner is the assignee).",
        "Backlog: those still open (new, triaged, accepted, in progress), by status and by age since submission.",
        'Time to triage: from submission to the first change out of "new" (any status), from the request\'s '
        'history. Time to deliver: from submission to the change to "delivered". Medians ignore requests not '
        "yet triaged or delivered.",
        "Triage SLA: a request is triaged within "
        f"{settings.REQUEST_TRIAGE_SLA_DAYS} "
        "business days of its submission (when no due date was recorded, within that many calendar days). "
        "While new it is on track, due soon (due within a business day) or overdue; once triaged it met "
        "or missed the SLA, as on the triage board and the request pages. The share within SLA is met "
        "over met and missed. The requester's needed-by date is their wish, not part of the SLA.",
        "A median is the middle value: half the requests took less, half took more.",
    ]


def _first_event(**conditions):
    return Subquery(
        RequestEvent.objects.filter(request_id=OuterRef("pk"), **conditions)
        .order_by()
        .values("request_id")
        .annotate(at=Min("created_at"))
        .values("at")[:1],
        output_field=DateTimeField(),
    )


def with_timings(queryset, today=None):
    queryset = queryset.annotate(
        triage_event_at=_first_event(from_status=RequestStatus.NEW),
        delivered_event_at=_first_event(to_status=RequestStatus.DELIVERED),
        assignee_name=Coalesce(F("assignee__username"), Value(UNASSIGNED)),
    )
    for name, expression in sla_annotations(today).items():
        queryset = queryset.annotate(**{name: expression})
    return queryset


def requests_report(filters) -> Report:
    # Queries: by status; by age; per assignee counts; triage medians; delivery medians; SLA states (6).
    submitted = scope.requests(filters, owner_field="assignee_id")
    now = timezone.now()
    by_status = {row["status"]: row["n"] for row in submitted.values("status").annotate(n=Count("id"))}
    status_rows = [
        {"status": label, "requests": by_status.get(value, 0), "open": value in OPEN_REQUEST_STATUSES}
        for value, label in RequestStatus.choices
    ]
    age_conditions = {}
    for label, low, high in AGE_BUCKETS:
        condition = Q(status__in=OPEN_REQUEST_STATUSES, created_at__lte=now - datetime.timedelta(days=low))
        if high is not None:
            condition &= Q(created_at__gt=now - datetime.timedelta(days=high + 1))
        age_conditions[label] = Count("id", filter=condition)
    ages = submitted.aggregate(**{f"b{i}": expr for i, expr in enumerate(age_conditions.values())})
    age_rows = [{"age": label, "open": ages[f"b{i}"]} for i, label in enumerate(age_conditions)]

    timed = with_timings(submitted)
    per_assignee = list(
        timed.values("assignee_name").annotate(
            requests=Count("id"),
            open=Count("id", filter=Q(status__in=OPEN_REQUEST_STATUSES)),
            triaged=Count("id", filter=Q(sla_state__in=DECIDED)),
            triaged_within_sla=Count("id", filter=Q(sla_state=SlaState.MET)),
            delivered=Count("delivered_event_at"),
        )
    )
    fields = timed.values("assignee_name", "created_at", "triage_event_at", "delivered_event_at")
    triage = grouped_medians(
        fields, group="assignee_name", value_sql=seconds_between("s.triage_event_at", "s.created_at")
    )
    delivery = grouped_medians(
        fields, group="assignee_name", value_sql=seconds_between("s.delivered_event_at", "s.created_at")
    )
    overall = fields.annotate(everyone=Value("all")).values(
        "everyone", "created_at", "triage_event_at", "delivered_event_at"
    )
    triage_all = grouped_medians(
        overall, group="everyone", value_sql=seconds_between("s.triage_event_at", "s.created_at")
    )
    delivery_all = grouped_medians(
        overall, group="everyone", value_sql=seconds_between("s.delivered_event_at", "s.created_at")
    )

    def hours(seconds):
        return None if seconds is None else round(seconds / 3600, 1)

    def days(seconds):
        return None if seconds is None else round(seconds / 86400, 1)

    rows = []
    for row in per_assignee:
        name = row.pop("assignee_name")
        rows.append(
            {
                "assignee": name,
                **row,
                "within_sla_share": row["triaged_within_sla"] / row["triaged"] if row["triaged"] else None,
                "median_triage_hours": hours(triage.get(name)),
                "median_delivery_days": days(delivery.get(name)),
            }
        )
    states = dict(timed.order_by().values_list("sla_state").annotate(n=Count("id")))
    sla_rows = [{"state": label, "requests": states.get(value, 0)} for value, label in SlaState.choices]
    rows.sort(key=lambda r: r["assignee"])
    sort, direction = sort_rows(rows, COLUMNS, filters, "open")
    totals = {
        "requests": sum(r["requests"] for r in rows),
        "open": sum(r["open"] for r in rows),
        "triaged": sum(r["triaged"] for r in rows),
        "triaged_within_sla": sum(r["triaged_within_sla"] for r in rows),
        "delivered": sum(r["delivered"] for r in rows),
        "median_triage_hours": hours(triage_all.get("all")),
        "median_delivery_days": days(delivery_all.get("all")),
        "sla_days": settings.REQUEST_TRIAGE_SLA_DAYS,
    }
    totals["within_sla_share"] = totals["triaged_within_sla"] / totals["triaged"] if totals["triaged"] else None
    return Report(
        name="requests",
        title=TITLES["requests"],
        description="The request backlog by status and age, time to triage and deliver, and the SLA.",
        filters=filters,
        columns=COLUMNS,
        rows=rows,
        totals=totals,
        row_count=len(rows),
        sort=sort,
        direction=direction,
        chart=chart(
            "bar",
            [row["age"] for row in age_rows],
            [("Open requests", [row["open"] for row in age_rows])],
            title="Open requests by age",
            x_label="Age since submission",
            y_label="Open requests",
        ),
        notes=notes(),
        tables=[
            Table(
                "by_age",
                "Backlog by age",
                [Column("age", "Age"), Column("open", "Open requests", "int")],
                age_rows,
            ),
            Table(
                "by_sla",
                "Requests by triage SLA state",
                [Column("state", "Triage SLA"), Column("requests", "Requests", "int")],
                sla_rows,
            ),
            Table(
                "by_status",
                "Requests by status",
                [
                    Column("status", "Status"),
                    Column("requests", "Requests", "int"),
                    Column("open", "Open", "bool"),
                ],
                status_rows,
            ),
        ],
    )
