"""Deal pages: the list, one deal with its usage timeline and "log what I used", the CSV import for
managers, the open-deal autocomplete, and the "I used this" box of the asset page."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..deal_filters import DealFilterSet
from ..deals import search_deals
from ..importers import ImportFileError, import_deals, import_deals_later
from ..models import MANUAL_USAGE_ACTIONS, Asset, AssetKind, Deal, Usage, UsageAction, supports_deal
from ..permissions import can, can_open_asset, require, sees_all_deals, visible_assets, visible_deals
from ..sharing import deal_links, may_share_in, shareable_assets
from ..usage import log_usage, log_usages, report_new_objection

CRM_ID = r"(?P<crm_id>[A-Za-z0-9._\-]+)"
ASSET_CHOICES = 20
USED_ASSETS_SHOWN = 100
LOGGABLE_ACTIONS = [
    (value, label)
    for value, label in UsageAction.choices
    if value in MANUAL_USAGE_ACTIONS and value != UsageAction.HEARD
]


def _errors_of(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages_ in error.message_dict.values() for message in messages_]
    return list(error.messages)


@require("view_deals")
def deal_list(request):
    filterset = DealFilterSet(request.GET, queryset=visible_deals(request.user).select_related("owner"))
    filter_errors = {} if filterset.is_valid() else filterset.errors
    deals = Deal.objects.none() if filter_errors else filterset.qs.order_by("-updated_at", "-id")
    page = Paginator(deals, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "deals/list.html",
        {
            "page": page,
            "filterset": filterset,
            "sees_all": sees_all_deals(request.user),
            "filter_errors": filter_errors,
        },
        status=400 if filter_errors else 200,
    )


def _deal_for(request, crm_id) -> Deal:
    queryset = visible_deals(request.user, Deal.objects.select_related("owner", "funnel_stage"))
    return get_object_or_404(queryset, crm_id=crm_id)


def _asset_choices(user, q: str):
    assets = visible_assets(user).exclude(kind=AssetKind.OBJECTION).only("id", "title", "kind")
    q = (q or "").strip()
    if q:
        assets = assets.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    return list(assets.order_by("title", "id")[:ASSET_CHOICES])


def _openable(user):
    """Whether the user may open a use's asset: someone else may have logged a draft in this deal."""
    return Exists(visible_assets(user).filter(pk=OuterRef("asset_id")))


def _used_assets(deal, user):
    """Per asset used in the deal: uses that support it (on or before the close) and uses after."""
    usages = Usage.objects.filter(deal=deal)
    if deal.close_date:
        before = Count("id", filter=supports_deal(deal.close_date))
        after = Count("id", filter=~supports_deal(deal.close_date))
    else:
        before, after = Count("id"), Count("id", filter=Q(pk__isnull=True))
    rows = (
        usages.values("asset_id", "asset__title", "asset__kind")
        .annotate(before=before, after=after, last_used=Max("used_at"), openable=_openable(user))
        .order_by("-before", "asset__title")[:USED_ASSETS_SHOWN]
    )
    kinds = dict(AssetKind.choices)
    used = [{**row, "kind_label": kinds.get(row["asset__kind"], row["asset__kind"])} for row in rows]
    return [row for row in used if row["before"]], [row for row in used if row["after"] and not row["before"]]


def _deal_page(request, deal, *, log_errors=(), objection_errors=(), status=200):
    timeline = (
        Usage.objects.filter(deal=deal)
        .select_related("asset", "user", "stage")
        .annotate(openable=_openable(request.user))
        .order_by("-used_at", "-id")
    )
    before, after_only = _used_assets(deal, request.user)
    may_log = can(request.user, "log_usage")  # on any deal the user may open
    q = request.GET.get("asset_q", "")
    return render(
        request,
        "deals/detail.html",
        {
            "deal": deal,
            "timeline": Paginator(timeline, 50).get_page(request.GET.get("page")),
            "used_before": before,
            "used_after_only": after_only,
            "may_log": may_log,
            "asset_choices": _asset_choices(request.user, q) if may_log else [],
            "asset_q": q,
            "actions": LOGGABLE_ACTIONS,
            "log_errors": log_errors,
            "objection_errors": objection_errors,
            "form": request.POST if request.method == "POST" else {},
            "may_share": may_share_in(request.user, deal),
            "share_links": deal_links(request.user, deal),
            "share_choices": shareable_assets(request.user) if may_share_in(request.user, deal) else [],
        },
        status=status,
    )


@require("view_deals")
def deal_detail(request, crm_id):
    return _deal_page(request, _deal_for(request, crm_id))


