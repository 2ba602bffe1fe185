"""The request SLA: triage within N business days of submission, delivery by the needed-by date.

Business days skip Saturday and Sunday. The clock is computed in SQL (`sla_annotations`) so the
board and the API can sort and filter thousands of requests in one query.
"""

import datetime

from django.conf import settings
from django.db.models import BooleanField, Case, CharField, DateField, F, Q, Value, When
from django.utils import timezone

from ..models import OPEN_REQUEST_STATUSES, RequestStatus

AWAITING_TRIAGE = (RequestStatus.NEW, RequestStatus.TRIAGED)
AWAITING_DELIVERY = (RequestStatus.ACCEPTED, RequestStatus.IN_PROGRESS)


class SlaState:
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    CLOSED = "closed"

    LABELS = {ON_TIME: "On time", DUE_SOON: "Due soon", OVERDUE: "Overdue", CLOSED: "Closed"}


def add_business_days(date: datetime.date, n: int) -> datetime.date:
    """`date` plus `n` working days (Monday to Friday). Friday + 2 is Tuesday; Saturday + 1 is Monday."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = date
    while n > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def triage_due_for(submitted: datetime.date) -> datetime.date:
    return add_business_days(submitted, settings.REQUEST_TRIAGE_SLA_DAYS)


def sla_deadline():
    """The date the request must next move by: the earlier of triage due and needed-by while it
    waits for triage, the needed-by date while it is being made, none once it is closed."""
    return Case(
        When(
            Q(status__in=AWAITING_TRIAGE, needed_by__isnull=False, needed_by__lt=F("triage_due"))
            | Q(status__in=AWAITING_TRIAGE, triage_due__isnull=True),
            then=F("needed_by"),
        ),
        When(status__in=AWAITING_TRIAGE, then=F("triage_due")),
        When(status__in=AWAITING_DELIVERY, then=F("needed_by")),
        default=Value(None, output_field=DateField()),
        output_field=DateField(),
    )


def sla_annotations(today: datetime.date | None = None) -> dict:
    """`sla_deadline`, `is_overdue` and `sla_state` as SQL expressions (annotate them in order)."""
    today = today or timezone.localdate()
    soon = add_business_days(today, 1)
    return {
        "sla_deadline": sla_deadline(),
        "is_overdue": Case(
            When(status__in=OPEN_REQUEST_STATUSES, sla_deadline__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        "sla_state": Case(
            When(~Q(status__in=OPEN_REQUEST_STATUSES), then=Value(SlaState.CLOSED)),
            When(sla_deadline__lt=today, then=Value(SlaState.OVERDUE)),
            When(sla_deadline__lte=soon, then=Value(SlaState.DUE_SOON)),
            default=Value(SlaState.ON_TIME),
            output_field=CharField(),
        ),
    }


def sla_state_of(request, today: datetime.date | None = None) -> str:
    """The same clock for one request in memory (used after a change, before re-reading it)."""
    today = today or timezone.localdate()
    if request.status not in OPEN_REQUEST_STATUSES:
        return SlaState.CLOSED
    if request.status in AWAITING_TRIAGE:
        dates = [d for d in (request.triage_due, request.needed_by) if d]
    else:
        dates = [request.needed_by] if request.needed_by else []
    if not dates:
        return SlaState.ON_TIME
    deadline = min(dates)
    if deadline < today:
        return SlaState.OVERDUE
    if deadline <= add_business_days(today, 1):
        return SlaState.DUE_SOON
    return SlaState.ON_TIME
