"""The shared content calendar: what is planned, what shipped, what is due for review and which requests
are needed when, each asset with its won-deal support. `calendar_events` feeds the page, the JSON API and
the iCalendar feed alike; planning writes are asset services (`content.assets.asset_plan`,
`asset_reschedule`).
"""

from .events import (
    EVENT_STATES,
    EVENT_TYPES,
    STATE_LABELS,
    CalendarEvent,
    CalendarFilters,
    calendar_events,
    compact_money,
    support_state,
    with_use_since_publishing,
)
from .feed import calendar_feed_for, calendar_feed_reset, calendar_feed_revoke, feed_owner, feed_range
from .grid import (
    MAX_RANGE_DAYS,
    CalendarDay,
    MonthSummary,
    add_months,
    grid_bounds,
    month_end,
    month_grid,
    month_start,
    month_summary,
    parse_month,
)
from .ical import events_to_ical
from .planning import planning_owners

__all__ = [
    "EVENT_STATES",
    "EVENT_TYPES",
    "MAX_RANGE_DAYS",
    "STATE_LABELS",
    "CalendarDay",
    "CalendarEvent",
    "CalendarFilters",
    "MonthSummary",
    "add_months",
    "calendar_events",
    "calendar_feed_for",
    "calendar_feed_reset",
    "calendar_feed_revoke",
    "compact_money",
    "events_to_ical",
    "feed_owner",
    "feed_range",
    "grid_bounds",
    "month_end",
    "month_grid",
    "month_start",
    "month_summary",
    "parse_month",
    "planning_owners",
    "support_state",
    "with_use_since_publishing",
]
