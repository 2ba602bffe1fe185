"""Deals from CRM export files: Salesforce Opportunity and HubSpot deals exports, or our own columns.

`import_deals` reads the whole file first (every row validated, each rejected row reported with its
line number and reason), then writes the good rows in bulk: existing deals are read in chunks by
CRM id and compared field by field, so re-importing a file changes nothing and `updated_at` of an
unchanged deal does not move. Our own column set (the "generic" mapping) is:

    crm_id,name,account,amount,currency,stage,status,close_date,owner[,product_line][,industry]

The product line and industry are written only when the file has a column for them: a file
without them leaves what the API or the webhook set.
"""

import csv
import io
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower
from django.utils import timezone

from .audit import audit_event
from .caching import reports_changed
from .crm import StageMapper, parse_amount, parse_bool, parse_date
from .jobs import job_handler, job_start
from .models import Deal, DealStatus
from .support import refresh_support_for_deals

SALESFORCE_COLUMNS = {
    "opportunity id": "crm_id",
    "opportunity name": "name",
    "account name": "account",
    "amount": "amount",
    "amount currency": "currency",
    "opportunity currency": "currency",
    "stage": "stage",
    "close date": "close_date",
    "opportunity owner": "owner",
    "product line": "product_line",
    "product family": "product_line",
    "industry": "industry",
    "account: industry": "industry",
    "account industry": "industry",
    "won": "won",
    "closed": "closed",
}
HUBSPOT_COLUMNS = {
    "record id": "crm_id",
    "deal name": "name",
    "associated company": "account",
    "company name": "account",
    "amount": "amount",
    "currency": "currency",
    "deal currency code": "currency",
    "deal stage": "stage",
    "close date": "close_date",
    "deal owner": "owner",
    "product line": "product_line",
    "industry": "industry",
    "associated company industry": "industry",
}
GENERIC_COLUMNS = {
    name: name
    for name in (
        "crm_id",
        "name",
        "account",
        "amount",
        "currency",
        "stage",
        "status",
        "close_date",
        "owner",
        "product_line",
        "industry",
    )
}
MAPPINGS = {"salesforce": SALESFORCE_COLUMNS, "hubspot": HUBSPOT_COLUMNS, "generic": GENERIC_COLUMNS}
SOURCE_LABELS = {"salesforce": "salesforce", "hubspot": "hubspot", "generic": "import"}

