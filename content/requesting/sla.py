"""The request SLA, defined once: marketing triages a request within N business days of its
submission (`REQUEST_TRIAGE_SLA_DAYS`). It is the only service level; the requester's needed-by
date is their wish, shown as such and never called an SLA.

One request's state is `sla_state(request, now)`; lists, sorting and the requests report use its
SQL twin `sla_annotations(today)`, which gives the same answer row by row (tests hold them
together). The five states: while a request waits for its first triage (status new) it is on
track, due soon (due within one business day) or overdue; once triaged it met or missed the SLA,
for good. Business days skip Saturday and Sunday.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from ..models import OPEN_REQUEST_STATUSES, RequestStatus


class SlaState(models.TextChoices):
    ON_TRACK = "on_track", "Triage on track"
    DUE_SOON = "due_soon", "Triage due soon"
    OVERDUE = "overdue", "Triage overdue"
    MET = "met", "Triaged in time"
    MISSED = "missed", "Triaged late"


# The colour of each state's badge (always beside its words, never alone).
TONES = {
    SlaState.ON_TRACK: "ok",
    SlaState.DUE_SOON: "warn",
    SlaState.OVERDUE: "bad",
    SlaState.MET: "ok",
    SlaState.MISSED: "muted",
}


@dataclass(frozen=True)
class Sla:
    """A request's SLA as every page shows it: the state, its words and the triage due date."""

    state: str
    due: datetime.date | None

    @property
    def label(self) -> str:
        return SlaState(self.state).label

    @property
    def tone(self) -> str:
        return TONES[self.state]

    @property
    def waiting(self) -> bool:
        """Still waiting for triage: the clock runs."""
        return self.state in (SlaState.ON_TRACK, SlaState.DUE_SOON, SlaState.OVERDUE)

    def __str__(self) -> str:
        return self.label


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


def _fallback_days() -> datetime.timedelta:
    return datetime.timedelta(days=settings.REQUEST_TRIAGE_SLA_DAYS)


def triage_due_of(request) -> datetime.date:
    """The recorded triage due date; for a row written without one (an import, a fixture),
    submission plus the SLA in calendar days."""
    if request.triage_due is not None:
        return request.triage_due
    return timezone.localdate(request.created_at + _fallback_days())


def _triaged_at(request):
    """When it left "new": `triaged_at`, set by request_transition; a row that left "new" without
    one recorded counts from its last change, the latest moment it can have been triaged."""
    return request.triaged_at or request.updated_at


def sla_state(request, now: datetime.datetime | datetime.date | None = None) -> Sla:
    """The SLA of one request at `now` (a datetime or a date; default: now)."""
    if now is None:
        today = timezone.localdate()
    elif isinstance(now, datetime.datetime):
        today = timezone.localdate(now)
    else:
        today = now
    due = triage_due_of(request)
    if request.status == RequestStatus.NEW:
        if due < today:
            return Sla(SlaState.OVERDUE, due)
        if due <= add_business_days(today, 1):
            return Sla(SlaState.DUE_SOON, due)
        return Sla(SlaState.ON_TRACK, due)
    met = timezone.localdate(_triaged_at(request)) <= due
    return Sla(SlaState.MET if met else SlaState.MISSED, due)


def urgent_by():
    """The date a request must next move by, for sorting lists most urgent first: the triage due
    date (or the needed-by date if earlier) while it waits for triage, the needed-by date while it
    is being made, none once closed."""
    waiting = Q(status=RequestStatus.NEW)
    return Case(
        When(waiting & Q(needed_by__isnull=False, needed_by__lt=F("triage_deadline")), then=F("needed_by")),
        When(waiting, then=F("triage_deadline")),
        When(status__in=OPEN_REQUEST_STATUSES, then=F("needed_by")),
        default=Value(None, output_field=DateField()),
        output_field=DateField(),
    )


def sla_annotations(today: datetime.date | None = None) -> dict:
    """`sla_state` and what it needs as SQL, in the order to annotate them: `triage_deadline`,
    `triaged_on`, `sla_state`, `is_overdue` (sla_state is overdue) and `urgent_by` (see there).
    The same rules as `sla_state`, row by row."""
    today = today or timezone.localdate()
    soon = add_business_days(today, 1)
    fallback = TruncDate(ExpressionWrapper(F("created_at") + _fallback_days(), output_field=DateTimeField()))
    return {
        "triage_deadline": Coalesce(F("triage_due"), fallback, output_field=DateField()),
        "triaged_on": TruncDate(Coalesce(F("triaged_at"), F("updated_at"))),
        "sla_state": Case(
            When(status=RequestStatus.NEW, triage_deadline__lt=today, then=Value(SlaState.OVERDUE.value)),
            When(status=RequestStatus.NEW, triage_deadline__lte=soon, then=Value(SlaState.DUE_SOON.value)),
            When(status=RequestStatus.NEW, then=Value(SlaState.ON_TRACK.value)),
            When(triaged_on__lte=F("triage_deadline"), then=Value(SlaState.MET.value)),
            default=Value(SlaState.MISSED.value),
            output_field=CharField(),
        ),
        "is_overdue": Case(
            When(status=RequestStatus.NEW, triage_deadline__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        "urgent_by": urgent_by(),
    }


def needed_by_passed(request, today: datetime.date | None = None) -> bool:
    """The requester's needed-by date has gone by while the request is still open (not an SLA:
    the board and the request page say "needed by …, passed")."""
    today = today or timezone.localdate()
    return bool(request.is_open and request.needed_by and request.needed_by < today)
