"""The SLA clock: business days skip weekends, and the clock is computed in SQL for lists."""

import datetime

import pytest

from content.models import ContentRequest, RequestStatus
from content.requesting import SlaState, add_business_days, sla_state_of, with_figures

from .requests_helpers import fast_password_hashing, request_in  # noqa: F401

pytestmark = pytest.mark.django_db

FRIDAY = datetime.date(2026, 11, 20)
MONDAY = datetime.date(2026, 11, 23)
TUESDAY = datetime.date(2026, 11, 24)


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


def test_a_request_submitted_on_friday_is_on_time_friday_due_soon_monday_and_overdue_wednesday():
    request = request_in(RequestStatus.NEW, triage_due=TUESDAY)
    assert clock(request, FRIDAY).sla_state == SlaState.ON_TIME
    assert clock(request, MONDAY).sla_state == SlaState.DUE_SOON  # due within one business day
    assert clock(request, TUESDAY).sla_state == SlaState.DUE_SOON
    wednesday = clock(request, datetime.date(2026, 11, 25))
    assert (wednesday.sla_state, wednesday.is_overdue) == (SlaState.OVERDUE, True)


def test_a_due_tuesday_request_is_due_soon_on_the_friday_before_only_one_business_day_ahead():
    request = request_in(RequestStatus.NEW, triage_due=MONDAY)
    assert clock(request, FRIDAY).sla_state == SlaState.DUE_SOON


def test_an_earlier_needed_by_date_drives_the_clock_while_waiting_for_triage():
    request = request_in(RequestStatus.TRIAGED, triage_due=TUESDAY, needed_by=MONDAY)
    row = clock(request, TUESDAY)
    assert (row.sla_deadline, row.is_overdue) == (MONDAY, True)


def test_once_accepted_only_the_needed_by_date_counts():
    late_triage = request_in(RequestStatus.ACCEPTED, triage_due=FRIDAY, needed_by=None)
    assert clock(late_triage, TUESDAY).is_overdue is False
    late_delivery = request_in(RequestStatus.IN_PROGRESS, triage_due=FRIDAY, needed_by=MONDAY)
    assert clock(late_delivery, TUESDAY).sla_state == SlaState.OVERDUE


def test_closed_requests_are_never_overdue():
    request = request_in(RequestStatus.DECLINED, triage_due=FRIDAY, decline_reason="No.")
    row = clock(request, TUESDAY)
    assert (row.sla_state, row.is_overdue) == (SlaState.CLOSED, False)


@pytest.mark.parametrize("status", RequestStatus.values)
def test_the_in_memory_clock_agrees_with_the_sql_one(status):
    extra = {"decline_reason": "No."} if status == RequestStatus.DECLINED else {}
    request = request_in(status, triage_due=MONDAY, needed_by=TUESDAY, **extra)
    for today in (FRIDAY, MONDAY, TUESDAY, datetime.date(2026, 11, 25)):
        assert sla_state_of(request, today) == clock(request, today).sla_state
