"""The SLA: triage within N business days. Business days skip weekends; one request's state
(`sla_state`) and its SQL twin for lists and the report agree on every status and day."""

import datetime

import pytest
from django.utils import timezone

from content.models import ContentRequest, RequestStatus
from content.requesting import SlaState, add_business_days, needed_by_passed, sla_state, with_figures

from .requests_helpers import fast_password_hashing, request_in  # noqa: F401

pytestmark = pytest.mark.django_db

FRIDAY = datetime.date(2026, 11, 20)
MONDAY = datetime.date(2026, 11, 23)
TUESDAY = datetime.date(2026, 11, 24)
WEDNESDAY = datetime.date(2026, 11, 25)


def noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (FRIDAY, 2, TUESDAY),  # Saturday and Sunday do not count
        (FRIDAY, 1, MONDAY),
        (datetime.date(2026, 11, 21), 1, MONDAY),  # from a Saturday
        (datetime.date(2026, 11, 22), 2, TUESDAY),  # from a Sunday
        (MONDAY, 5, datetime.date(2026, 11, 30)),  # a full working week lands on the next Monday
        (FRIDAY, 0, FRIDAY),
    ],
)
def test_business_days_skip_saturday_and_sunday(start, days, expected):
    assert add_business_days(start, days) == expected


def test_negative_business_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_business_days(FRIDAY, -1)


def clock(request, today):
    return with_figures(ContentRequest.objects.filter(pk=request.pk), today=today).get()


def test_a_new_request_due_tuesday_is_on_track_friday_due_soon_monday_and_overdue_wednesday():
    request = request_in(RequestStatus.NEW, triage_due=TUESDAY)
    assert clock(request, FRIDAY).sla_state == SlaState.ON_TRACK
    assert clock(request, MONDAY).sla_state == SlaState.DUE_SOON  # due within one business day
    assert clock(request, TUESDAY).sla_state == SlaState.DUE_SOON
    wednesday = clock(request, WEDNESDAY)
    assert (wednesday.sla_state, wednesday.is_overdue) == (SlaState.OVERDUE, True)
    assert sla_state(request, WEDNESDAY).label == "Triage overdue"


def test_a_due_monday_request_is_due_soon_on_the_friday_before_only_one_business_day_ahead():
    request = request_in(RequestStatus.NEW, triage_due=MONDAY)
    assert clock(request, FRIDAY).sla_state == SlaState.DUE_SOON


def test_the_needed_by_date_is_not_the_sla():
    # The requester wanted it Monday; triage is due Tuesday: on Tuesday triage is due, not overdue.
    request = request_in(RequestStatus.NEW, triage_due=TUESDAY, needed_by=MONDAY)
    row = clock(request, TUESDAY)
    assert (row.sla_state, row.is_overdue) == (SlaState.DUE_SOON, False)
    assert row.urgent_by == MONDAY  # but it sorts by the earlier date
    assert needed_by_passed(request, TUESDAY) is True


def test_once_triaged_the_sla_was_met_or_missed_for_good_whatever_the_needed_by_date():
    in_time = request_in(RequestStatus.IN_PROGRESS, triage_due=MONDAY, triaged_at=noon(MONDAY), needed_by=FRIDAY)
    late = request_in(RequestStatus.ACCEPTED, triage_due=MONDAY, triaged_at=noon(TUESDAY))
    for today in (TUESDAY, WEDNESDAY, datetime.date(2027, 1, 4)):
        assert (clock(in_time, today).sla_state, clock(in_time, today).is_overdue) == (SlaState.MET, False)
        assert (clock(late, today).sla_state, clock(late, today).is_overdue) == (SlaState.MISSED, False)
    assert sla_state(in_time, WEDNESDAY).label == "Triaged in time"
    assert sla_state(late, WEDNESDAY).label == "Triaged late"


def test_closed_requests_keep_the_sla_they_met_or_missed_and_are_never_overdue():
    request = request_in(RequestStatus.DECLINED, triage_due=FRIDAY, triaged_at=noon(MONDAY), decline_reason="No.")
    row = clock(request, TUESDAY)
    assert (row.sla_state, row.is_overdue) == (SlaState.MISSED, False)
    assert needed_by_passed(request, TUESDAY) is False


def test_without_a_recorded_due_date_the_sla_counts_calendar_days_from_submission():
    request = request_in(RequestStatus.NEW, triage_due=None)
    ContentRequest.objects.filter(pk=request.pk).update(created_at=noon(FRIDAY))
    request.refresh_from_db()
    assert sla_state(request, datetime.date(2026, 11, 22)).due == datetime.date(2026, 11, 22)
    assert clock(request, MONDAY).sla_state == SlaState.OVERDUE == sla_state(request, MONDAY).state


DAYS = (FRIDAY, MONDAY, TUESDAY, WEDNESDAY)


@pytest.mark.parametrize("status", RequestStatus.values)
@pytest.mark.parametrize("triaged_on", [None, MONDAY, TUESDAY])
def test_the_one_request_sla_agrees_with_the_sql_one(status, triaged_on):
    extra = {"decline_reason": "No."} if status == RequestStatus.DECLINED else {}
    if triaged_on is not None:
        extra["triaged_at"] = noon(triaged_on)
    request = request_in(status, triage_due=MONDAY, needed_by=TUESDAY, **extra)
    for today in DAYS:
        assert sla_state(request, today).state == clock(request, today).sla_state, today
        assert sla_state(request, noon(today)).state == clock(request, today).sla_state
