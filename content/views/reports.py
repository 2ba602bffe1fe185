"""The shared dashboard: one page per report, each with filters, a chart, a sortable table and
a CSV download — all drawn from the same report functions as the API."""

from django.shortcuts import render
from django.urls import path

from ..permissions import require
from ..reports import DESCRIPTIONS, REPORTS, TITLES, ReportFilterError, ReportFilters, csv_response, run_report
from ..reports.filters import ReportFilterSet
from ..reports.headlines import headlines
from ..templatetags.reports import format_value


@require("view_reports")
def reports_index(request):
    reports = [{"name": name, "title": TITLES[name], "description": DESCRIPTIONS[name]} for name in REPORTS]
    return render(request, "reports/index.html", {"reports": reports})


# The index's "at a glance": which assets help win, and which reps do not use the library.
GLANCE = [("effectiveness", "Assets that help win most"), ("adoption", "Reps rarely using it")]


@require("view_reports")
def reports_glance(request):
    """The index's lead figures over the default period, loaded after the page (the reports behind
    them are cached until the data changes)."""
    filters = ReportFilters.default()
    picked = []
    for name, label in GLANCE:
        report = run_report(name, filters)
        headline = next(h for h in headlines(report) if h.label == label)
        picked.append({"name": name, "title": TITLES[name], "headline": headline})
    return render(request, "reports/_glance.html", {"glance": picked, "filters": filters})


def chart_table(chart: dict) -> list[dict]:
    """The chart's numbers as table rows, shown beside the chart."""
    datasets = chart.get("datasets", [])
    return [
        {"label": label, "values": [dataset["data"][i] for dataset in datasets]}
        for i, label in enumerate(chart.get("labels", []))
    ]


# Totals whose key alone would read ambiguously.
TOTAL_LABELS = {"logged": "Logged by reps", "links_sent": "Tracked links sent"}


def totals_for_display(totals: dict) -> list[tuple[str, str]]:
    def shown(key, value):
        if isinstance(value, float) and ("share" in key or "rate" in key):
            return format_value(value, "percent")
        return (
            "—"
            if value is None
            else format_value(value, "bool" if isinstance(value, bool) else "int" if isinstance(value, int) else "text")
        )

    def label(key):
        if key in TOTAL_LABELS:
            return TOTAL_LABELS[key]
        return key.replace("_", " ").capitalize().replace("Sla", "SLA").replace(" sla", " SLA")

    return [(label(key), shown(key, value)) for key, value in totals.items()]


def report_page(name):
    @require("view_reports")
    def view(request):
        filterset = ReportFilterSet(request.GET)
        context = {
            "name": name,
            "title": TITLES[name],
            "description": DESCRIPTIONS[name],
            "params": request.GET,
            "filter_form": filterset.form,  # rendered as the filter form (its options: 3 queries)
            "filters": ReportFilters.default(),
        }
        try:
            filters = ReportFilters.from_filterset(filterset)
            if request.GET.get("format") == "csv":
                return csv_response(run_report(name, filters.for_export()))
            report = run_report(name, filters)
        except ReportFilterError as error:
            context["errors"] = error.message_dict
            return render(request, "reports/report.html", context, status=400)
        context.update(
            report=report,
            filters=filters,
            headlines=headlines(report),
            chart_rows=chart_table(report.chart),
            totals=totals_for_display(report.totals),
            # the details stay open while the reader sorts or pages through them
            details_open=any(key in request.GET for key in ("sort", "dir", "page")),
        )
        template = "reports/_report.html" if request.htmx else "reports/report.html"
        return render(request, template, context)

    view.__name__ = f"report_{name}"
    return view


urlpatterns = [
    path("reports/", reports_index, name="reports"),
    path("reports/glance/", reports_glance, name="reports-glance"),
    *[path(f"reports/{name}/", report_page(name), name=f"report-{name}") for name in REPORTS],
]
