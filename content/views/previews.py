"""Page images of a file's preview (content/previews.py) for the asset page: signed in, under the
asset's visibility rule. The buyer's page serves the same images through its link, with
`image_response` (content/views/sharing.py)."""

from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from ..models import Asset
from ..permissions import can_open_asset, require
from ..previews import PreviewUnavailable, page_image

# The address names the file's hash, so an image at one address never changes; it is still private
# (behind a sign-in), and kept a day rather than forever so that an unpublished asset fades out.
SIGNED_IN_CACHE = "private, max-age=86400"
# What serving a page image reads of the asset: its visibility, its file and the file's facts.
IMAGE_FIELDS = ("id", "title", "kind", "status", "published_at", "expires_on", "file", "file_preview")


def image_response(request, asset, *, version: str, page: int, width: int, cache_control: str) -> HttpResponse:
    """The PNG of one page (drawn now if nobody asked for it before), 304 when the browser has it,
    404 with the reason when the preview has no such page or it could not be drawn."""
    try:
        name, _ = page_image(asset, version=version, page=page, width=width)
    except PreviewUnavailable as why:
        return HttpResponse(str(why), status=404, content_type="text/plain; charset=utf-8")
    etag = f'"{version}-{page}-{width}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        try:
            response = FileResponse(asset.file.storage.open(name, "rb"), content_type="image/png")
        except FileNotFoundError as missing:
            raise Http404("The page image is missing.") from missing
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response


def asset_page_url(asset):
    """`page_url` for content.previews.preview_of on the asset page."""
    return lambda version, page, width: reverse("asset-page-image", args=[asset.pk, version, page, width])


@require("view_library")
@require_http_methods(["GET", "HEAD"])
def asset_page_image(request, pk, version, page, width):
    asset = get_object_or_404(Asset.objects.only(*IMAGE_FIELDS), pk=pk)
    if not can_open_asset(request.user, asset):
        raise Http404("No such asset.")  # a rep may not tell a draft from a missing asset by its pages
    return image_response(request, asset, version=version, page=page, width=width, cache_control=SIGNED_IN_CACHE)


urlpatterns = [
    path("assets/<int:pk>/pages/<slug:version>/<int:page>-<int:width>.png", asset_page_image, name="asset-page-image"),
]
