"""The managers' audit log page: every change and security event, newest first, filtered by who,
what, which object and when (content.audit.filters, shared with GET /api/v1/audit/), and the
filtered list as CSV (`?format=csv`, streamed, at most content.audit.reading.EXPORT_LIMIT rows)."""

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..audit.filters import AuditFilterSet
from ..audit.reading import EXPORT_LIMIT, AuditPaginator, audit_events, csv_rows, described
from ..permissions import require

PER_PAGE = 50


@require("view_audit")
@require_GET
def audit_log(request):
    filterset = AuditFilterSet(request.GET, queryset=audit_events())
    filter_errors = {} if filterset.is_valid() else filterset.errors
    events = audit_events().none() if filter_errors else filterset.qs
    if request.GET.get("format") == "csv" and not filter_errors:
        return _csv(events)
    page = AuditPaginator(events, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "events": [described(entry) for entry in page],
        "filterset": filterset,
        "filter_errors": filter_errors,
        "export_limit": EXPORT_LIMIT,
    }
    return render(request, "audit/list.html", context, status=400 if filter_errors else 200)


def _csv(events):
    response = StreamingHttpResponse(csv_rows(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate().isoformat()}.csv"'
    return response


urlpatterns = [path("audit/", audit_log, name="audit")]
