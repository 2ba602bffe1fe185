"""Manager reports, computed once for the pages, the CSV export and the API.

Each report is a function `(ReportFilters) -> Report` that runs a constant number of SQL
aggregate queries whatever the data size. `REPORTS` lists them in the order the index shows.
"""

import dataclasses

from django.utils import timezone

from ..caching import cached
from .adoption import adoption_report
from .base import TITLES, Column, Report, Table
from .csv import csv_response, report_csv, safe_cell
from .effectiveness import effectiveness_report
from .filters import ReportFilterError, ReportFilters
from .freshness import freshness_report
from .gaps import gaps_report
from .objections import objections_report
from .requests import requests_report
from .stats import lift, wilson_interval
from .usage import usage_report

REPORTS = {
    "usage": usage_report,
    "effectiveness": effectiveness_report,
    "adoption": adoption_report,
    "gaps": gaps_report,
    "requests": requests_report,
    "freshness": freshness_report,
    "objections": objections_report,
}

DESCRIPTIONS = {
    "usage": "Which assets reps use and buyers view, how widely and when: per asset, per week, by kind, stage and "
    "persona.",
    "effectiveness": "Which assets support closed deals (logged by reps or viewed by buyers), against the baseline "
    "win rate, with 95% intervals; shelfware.",
    "adoption": "Per rep: deals worked, deals backed by logged content, uses, tracked links sent and requests "
    "submitted.",
    "gaps": "Published assets per funnel stage and persona beside the demand: where to create next.",
    "requests": "The request backlog by status and age, time to triage and deliver, the SLA by assignee.",
    "freshness": "The share of published assets verified in time against the target; the overdue ones reps use.",
    "objections": "The objections heard most, by stage and competitor, with their entries' effectiveness.",
}


def run_report(name: str, filters: ReportFilters) -> Report:
    """The report, from the cache when nothing changed since it was computed (see content.caching:
    any change of usage, deals, assets or requests invalidates every cached report at once)."""
    return cached(f"report:{name}", _cache_params(filters), lambda: REPORTS[name](filters))


def _cache_params(filters: ReportFilters) -> dict:
    params = {}
    for field in dataclasses.fields(filters):
        value = getattr(filters, field.name)
        params[field.name] = getattr(value, "pk", value)  # model instances by primary key
    params["today"] = timezone.localdate()  # freshness and ages move with the date
    return params


__all__ = [
    "TITLES",
    "DESCRIPTIONS",
    "REPORTS",
    "Column",
    "Report",
    "ReportFilterError",
    "ReportFilters",
    "Table",
    "csv_response",
    "lift",
    "report_csv",
    "run_report",
    "safe_cell",
    "wilson_interval",
]