@require("log_usage")
@require_GET
def deal_asset_options(request, crm_id):
    """htmx: the checkbox list of assets matching the search box of "log what I used"."""
    _deal_for(request, crm_id)
    return render(
        request,
        "deals/_asset_options.html",
        {"asset_choices": _asset_choices(request.user, request.GET.get("asset_q", ""))},
    )


@require("log_usage")
@require_POST
def deal_log_usage(request, crm_id):
    deal = _deal_for(request, crm_id)
    asset_ids = request.POST.getlist("assets")
    try:
        usages = log_usages(
            user=request.user,
            assets=asset_ids,
            deal=deal,
            action=request.POST.get("action", ""),
            helpful=request.POST.get("helpful") or None,
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        return _deal_page(request, deal, log_errors=_errors_of(error), status=400)
    messages.success(request, f"Logged {len(usages)} asset{'s' if len(usages) != 1 else ''} in {deal.name}.")
    return redirect(deal)


@require("submit_request")
@require_POST
def deal_new_objection(request, crm_id):
    deal = _deal_for(request, crm_id)
    try:
        report_new_objection(
            user=request.user,
            deal=deal,
            objection=request.POST.get("objection", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        return _deal_page(request, deal, objection_errors=_errors_of(error), status=400)
    messages.success(request, "Thanks: marketing has a content request for an answer to this objection.")
    return redirect(deal)


@require("import_deals")
@require_http_methods(["GET", "POST"])
def deal_import(request):
    report, error = None, None
    if request.method == "POST":
        upload = request.FILES.get("file")
        source = request.POST.get("source") or None
        if upload is None:
            error = "Choose a CSV file to import."
        elif source not in (None, "salesforce", "hubspot", "generic"):
            error = "Unknown source."
        elif upload.size > settings.DEAL_IMPORT_BACKGROUND_BYTES and not request.POST.get("dry_run"):
            job = import_deals_later(upload=upload, source=source, user=request.user)
            return redirect(job.get_absolute_url())
        else:
            try:
                report = import_deals(file=upload, source=source, dry_run=bool(request.POST.get("dry_run")))
            except ImportFileError as problem:
                error = str(problem)
    return render(request, "deals/import.html", {"report": report, "error": error}, status=400 if error else 200)


@require("log_usage")
@require_GET
def deal_autocomplete(request):
    """htmx: up to 10 of the user's open deals matching `q`, as <option>s for the deal picker."""
    q = request.GET.get("q") or request.GET.get("deal", "")  # the picker's own field name, under htmx
    deals = search_deals(Deal.objects.open().owned_by(request.user), q)
    deals = deals.only("crm_id", "name", "account").order_by("-updated_at", "-id")[:10]
    return render(request, "deals/_deal_options.html", {"deals": deals})


def _used_this_box(request, asset, *, errors=(), success="", status=200):
    return render(
        request,
        "usage/_used_this.html",
        {"asset": asset, "errors": errors, "success": success, "form": request.POST if errors else {}},
        status=status,
    )


@require("log_usage")
@require_http_methods(["GET", "POST"])
def asset_use(request, pk):
    """The "I used this" box: GET renders it, POST logs the use (htmx swaps the box in place)."""
    asset = get_object_or_404(Asset, pk=pk)
    if not can_open_asset(request.user, asset):
        raise Http404
    if request.method == "GET":
        return _used_this_box(request, asset)
    deal_ref = request.POST.get("deal", "").strip()
    try:
        usage = log_usage(
            user=request.user,
            asset=asset,
            deal=deal_ref,
            action=request.POST.get("action", ""),
            helpful=request.POST.get("helpful") or None,
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        if not request.htmx:
            for message in _errors_of(error):
                messages.error(request, message)
            return redirect(asset)
        return _used_this_box(request, asset, errors=_errors_of(error), status=400)
    what = "heard this objection" if usage.action == UsageAction.HEARD else usage.action
    success = f"Logged: {what} in {usage.deal.name}"
    if not request.htmx:
        messages.success(request, success)
        return redirect(asset)
    return _used_this_box(request, asset, success=success)


urlpatterns = [
    path("deals/", deal_list, name="deal-list"),
    path("deals/import/", deal_import, name="deal-import"),
    path("deals/autocomplete/", deal_autocomplete, name="deal-autocomplete"),
    re_path(rf"^deals/{CRM_ID}/$", deal_detail, name="deal-detail"),
    re_path(rf"^deals/{CRM_ID}/assets/$", deal_asset_options, name="deal-asset-options"),
    re_path(rf"^deals/{CRM_ID}/log/$", deal_log_usage, name="deal-log-usage"),
    re_path(rf"^deals/{CRM_ID}/objection/$", deal_new_objection, name="deal-new-objection"),
    path("assets/<int:pk>/use/", asset_use, name="asset-use"),
]
