"""Deal pages: the list, one deal with its usage timeline and "log what I used", the CSV import for
managers, the deal picker's options, and the "I used this" box of the asset page.

Both usage forms answer a refusal with the form again, each message beside its field and every
value kept: the whole page (400) without JavaScript, the form alone (400, which htmx swaps in) with
it; a success under htmx also sends the page's figures, swapped out of band."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..asset_selectors import usage_figures
from ..deal_filters import DealFilterSet
from ..deal_picker import picked_deal, suggested_deals
from ..form_fields import row_id
from ..importers import ImportFileError, import_deals, import_deals_later
from ..models import MANUAL_USAGE_ACTIONS, Asset, AssetKind, Deal, Usage, UsageAction, supports_deal
from ..permissions import can, can_open_asset, require, sees_all_deals, visible_assets, visible_deals
from ..sharing import deal_links, may_share_in, shareable_assets
from ..usage import log_usage, log_usages, report_new_objection
from .assets import asset_page

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


def form_errors(error: ValidationError, fields) -> dict[str, list[str]]:
    """A service's refusal as a form shows it: the messages of each of `fields` beside that field,
    the others (`other`) above the form."""
    errors: dict[str, list[str]] = {}
    named = error.message_dict.items() if hasattr(error, "error_dict") else [("other", error.messages)]
    for field, messages_ in named:
        errors.setdefault(field if field in fields else "other", []).extend(messages_)
    return errors


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


def _asset_choices(user, q: str, checked=()):
    """The assets the log form offers: the first matches of the search box, after the ticked ones a
    refused form keeps (one more query when some of those are not among the matches)."""
    assets = visible_assets(user).exclude(kind=AssetKind.OBJECTION).only("id", "title", "kind")
    q = (q or "").strip()
    matching = assets.filter(Q(title__icontains=q) | Q(summary__icontains=q)) if q else assets
    choices = list(matching.order_by("title", "id")[:ASSET_CHOICES])
    ticked = {row_id(value) for value in checked} - {None}
    missing = ticked - {asset.pk for asset in choices}
    if missing:
        choices = list(assets.filter(pk__in=missing).order_by("title", "id")) + choices
    for asset in choices:
        asset.checked = asset.pk in ticked
    return choices


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


def _usage_context(request, deal) -> dict:
    """What the deal page shows of the deal's usage: the assets used and the timeline."""
    timeline = (
        Usage.objects.filter(deal=deal)
        .select_related("asset", "user", "stage")
        .annotate(openable=_openable(request.user))
        .order_by("-used_at", "-id")
    )
    before, after_only = _used_assets(deal, request.user)
    return {
        "deal": deal,
        "timeline": Paginator(timeline, 50).get_page(request.GET.get("page")),
        "used_before": before,
        "used_after_only": after_only,
    }


def _log_form_context(request, *, values=None, errors=None, success="") -> dict:
    """The "log what I used" form: fresh, or refused with its values and errors."""
    values = values or {}
    q = request.GET.get("asset_q", "")
    return {
        "asset_choices": _asset_choices(request.user, q, values.get("assets", ())),
        "asset_q": q,
        "actions": LOGGABLE_ACTIONS,
        "log_form": values,
        "log_errors": errors or {},
        "log_success": success,
    }


def _deal_page(request, deal, *, log_values=None, log_errors=None, objection_errors=(), status=200):
    may_log = can(request.user, "log_usage")  # on any deal the user may open
    return render(
        request,
        "deals/detail.html",
        {
            **_usage_context(request, deal),
            "may_log": may_log,
            **(_log_form_context(request, values=log_values, errors=log_errors) if may_log else {}),
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


LOG_FIELDS = ("assets", "action", "helpful", "note")


@require("log_usage")
@require_POST
def deal_log_usage(request, crm_id):
    deal = _deal_for(request, crm_id)
    values = {name: request.POST.get(name, "") for name in LOG_FIELDS}
    values["assets"] = request.POST.getlist("assets")
    try:
        usages = log_usages(
            user=request.user,
            assets=values["assets"],
            deal=deal,
            action=values["action"],
            helpful=values["helpful"] or None,
            note=values["note"],
        )
    except ValidationError as error:
        errors = form_errors(error, LOG_FIELDS)
        if request.htmx:
            context = {"deal": deal, **_log_form_context(request, values=values, errors=errors)}
            return render(request, "deals/_log_form.html", context, status=400)
        return _deal_page(request, deal, log_values=values, log_errors=errors, status=400)
    success = f"Logged {len(usages)} asset{'s' if len(usages) != 1 else ''} in {deal.name}."
    if not request.htmx:
        messages.success(request, success)
        return redirect(deal)
    # The form again, fresh, and the deal's used assets and timeline in their places (out of band).
    context = {**_usage_context(request, deal), **_log_form_context(request, success=success)}
    return render(request, "deals/_logged.html", context)


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
    """htmx: up to 10 of the user's open deals matching what was typed, as <option>s of the deal
    picker, each named by its name and account (content.deal_picker). Under htmx the picker sends
    its own field: `deal_name` in the usage forms, `deal` in the request forms."""
    typed = request.GET.get("q") or request.GET.get("deal_name") or request.GET.get("deal", "")
    return render(request, "deals/_deal_options.html", {"deals": suggested_deals(request.user, typed)})


STORED_FIGURES = ["usage_count", "won_deal_count", "influenced_revenue", "influenced_revenue_by_currency"]
BOX_FIELDS = ("deal_name", "deal_id", "action", "helpful", "note")
# The fields a refusal names (the picker's errors are on `deal`, shown beside the deal name).
BOX_ERRORS = ("deal", "action", "helpful", "note")


@require("log_usage")
@require_http_methods(["GET", "POST"])
def asset_use(request, pk):
    """The "I used this" box: GET renders it, POST logs the use (htmx swaps the box in place)."""
    asset = get_object_or_404(Asset.objects.without_file_text(), pk=pk)
    if not can_open_asset(request.user, asset):
        raise Http404
    if request.method == "GET":
        return render(request, "usage/_used_this.html", {"asset": asset})
    values = {name: request.POST.get(name, "") for name in BOX_FIELDS}
    try:
        deal = picked_deal(user=request.user, label=values["deal_name"], deal_id=values["deal_id"])
        usage = log_usage(
            user=request.user,
            asset=asset,
            deal=deal,
            action=values["action"],
            helpful=values["helpful"] or None,
            note=values["note"],
        )
    except ValidationError as error:
        errors = form_errors(error, BOX_ERRORS)
        if request.htmx:
            context = {"asset": asset, "use_form": values, "use_errors": errors}
            return render(request, "usage/_used_this.html", context, status=400)
        return asset_page(request, pk, status=400, use_form=values, use_errors=errors)
    what = "heard this objection" if usage.action == UsageAction.HEARD else usage.action
    success = f"Logged: {what} in {usage.deal.name}"
    if not request.htmx:
        messages.success(request, success)
        return redirect(asset)
    # The stored figures were refreshed when the use committed (content.usage): read them again.
    asset.refresh_from_db(fields=STORED_FIGURES)
    context = {"asset": asset, "use_success": success, "figures": usage_figures(asset)}
    return render(request, "usage/_logged.html", context)


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