# The fields an import owns; a deal whose values all match is "unchanged".
COMPARED_FIELDS = (
    "name",
    "account",
    "amount",
    "currency",
    "stage",
    "funnel_stage_id",
    "status",
    "close_date",
    "owner_id",
    "owner_name",
)
# Compared and written only when the file has their column (see the module docstring).
OPTIONAL_FIELDS = ("product_line", "industry")
# A change to any of these moves the won-deal support of the assets used in the deal.
OUTCOME_FIELDS = ("status", "close_date", "amount")
MAX_LENGTHS = {
    "crm_id": 64,
    "name": 255,
    "account": 255,
    "stage": 100,
    "owner_name": 150,
    "product_line": 100,
    "industry": 100,
}
READ_CHUNK = 500
WRITE_BATCH = 1000


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (not a CSV, empty, no recognisable header)."""


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reason: str
    crm_id: str = ""


@dataclass
class ImportReport:
    source: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    dry_run: bool = False

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"rejected {self.rejected_count}"
        )


def _read_text(file) -> str:
    if isinstance(file, str | Path):
        raw = Path(file).read_bytes()
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        raw = file.read()
    if isinstance(raw, str):
        text = raw
    else:
        if b"\x00" in raw[:65536]:
            raise ImportFileError("This is not a CSV file: it contains binary data.")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ImportFileError("The file is empty.")
    return text


def _dialect(sample: str):
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def detect_source(headers: list[str]) -> str | None:
    names = {h.strip().lower() for h in headers}
    if "opportunity id" in names:
        return "salesforce"
    if "record id" in names and "deal name" in names:
        return "hubspot"
    if "crm_id" in names:
        return "generic"
    return None


def _column_map(headers, source, mapping):
    columns = {**MAPPINGS[source], **{k.strip().lower(): v for k, v in (mapping or {}).items()}}
    index = {}
    for position, header in enumerate(headers):
        target = columns.get(header.strip().lower())
        if target and target not in index:
            index[target] = position
    missing = [name for name in ("crm_id", "name") if name not in index]
    if missing:
        raise ImportFileError(f"The header has no column for {', '.join(missing)} ({source} export expected).")
    return index


class OwnerMatcher:
    """CRM owner names -> user ids, by full name, username or email (case-insensitive), queried in bulk."""

    def __init__(self, names):
        self.ids: dict[str, int] = {}
        wanted = sorted({n.strip().lower() for n in names if n and n.strip()})
        users = get_user_model().objects.annotate(
            full=Lower(Concat("first_name", Value(" "), "last_name")),
            uname=Lower("username"),
            lemail=Lower("email"),
        )
        for start in range(0, len(wanted), READ_CHUNK):
            chunk = wanted[start : start + READ_CHUNK]
            rows = users.filter(Q(full__in=chunk) | Q(uname__in=chunk) | Q(lemail__in=chunk)).order_by("id")
            for user_id, full, uname, email in rows.values_list("id", "full", "uname", "lemail"):
                for key in (full, email, uname):  # a username match wins over a namesake
                    if key in chunk:
                        self.ids[key] = user_id

    def __call__(self, name: str) -> int | None:
        return self.ids.get((name or "").strip().lower())


def _parse_row(cells, index, mapper, owners, source_label):
    def cell(name):
        position = index.get(name)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    values = {
        "crm_id": cell("crm_id"),
        "name": cell("name"),
        "account": cell("account"),
        "stage": cell("stage"),
        "product_line": cell("product_line"),
        "industry": cell("industry"),
    }
    if not values["crm_id"]:
        raise ValueError("the CRM id is empty")
    if not values["name"]:
        raise ValueError("the deal name is empty")
    for name, limit in MAX_LENGTHS.items():
        if name in values and len(values[name]) > limit:
            raise ValueError(f"{name.replace('_', ' ')} is longer than {limit} characters")
    amount, currency = parse_amount(cell("amount"))
    values["amount"] = amount
    currency = (cell("currency") or currency or "USD").upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValueError(f"currency {currency!r} is not a three-letter code")
    values["currency"] = currency
    values["close_date"] = parse_date(cell("close_date"))

    closed, won = parse_bool(cell("closed")), parse_bool(cell("won"))
    explicit = cell("status").lower()
    if closed is not None:  # Salesforce's booleans say it plainly; they beat the stage name
        values["status"] = (DealStatus.WON if won else DealStatus.LOST) if closed else DealStatus.OPEN
    elif won:
        values["status"] = DealStatus.WON
    elif explicit:
        if explicit not in DealStatus.values:
            raise ValueError(f"status {explicit!r} is not one of open, won, lost")
        values["status"] = explicit
    else:
        values["status"] = mapper.status(values["stage"])
    if values["status"] != DealStatus.OPEN and values["close_date"] is None:
        raise ValueError(f"a {values['status']} deal needs a close date")
    values["funnel_stage_id"] = mapper.funnel_stage_id(values["stage"])
    owner_name = cell("owner")
    if len(owner_name) > MAX_LENGTHS["owner_name"]:
        raise ValueError("owner is longer than 150 characters")
    values["owner_name"] = owner_name
    values["owner_id"] = owners(owner_name)
    values["source"] = source_label
    return values


def _rows(text, source, mapping):
    """(source, header index, [(line, cells)]) of the file, or ImportFileError."""
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text[:4096]))
    try:
        headers = next((row for row in reader if any(c.strip() for c in row)), None)
        if headers is None:
            raise ImportFileError("The file is empty.")
        detected = source or detect_source(headers)
        if detected is None:
            raise ImportFileError(
                "No recognisable header: expected a Salesforce Opportunity export (Opportunity ID, "
                "Opportunity Name, ...), a HubSpot deals export (Record ID, Deal Name, ...) or the columns "
                "crm_id,name,account,amount,currency,stage,status,close_date,owner."
            )
        if detected not in MAPPINGS:
            raise ImportFileError(f"Unknown source {detected!r}: use salesforce, hubspot or generic.")
        index = _column_map(headers, detected, mapping)
        rows = [(reader.line_num, cells) for cells in reader if any(c.strip() for c in cells)]
    except csv.Error as error:
        raise ImportFileError(f"This is not a readable CSV file: {error}.") from error
    return detected, index, rows


def import_deals(*, file, source=None, mapping=None, stage_map=None, dry_run=False, actor=None) -> ImportReport:
    """Create or update the deals of a CRM export file; see the module docstring. The import is one
    audit event (`deals.imported`, with its counts), by `actor` or whoever the request or job is for:
    its rows are written in bulk, with no field diff per deal."""
    text = _read_text(file)
    detected, index, rows = _rows(text, source, mapping)
    report = ImportReport(source=detected, dry_run=dry_run)
    mapper = StageMapper(stage_map)
    owner_column = index.get("owner")
    owners = OwnerMatcher(
        cells[owner_column] for _, cells in rows if owner_column is not None and owner_column < len(cells)
    )

    parsed: dict[str, dict] = {}
    first_line: dict[str, int] = {}
    for line, cells in rows:
        try:
            values = _parse_row(cells, index, mapper, owners, SOURCE_LABELS[detected])
        except ValueError as error:
            crm_id = cells[index["crm_id"]].strip() if index["crm_id"] < len(cells) else ""
            report.rejected.append(RejectedRow(line=line, reason=str(error), crm_id=crm_id))
            continue
        crm_id = values["crm_id"]
        if crm_id in parsed:
            reason = f"CRM id {crm_id} already appears on line {first_line[crm_id]}"
            report.rejected.append(RejectedRow(line=line, reason=reason, crm_id=crm_id))
            continue
        parsed[values["crm_id"]] = values
        first_line[values["crm_id"]] = line

    with transaction.atomic():
        _one_import_at_a_time()
        compared = (*COMPARED_FIELDS, *(name for name in OPTIONAL_FIELDS if name in index))
        outcome_changed = _write(parsed, report, dry_run, compared)
        if outcome_changed and not dry_run:
            refresh_support_for_deals(outcome_changed)
        if (report.created or report.updated) and not dry_run:
            # the rows were written with plain SQL, which sends no model signal: a new won deal
            # moves the baseline of every report even when no asset was used in it
            reports_changed()
        if not dry_run:
            audit_event(
                actor=actor,
                verb="deals.imported",
                source=report.source,
                created=report.created,
                updated=report.updated,
                unchanged=report.unchanged,
                rejected=report.rejected_count,
            )
    return report


# Any fixed 64-bit number: the key of the advisory lock imports take on PostgreSQL.
IMPORT_LOCK_KEY = 7_302_447_119_004_211


def _one_import_at_a_time() -> None:
    """Two imports of overlapping files at once would both insert the same new CRM ids: the second
    waits here until the first commits, then compares against its rows. (SQLite transactions start
    IMMEDIATE, which already makes writers take turns.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


def _write(parsed, report, dry_run, compared) -> list[int]:
    """Compare with the stored deals chunk by chunk; insert the new, update the changed, in batches.
    `compared`: the fields this file owns (a new deal gets every field, blank when not in the file)."""
    now = timezone.now()
    crm_ids = list(parsed)
    to_create, to_update, outcome_changed = [], [], []
    writer = _BatchWriter(now, compared)
    for start in range(0, len(crm_ids), READ_CHUNK):
        chunk = crm_ids[start : start + READ_CHUNK]
        existing = {
            row["crm_id"]: row for row in Deal.objects.filter(crm_id__in=chunk).values("id", "crm_id", *compared)
        }
        for crm_id in chunk:
            values = parsed[crm_id]
            stored = existing.get(crm_id)
            if stored is None:
                to_create.append(values)
                continue
            changed = [name for name in compared if stored[name] != values[name]]
            if not changed:
                report.unchanged += 1
                continue
            if any(name in OUTCOME_FIELDS for name in changed):
                outcome_changed.append(stored["id"])
            to_update.append((stored["id"], values))
        if not dry_run and len(to_create) >= WRITE_BATCH:
            report.created += writer.insert(to_create)
            to_create = []
        if not dry_run and len(to_update) >= WRITE_BATCH:
            report.updated += writer.update(to_update)
            to_update = []
    if dry_run:
        report.created, report.updated = len(to_create), len(to_update)
    else:
        report.created += writer.insert(to_create)
        report.updated += writer.update(to_update)
    return outcome_changed


class _BatchWriter:
    """INSERT and UPDATE with executemany: the ORM's bulk_create spends most of a 100,000-row import
    preparing values field by field; here each row is adapted once, by the backend's own adapters."""

    def __init__(self, now, compared):
        self.ops = connection.ops
        self.compared = compared
        columns = {f.attname: f.column for f in Deal._meta.concrete_fields}
        quote = self.ops.quote_name
        self.insert_fields = ("crm_id", "source", *COMPARED_FIELDS, *OPTIONAL_FIELDS)
        insert_columns = [*(columns[name] for name in self.insert_fields), "created_at", "updated_at"]
        # Table and column names come from the model and are quoted; every value is a parameter.
        self.insert_sql = (
            f"INSERT INTO {quote(Deal._meta.db_table)} ({', '.join(quote(c) for c in insert_columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(insert_columns))})"
        )
        assignments = ", ".join(f"{quote(columns[name])} = %s" for name in (*compared, "updated_at"))
        self.update_sql = f"UPDATE {quote(Deal._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608
        self.now = self.ops.adapt_datetimefield_value(now)

    def _adapt(self, values, names):
        row = []
        for name in names:
            value = values[name]
            if name == "amount":
                value = self.ops.adapt_decimalfield_value(value, 14, 2)
            elif name == "close_date":
                value = self.ops.adapt_datefield_value(value)
            row.append(value)
        return row

    def insert(self, rows) -> int:
        if not rows:
            return 0
        params = [[*self._adapt(values, self.insert_fields), self.now, self.now] for values in rows]
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":  # executemany is a C loop there: the fastest way in
                cursor.executemany(self.insert_sql, params)
            elif connection.vendor == "postgresql":  # COPY: no SQL text to build or parse per row
                copy_sql = self.insert_sql.replace("INSERT INTO", "COPY", 1).partition(" VALUES ")[0]
                with cursor.cursor.copy(copy_sql + " FROM STDIN") as copy:
                    for row in params:
                        copy.write_row(row)
            else:
                cursor.executemany(self.insert_sql, params)
        return len(rows)

    def update(self, rows) -> int:
        if rows:
            params = [[*self._adapt(values, self.compared), self.now, pk] for pk, values in rows]
            with connection.cursor() as cursor:
                cursor.executemany(self.update_sql, params)
        return len(rows)


__all__ = ["ImportFileError", "ImportReport", "RejectedRow", "detect_source", "import_deals"]


@job_handler("import_deals")
def import_deals_job(*, job, progress):
    """A large upload, imported by a worker; the stored file is removed once the import succeeded."""
    path = job.params["path"]
    progress.set_total(2)
    progress.advance(1, "Importing the file…")
    with default_storage.open(path, "rb") as stored:
        report = import_deals(file=stored, source=job.params.get("source"))
    default_storage.delete(path)
    progress.advance(2, report.summary())
    return {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected_count,
        "first rejected rows": "; ".join(f"line {r.line}: {r.reason}" for r in report.rejected[:5]) or "none",
    }


def import_deals_later(*, upload, source, user):
    """Store the upload and import it in the background; returns the job to follow."""
    path = default_storage.save(f"imports/{uuid.uuid4().hex}.csv", upload)
    return job_start(kind="import_deals", params={"path": path, "source": source}, created_by=user)
