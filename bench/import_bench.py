"""Deal import at scale: writes a 100,000-row Salesforce Opportunity CSV, then times the first import
the re-import (which must find every row unchanged), then a file where every amount changed.

    DATABASE_URL=... python bench/import_bench.py [ROWS]

It runs against the database of DATABASE_URL (migrated first) and deletes the deals it created.
"""

import csv
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enablement.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from content.importers import import_deals  # noqa: E402
from content.models import Deal  # noqa: E402

STAGES = [
    ("Prospecting", "0", "0"),
    ("Qualification", "0", "0"),
    ("Proposal/Price Quote", "0", "0"),
    ("Negotiation/Review", "0", "0"),
    ("Closed Won", "1", "1"),
    ("Closed Lost", "0", "1"),
]


def write_csv(path: Path, rows: int, extra: int = 0) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "Opportunity Owner",
                "Account Name",
                "Opportunity Name",
                "Stage",
                "Amount",
                "Close Date",
                "Opportunity ID",
                "Won",
                "Closed",
            ]
        )
        for i in range(rows):
            stage, won, closed = STAGES[i % len(STAGES)]
            writer.writerow(
                [
                    f"Owner {i % 300}",
                    f"Account {i % 5000}",
                    f"Account {i % 5000} - deal {i}",
                    stage,
                    f"${(i % 997) * 125 + extra:,}.00",
                    f"{i % 12 + 1}/{i % 28 + 1}/2026",
                    f"BENCH{i:012d}",
                    won,
                    closed,
                ]
            )


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    call_command("migrate", verbosity=0)
    Deal.objects.filter(crm_id__startswith="BENCH").delete()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "opportunities.csv"
        write_csv(path, rows)
        started = time.perf_counter()
        first = import_deals(file=path)
        first_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = import_deals(file=path)
        again_seconds = time.perf_counter() - started
        write_csv(path, rows, extra=1)  # every amount moved by one: every deal updated
        started = time.perf_counter()
        changed = import_deals(file=path)
        changed_seconds = time.perf_counter() - started
    Deal.objects.filter(crm_id__startswith="BENCH").delete()
    print(f"{connection.vendor}, {rows:,} rows")
    print(f"first import: {first_seconds:.1f} s ({first.summary()})")
    print(f"re-import:    {again_seconds:.1f} s ({again.summary()})")
    print(f"all changed:  {changed_seconds:.1f} s ({changed.summary()})")


if __name__ == "__main__":
    main()
