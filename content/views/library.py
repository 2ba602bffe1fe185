"""The rep's library: the assets a user may see, and one asset's page."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import path

from ..models import Asset
from ..permissions import can_open_asset, require, visible_assets


@require("view_library")
def library(request):
    assets = visible_assets(request.user).with_taxonomy().order_by("-published_at", "-id")
    page = Paginator(assets, 20).get_page(request.GET.get("page"))
    return render(request, "library/index.html", {"page": page})


@require("view_library")
def asset_detail(request, pk):
    asset = get_object_or_404(Asset.objects.with_taxonomy(), pk=pk)
    if not can_open_asset(request.user, asset):
        raise PermissionDenied
    return render(request, "library/asset_detail.html", {"asset": asset})


urlpatterns = [
    path("", library, name="library"),
    path("assets/<int:pk>/", asset_detail, name="asset-detail"),
]
