"""CSV export of a report, with stable column headers (the column keys) and formula-injection
escaping: a cell starting with =, +, -, @, tab or carriage return is prefixed with a single quote
so that a spreadsheet shows it as text instead of running it."""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):  # amounts per currency: "EUR 1200.00; USD 5000.00"
        return "; ".join(f"{currency} {amount}" for currency, amount in value.items())
    if isinstance(value, int | float | Decimal):
        # Numbers stay numbers: a negative lift is written -0.25, not '-0.25.
        return repr(round(value, 6)) if isinstance(value, float) else str(value)
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def report_csv(report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.key for column in report.columns])
    for row in report.rows:
        writer.writerow([safe_cell(row.get(column.key)) for column in report.columns])
    return buffer.getvalue()


def csv_response(report) -> HttpResponse:
    response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    name = f"{report.name}-{report.filters.start.isoformat()}-{report.filters.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
