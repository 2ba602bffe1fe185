"""The shape every report returns: columns with keys, labels and types; rows as dicts; totals;
a chart series; notes that define each figure; and extra tables (breakdowns) of the same shape."""

import datetime
from dataclasses import dataclass, field

from .filters import ReportFilterError, ReportFilters

# Column types: text, int, decimal, money (in the reporting currency), amounts ({currency: amount}),
# percent (a 0..1 fraction), lift (a signed relative change, -0.25 = 25% lower), date, datetime, bool.


# Each report's title, written once: the report itself, the index page and the report page use it.
TITLES = {
    "usage": "Usage",
    "effectiveness": "Effectiveness",
    "adoption": "Adoption",
    "gaps": "Content gaps",
    "requests": "Requests and SLA",
    "freshness": "Freshness",
    "objections": "Objections",
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: str = "text"
    sortable: bool = True
    help: str = ""  # the figure in plain words, shown under the page's table
    page: bool = True  # False: in the API and the CSV only (ids, usernames), not on the page


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict]
    note: str = ""
    charted: bool = False  # the chart's own figures: the page already shows them beside the chart


@dataclass
class Report:
    name: str
    title: str
    description: str
    filters: ReportFilters
    columns: list[Column]
    rows: list[dict]
    totals: dict = field(default_factory=dict)
    chart: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    row_count: int = 0
    sort: str = ""
    direction: str = "desc"
    extra: dict = field(default_factory=dict)  # page-only presentation data (e.g. the gaps matrix)

    @property
    def page_count(self) -> int:
        size = self.filters.page_size
        return max(1, -(-self.row_count // size)) if size else 1


def chosen_sort(filters: ReportFilters, keys, default: str, default_direction: str = "desc") -> tuple[str, str]:
    """(key, direction) of the requested sort, or the report's default; a key that is not one of
    `keys` (the report's sortable columns) is a 400 naming them. Every report sorts through this."""
    key = filters.sort or default
    if key not in keys:
        raise ReportFilterError({"sort": f"Sort by one of: {', '.join(sorted(keys))}."})
    return key, filters.direction or default_direction


def order_by_for(filters: ReportFilters, sortable: dict, default: str, default_direction: str = "desc"):
    """Validate the requested sort against the report's sortable columns and return
    (key, direction, order_by expressions). Ties are broken by the last expression given."""
    key, direction = chosen_sort(filters, sortable, default, default_direction)
    expression, tiebreak = sortable[key]
    ordered = expression.desc(nulls_last=True) if direction == "desc" else expression.asc(nulls_last=True)
    return key, direction, [ordered, tiebreak]


def sort_rows(rows: list[dict], columns, filters, default: str, default_direction: str = "desc"):
    """Sort rows already aggregated in SQL (a few dozen: stages × personas, assignees), empty
    figures last in either direction. Returns (key, direction)."""
    key, direction = chosen_sort(
        filters, {column.key for column in columns if column.sortable}, default, default_direction
    )
    filled = [row for row in rows if row.get(key) is not None]
    empty = [row for row in rows if row.get(key) is None]
    filled.sort(key=lambda row: row[key], reverse=direction == "desc")
    rows[:] = filled + empty
    return key, direction


def page_slice(filters: ReportFilters):
    """(offset, limit) of the requested page; limit None means every row (CSV export)."""
    if not filters.page_size:
        return 0, None
    return (filters.page - 1) * filters.page_size, filters.page_size


def sliced(queryset, filters):
    offset, limit = page_slice(filters)
    return queryset[offset:] if limit is None else queryset[offset : offset + limit]


def complete_weeks(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The Mondays of the weeks (Monday to Sunday) that lie wholly in `start`..`end`: a trend chart
    shows only these, since a part-week at either end of the period would read as a dip."""
    first = start + datetime.timedelta(days=-start.weekday() % 7)
    weeks = []
    while first + datetime.timedelta(days=6) <= end:
        weeks.append(first)
        first += datetime.timedelta(days=7)
    return weeks


def chart(kind: str, labels, datasets, *, title: str, x_label: str = "", y_label: str = "") -> dict:
    """A chart series the page draws with Chart.js; the same numbers are in a table beside it."""
    return {
        "type": kind,
        "title": title,
        "labels": [str(label) for label in labels],
        "datasets": [{"label": label, "data": data} for label, data in datasets],
        "x_label": x_label,
        "y_label": y_label,
    }
