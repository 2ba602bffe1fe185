"""GET /api/v1/reports/<name>/: the same report functions as the pages, as JSON or CSV.

Parameters: those of content.reports.filters.ReportFilterSet, shared with the pages (start, end,
kind, stage, persona, competitor, owner (username), source (logged or buyer), sort, dir, page, page_size),
and format=csv.
"""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..permissions import Can
from ..reports import DESCRIPTIONS, REPORTS, ReportFilterError, ReportFilters, report_csv, run_report
from ..reports.filters import ReportFilterSet
from .filtering import filterset_parameters
from .renderers import JSONRenderer


class CSVRenderer(renderers.BaseRenderer):
    """Writes a report's CSV (already produced by content.reports.csv), or an error as CSV."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data.encode(self.charset)
        lines = ["field,message"]
        for field, messages in (data or {}).items():
            for message in messages if isinstance(messages, list) else [messages]:
                lines.append(f'"{field}","{str(message).replace(chr(34), chr(39))}"')
        return ("\r\n".join(lines) + "\r\n").encode(self.charset)


def report_json(report) -> dict:
    def columns(items):
        return [{"key": c.key, "label": c.label, "type": c.type} for c in items]

    return {
        "report": report.name,
        "filters": report.filters.as_params(),
        "columns": columns(report.columns),
        "rows": report.rows,
        "totals": report.totals,
        "row_count": report.row_count,
        "page": report.filters.page,
        "page_count": report.page_count,
        "sort": report.sort,
        "dir": report.direction,
        "notes": report.notes,
        "chart": report.chart,
        "tables": [
            {"key": t.key, "title": t.title, "columns": columns(t.columns), "rows": t.rows, "note": t.note}
            for t in report.tables
        ],
    }


FILTER_PARAMETERS = [
    *filterset_parameters(ReportFilterSet),
    OpenApiParameter(
        "format", OpenApiTypes.STR, enum=["json", "csv"], description="csv returns every row as text/csv."
    ),
]


class ReportView(APIView):
    permission_classes = [IsAuthenticated, Can.to("view_reports")]
    renderer_classes = [JSONRenderer, CSVRenderer]
    report_name = ""

    def get(self, request):
        try:
            filters = ReportFilters.from_params(request.query_params)
            csv = request.accepted_renderer.format == "csv"
            report = run_report(self.report_name, filters.for_export() if csv else filters)
        except ReportFilterError as error:
            return Response(error.message_dict, status=status.HTTP_400_BAD_REQUEST)
        if csv:
            response = Response(report_csv(report))
            response["Content-Disposition"] = f'attachment; filename="{report.name}.csv"'
            return response
        return Response(report_json(report))


def report_view(name):
    def get(self, request):  # a function of its own, so that each report has its own schema
        return ReportView.get(self, request)

    view = type(f"{name.capitalize()}ReportView", (ReportView,), {"report_name": name})
    view.get = extend_schema(
        operation_id=f"reports_{name}",
        summary=DESCRIPTIONS[name],
        parameters=FILTER_PARAMETERS,
        responses={
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="The report as JSON."),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The report as CSV (format=csv)."),
            400: OpenApiResponse(description="A filter value cannot be used; the body says which and why."),
            403: OpenApiResponse(description="Only marketers and managers see reports."),
        },
        tags=["reports"],
    )(get)
    return view.as_view()


urlpatterns = [path(f"reports/{name}/", report_view(name), name=f"api-report-{name}") for name in REPORTS]
