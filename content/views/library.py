"""The rep's library: the assets a user may see."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path

from ..permissions import require, visible_assets


@require("view_library")
def library(request):
    assets = visible_assets(request.user).with_taxonomy().order_by("-published_at", "-id")
    page = Paginator(assets, 20).get_page(request.GET.get("page"))
    return render(request, "library/index.html", {"page": page})


urlpatterns = [
    path("", library, name="library"),
]
