"""The asset page (what a rep reads before a call), the file download, marketer editing and
status changes (a new asset may answer a content request), and owners' due list."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import formats, timezone
from django.views.decorators.http import require_POST

from ..asset_filters import DueFilterSet
from ..asset_forms import MarkdownPreviewForm, asset_form_class
from ..asset_selectors import prefetch_taxonomy, related_assets, usage_figures
from ..assets import asset_create, asset_transition, asset_update, asset_verify, download_name, may_verify
from ..audit import audit_event
from ..filtering import FilterError
from ..form_fields import row_id
from ..markdown import render_markdown
from ..models import Asset, AssetKind, AssetStatus
from ..permissions import can, can_open_asset, require, visible_assets
from ..previews import preview_of
from ..requesting import readable_requests, request_create_asset
from ..semantic.display import embedding_context
from ..sharing import MAX_DAYS, deals_to_share_in, is_shareable
from ..uploads import extension_of
from .previews import asset_page_url

# The button a marketer presses for each target status.
TRANSITION_LABELS = {
    AssetStatus.IN_REVIEW: "Send to review",
    AssetStatus.PUBLISHED: "Publish",
    AssetStatus.ARCHIVED: "Archive",
    AssetStatus.DRAFT: "Back to draft",
}
PROOF_FIELDS = ("id", "kind", "title", "summary", "customer", "won_deal_count", "status")


def refusal_reason(asset: Asset) -> str:
    """Why a rep may not open this asset, in words they can act on."""
    if asset.status != AssetStatus.PUBLISHED:
        return "unpublished"
    if asset.is_expired():
        return "expired"
    return "unreleased"


def forbidden(request, asset):
    reason = refusal_reason(asset)
    # An unreleased asset does not exist as far as a rep is concerned: no title is shown.
    return render(request, "assets/forbidden.html", {"asset": asset, "reason": reason}, status=403)


@require("view_library")
def asset_detail(request, pk):
    return asset_page(request, pk)


def asset_page(request, pk, *, status=200, **extra):
    """The asset page; `extra` reaches the template (the "I used this" box re-rendered with its
    errors after a post without JavaScript, content.views.deals.asset_use)."""
    # Queries: the asset with its owner and verifier; the proof points the user may open; its stages,
    # personas, competitors and tags (one, prefetch_taxonomy); distinct reps and deals (one
    # aggregate); related (one).
    proof_points = visible_assets(request.user).only(*PROOF_FIELDS).order_by("title")
    proof = Prefetch("proof_points", queryset=proof_points)
    asset = get_object_or_404(
        Asset.objects.select_related("owner", "verified_by", "embedding").prefetch_related(proof).without_file_text(),
        pk=pk,
    )
    prefetch_taxonomy(asset)
    if not can_open_asset(request.user, asset):
        return forbidden(request, asset)
    today = timezone.localdate()
    transitions = []
    if can(request.user, "edit_assets"):
        transitions = [(s, TRANSITION_LABELS[s]) for s in AssetStatus.values if asset.can_transition_to(s)]
    return render(
        request,
        "assets/detail.html",
        {
            "asset": asset,
            "figures": usage_figures(asset),
            "related": related_assets(asset=asset, user=request.user),
            "is_stale": asset.is_stale(today),
            "is_expired": asset.is_expired(today),
            "transitions": transitions,
            "may_verify": asset.status == AssetStatus.PUBLISHED and may_verify(request.user, asset),
            "file_type": extension_of(asset.file.name).upper() if asset.file else "",
            "preview": preview_of(asset, asset_page_url(asset)),
            "share": _share_box(request.user, asset),
            **embedding_context(asset, user=request.user),
            **extra,
        },
        status=status,
    )


def _share_box(user, asset):
    """The "Send to a buyer" box: for those who may share, on an asset a buyer may see."""
    if not (can(user, "share_assets") and is_shareable(asset)):
        return None
    today = timezone.localdate()
    last_day = today + timedelta(days=MAX_DAYS - 1)
    return {"deals": deals_to_share_in(user), "min": today + timedelta(days=1), "max": last_day}


@require("view_library")
def asset_download(request, pk):
    asset = get_object_or_404(Asset.objects.without_file_text(), pk=pk)
    if not can_open_asset(request.user, asset):
        return forbidden(request, asset)
    if not asset.file:
        raise Http404("This asset has no file.")
    try:
        handle = asset.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing from storage.") from exc
    audit_event(actor=request.user, verb="asset.downloaded", obj=asset, request=request, file=download_name(asset))
    return FileResponse(handle, as_attachment=True, filename=download_name(asset))


def _save_form(form, service, **arguments):
    """Write the form's values through the asset service; its refusals go back onto the form
    (None then), beside the fields they name."""
    values = dict(form.cleaned_data)
    upload = values.pop("upload", None)
    try:
        return service(upload=upload, **arguments, **values)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):  # a refusal about no field (a closed request)
            form.add_error(None, error.messages)
            return None
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
        return None


def _request_to_answer(request):
    """The content request a new asset is written for (`?request=<id>`, from the request's page), or None."""
    pk = row_id(request.GET.get("request"))
    if pk is None:
        return None
    requests = readable_requests(request.user).select_related("stage", "persona", "competitor")
    return get_object_or_404(requests, pk=pk)


def _initial_for(answering, user, title="") -> dict:
    """The new asset's form, prefilled with what the request asks for, or with the title a link
    gives (`?title=`, from a search that found nothing)."""
    initial = {"owner": user}
    if title:
        initial["title"] = title
    if answering is not None:
        initial["title"] = answering.title
        for field, value in (
            ("stages", answering.stage_id),
            ("personas", answering.persona_id),
            ("competitors", answering.competitor_id),
        ):
            if value:
                initial[field] = [value]
    return initial


@require("edit_assets")
def asset_new(request):
    answering = _request_to_answer(request)
    if answering is not None and not answering.is_open:
        status = answering.get_status_display().lower()
        messages.error(request, f"Request #{answering.pk} is {status}: it needs no new asset.")
        return redirect(answering)
    kind = request.GET.get("kind", "") or (answering.kind if answering else "")
    title = request.GET.get("title", "").strip()[: Asset._meta.get_field("title").max_length]
    if kind not in AssetKind.values:
        context = {"kinds": AssetKind.choices, "answering": answering, "title": title}
        return render(request, "assets/choose_kind.html", context)
    form_class = asset_form_class(kind)
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, instance=Asset(kind=kind, owner=request.user))
        if answering is not None:
            service, arguments = request_create_asset, {"request": answering}
        else:
            service, arguments = asset_create, {}
        asset = form.is_valid() and _save_form(form, service, actor=request.user, kind=kind, **arguments)
        if asset:
            for_request = f" for request #{answering.pk}" if answering else ""
            messages.success(request, f"“{asset.title}” was created as a draft{for_request}.")
            return redirect(asset)
    else:
        form = form_class(initial=_initial_for(answering, request.user, title))
    context = {"form": form, "kind": kind, "kind_label": AssetKind(kind).label, "answering": answering}
    return render(request, "assets/form.html", context, status=400 if form.errors else 200)


