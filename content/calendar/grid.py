"""Months: parsing `YYYY-MM`, the Monday-first grid of weeks, and the month summary."""

import calendar as stdlib_calendar
import datetime
from dataclasses import dataclass, field

from django.utils import timezone

MAX_RANGE_DAYS = 366


def month_start(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, 1)


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, stdlib_calendar.monthrange(year, month)[1])


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` away from `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def parse_month(value: str | None, today: datetime.date | None = None) -> datetime.date:
    """`YYYY-MM` → the first day of that month (today's month when empty); ValueError otherwise."""
    today = today or timezone.localdate()
    if not value:
        return today.replace(day=1)
    try:
        parsed = datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise ValueError(f"{value!r} is not a month; write it as YYYY-MM, for example 2026-03.") from None
    if not 1900 <= parsed.year <= 9998:
        raise ValueError("The month must fall between 1900 and 9998.")
    return parsed


@dataclass
class CalendarDay:
    date: datetime.date
    in_month: bool
    is_today: bool
    events: list = field(default_factory=list)
    overflow: int = 0  # events beyond what a day cell lists


def grid_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """The Monday before (or on) the 1st and the Sunday after (or on) the last day of the month."""
    weeks = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return weeks[0][0], weeks[-1][-1]


def month_grid(year: int, month: int, events) -> list[list[CalendarDay]]:
    """Weeks × days, Monday first; the days of neighbouring months that fill the first and last
    weeks are included (marked `in_month=False`) with their events."""
    today = timezone.localdate()
    by_date: dict[datetime.date, list] = {}
    for event in events:
        by_date.setdefault(event.date, []).append(event)
    return [
        [CalendarDay(day, day.month == month, day == today, by_date.get(day, [])) for day in week]
        for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]


@dataclass(frozen=True)
class MonthSummary:
    published: int
    supports_won: int
    used_no_wins: int
    unused: int
    planned: int
    reviews_due: int
    requests_due: int


def month_summary(events, year: int | None = None, month: int | None = None) -> MonthSummary:
    """How the month's published assets fare: how many support won deals, were used without a win
    yet, or are unused since publishing; plus what is planned, due for review and requested."""
    if year is not None and month is not None:
        events = [e for e in events if (e.date.year, e.date.month) == (year, month)]
    states = {}
    for event in events:
        if event.type == "published" and event.state != "scheduled":  # not live yet: no figures to tell
            states[event.asset_id] = event.state
    values = list(states.values())
    return MonthSummary(
        published=len(values),
        supports_won=values.count("supports_won"),
        used_no_wins=values.count("used_no_wins"),
        unused=values.count("unused"),
        planned=len({e.asset_id for e in events if e.type == "planned"}),
        reviews_due=len({e.asset_id for e in events if e.type == "review"}),
        requests_due=len({e.request_id for e in events if e.type == "request"}),
    )
