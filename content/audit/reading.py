"""Reading the audit log: the events newest first with who did them and the object's type (one query
a page), each one put in words for the page (`described`), and the filtered list as CSV, streamed
row by row and bounded (`csv_rows`)."""

import csv
import json
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property

from ..models import AuditEvent
from ..reports.csv import safe_cell
from ..search.paging import CappedPaginator
from .vocabulary import event_label, type_label, type_name

EXPORT_LIMIT = 100_000
# Counting every event of a broad filter over millions of rows costs a row visit per event: the page
# and the API count up to this many and say "more than" beyond (pages past it are reached by narrowing).
COUNT_CAP = 10_000
CSV_COLUMNS = [
    "time",
    "actor",
    "event",
    "action",
    "object_type",
    "object_id",
    "object",
    "changes",
    "data",
    "address",
    "request_id",
]
SHOWN_VALUE = 80  # characters of a before or after value on the page; the API and CSV have it whole
# Pages an object of a type has, by id (a deal's page goes by CRM id, which the event does not keep).
OBJECT_PAGES = {"asset": "asset-detail", "request": "request-detail"}


def audit_events():
    """Every event, newest first, with its actor and object type read in the same query."""
    return (
        AuditEvent.objects.select_related("actor", "content_type")
        .defer("serialized_data", "changes_text", "actor_email", "remote_port")
        .order_by("-timestamp", "-id")
    )


class AuditPaginator(CappedPaginator):
    """Pages of events with the count capped at COUNT_CAP. The count reads the filtered events in no
    particular order (which ones are counted does not matter), so PostgreSQL counts them from the
    index that serves the filter (actor, object or event) instead of walking the time index and
    sorting what it finds."""

    def __init__(self, object_list, per_page, **kwargs):
        kwargs.setdefault("cap", COUNT_CAP)
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def _counted(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def _shown(value) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= SHOWN_VALUE else text[: SHOWN_VALUE - 1] + "…"


def changes_of(entry) -> list[Change]:
    """The diff as lines: a field's value before and after; a relation's items added or removed."""
    if not isinstance(entry.changes, dict):
        return []
    lines = []
    for field, values in entry.changes.items():
        if isinstance(values, dict):  # a many-to-many change: {"type": "m2m", "operation", "objects"}
            items = ", ".join(str(item) for item in values.get("objects") or [])
            added = values.get("operation") == "add"
            lines.append(Change(field, "" if added else _shown(items), _shown(items) if added else ""))
        elif isinstance(values, list | tuple) and len(values) == 2:
            lines.append(Change(field, _shown(values[0]), _shown(values[1])))
    return lines


def object_url(entry) -> str:
    name = type_name(entry.content_type)
    if name in OBJECT_PAGES and entry.object_id and entry.action != AuditEvent.Action.DELETE:
        try:
            return reverse(OBJECT_PAGES[name], args=[entry.object_id])
        except NoReverseMatch:
            return ""
    return ""


def described(entry) -> AuditEvent:
    """The entry with what the page shows: `label`, `type`, `type_label`, `url`, `change_lines`."""
    entry.label = event_label(entry.event)
    entry.type = type_name(entry.content_type)
    entry.type_label = type_label(entry.type)
    entry.url = object_url(entry)
    entry.change_lines = changes_of(entry)
    return entry


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a streamed response."""

    def write(self, value):
        return value


def _json_cell(value) -> str:
    return "" if value in (None, {}, []) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def csv_rows(queryset, limit: int | None = None):
    """The header, then at most `limit` (EXPORT_LIMIT) events of `queryset` as CSV lines, read in
    chunks (a server-side cursor on PostgreSQL) so that memory stays flat. Cells that a spreadsheet
    would run as a formula are escaped (content.reports.csv.safe_cell)."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(CSV_COLUMNS)
    for entry in queryset[: limit or EXPORT_LIMIT].iterator(chunk_size=2000):
        yield writer.writerow(
            [
                safe_cell(entry.timestamp),
                safe_cell(entry.actor.get_username() if entry.actor else ""),
                entry.event,
                entry.get_action_display(),
                type_name(entry.content_type),
                safe_cell(entry.object_pk),
                safe_cell(entry.object_repr),
                safe_cell(_json_cell(entry.changes)),
                safe_cell(_json_cell(entry.additional_data)),
                safe_cell(entry.remote_addr),
                safe_cell(entry.cid),
            ]
        )