@require("edit_assets")
def asset_edit(request, pk):
    asset = get_object_or_404(Asset.objects.select_related("owner"), pk=pk)
    form_class = asset_form_class(asset.kind)
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, instance=asset)
        saved = form.is_valid() and _save_form(form, asset_update, actor=request.user, asset=asset)
        if saved:
            asset = saved
            messages.success(request, "Your changes were saved.")
            return redirect(asset)
    else:
        form = form_class(instance=asset)
    return render(
        request,
        "assets/form.html",
        {
            "form": form,
            "asset": asset,
            "kind": asset.kind,
            "kind_label": asset.get_kind_display(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@require("edit_assets")
def asset_change_status(request, pk):
    asset = get_object_or_404(Asset, pk=pk)
    try:
        asset = asset_transition(asset=asset, to_status=request.POST.get("to", ""), actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{asset.title}” is now {asset.get_status_display().lower()}.")
    return redirect(asset)


@require_POST
@require("view_library")
def asset_mark_verified(request, pk):
    asset = get_object_or_404(Asset, pk=pk)
    try:
        asset = asset_verify(asset=asset, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Verified. Next review by {formats.date_format(asset.review_by)}.")
    target = request.POST.get("next", "")
    if target == "due":
        return redirect("assets-due")
    return redirect(asset)


@require("edit_assets")
def assets_due(request):
    filterset = DueFilterSet(request.GET)
    try:
        assets, everyone = filterset.due(request.user)
    except FilterError:
        assets, everyone = Asset.objects.none(), False
    page = Paginator(assets, 25).get_page(request.GET.get("page"))
    other = None if everyone or filterset.errors else filterset.form.cleaned_data["owner"]
    other = None if other == request.user else other  # someone else's list, by name
    context = {
        "page": page,
        "everyone": everyone,
        "other": other,
        "filterset": filterset,
        "today": timezone.localdate(),
    }
    return render(request, "assets/due.html", context, status=400 if filterset.errors else 200)


@require_POST
@require("edit_assets")
def markdown_preview(request):
    form = MarkdownPreviewForm(request.POST)
    body = form.cleaned_data["body"] if form.is_valid() else ""
    return render(request, "assets/_preview.html", {"html": render_markdown(body)})


@require("edit_assets")
def proof_point_search(request):
    q = (request.GET.get("proof_q") or "").strip()
    results = []
    if len(q) >= 2:
        results = list(
            Asset.objects.exclude(kind=AssetKind.OBJECTION)
            .exclude(status=AssetStatus.ARCHIVED)
            .filter(title__icontains=q)
            .only("id", "kind", "title")
            .order_by("title", "id")[:10]
        )
    return render(request, "assets/_proof_search.html", {"results": results, "q": q})


urlpatterns = [
    path("assets/new/", asset_new, name="asset-create"),
    path("assets/due/", assets_due, name="assets-due"),
    path("assets/preview/", markdown_preview, name="asset-preview"),
    path("assets/proof-points/", proof_point_search, name="asset-proof-search"),
    path("assets/<int:pk>/", asset_detail, name="asset-detail"),
    path("assets/<int:pk>/file/", asset_download, name="asset-download"),
    path("assets/<int:pk>/edit/", asset_edit, name="asset-edit"),
    path("assets/<int:pk>/status/", asset_change_status, name="asset-status"),
    path("assets/<int:pk>/verify/", asset_mark_verified, name="asset-verify"),
]
