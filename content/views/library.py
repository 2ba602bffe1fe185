"""The rep's library: search as you type with facets, one asset's page, and search analytics."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from ..form_fields import row_id
from ..models import AssetKind, AssetStatus
from ..permissions import can, require, visible_assets
from ..search import facet_counts, record_search, run_search
from ..search.analytics import low_click_searches, record_click, zero_result_searches
from ..search.filters import search_params_from
from ..search.paging import COUNT_CAP, CappedPaginator
from ..semantic.fusion import attach_passages

PAGE_SIZE = 20
ANALYTICS_PERIODS = (7, 30, 90)


@require("view_library")
@require_GET
def library(request):
    params, filterset = search_params_from(request.GET)
    result = run_search(user=request.user, params=params)
    assets = result.assets.select_related("owner", "verified_by").prefetch_related("stages", "personas", "competitors")
    cap = COUNT_CAP if params.q.strip() else None
    paginator = CappedPaginator(assets, PAGE_SIZE, cap=cap, known_count=result.match_count)
    page = paginator.get_page(request.GET.get("page"))
    attach_passages(page, result)  # each result's best-matching passage, when semantic search took part
    log = None
    if params.is_search() and page.number == 1:
        log = record_search(user=request.user, params=params, result_count=page.paginator.count)
    context = {
        "page": page,
        "params": params,
        "result": result,
        "facets": facet_counts(result, user=request.user),
        "form": filterset.form,
        "filter_errors": filterset.errors,
        "search_log": log or _log_from(request),
        "request_link": _request_link(params),
        "kinds": AssetKind.choices,
        "statuses": AssetStatus.choices,
        "can_see_unpublished": can(request.user, "view_unpublished_assets"),
    }
    if request.htmx and request.htmx.target == "library-results":
        return render(request, "library/_results.html", context)
    return render(request, "library/index.html", context)


def _log_from(request):
    """Later pages of the same search keep attributing clicks to the search that showed them."""
    value = request.GET.get("log", "")
    pk = row_id(value)
    return {"pk": pk} if pk else None


def _request_link(params):
    """The content request form, pre-filled with what the rep was looking for."""
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query["title"] = params.q
    for name in ("kind", "stage", "persona", "competitor"):
        if getattr(params, name):
            query[name] = getattr(params, name)
    return reverse("request-new") + "?" + query.urlencode()


@require("view_library")
@require_GET
def search_click(request, log_id, asset_id):
    """A click from a result list: attribute it to the search, then open the asset."""
    asset = get_object_or_404(visible_assets(request.user).only("pk"), pk=asset_id)
    record_click(log_id=log_id, user=request.user, asset_id=asset.pk)
    return redirect("asset-detail", pk=asset.pk)


@require("view_search_analytics")
@require_GET
def search_analytics(request):
    days = request.GET.get("days", "30")
    days = int(days) if days.isdigit() and int(days) in ANALYTICS_PERIODS else 30
    zero = Paginator(zero_result_searches(days=days), PAGE_SIZE).get_page(request.GET.get("zero_page"))
    low = Paginator(low_click_searches(days=days), PAGE_SIZE).get_page(request.GET.get("low_page"))
    return render(
        request,
        "library/search_analytics.html",
        {"days": days, "periods": ANALYTICS_PERIODS, "zero": zero, "low": low},
    )


urlpatterns = [
    path("", library, name="library"),
    path("search/click/<int:log_id>/<int:asset_id>/", search_click, name="search-click"),
    path("library/searches/", search_analytics, name="search-analytics"),
]
