"""Tracked share links on the pages: the buyer's page (no account), its files, the page images of
their previews and its beacon; and creating and revoking a link from a deal page, an asset page or
deal prep. The rules live in content/sharing.py."""

import datetime
import re
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from ..assets import download_name
from ..form_fields import row_id
from ..markdown import render_markdown
from ..models import ShareLink
from ..models.sharing import ShareViewKind
from ..permissions import require, visible_deals
from ..previews import has_preview, preview_of
from ..sharing import (
    link_assets,
    record_seconds,
    record_views,
    share_link_create,
    share_link_revoke,
    visible_share_links,
)
from .navigation import safe_next
from .previews import image_response

TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
VISITOR_COOKIE = "buyer"
VISITOR = re.compile(r"^[0-9a-f]{32}$")
# The buyer's page loads only its own stylesheet, script and page images, and may be framed by nobody.
BUYER_CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
FILE_CSP = "default-src 'none'; object-src 'self'; plugin-types application/pdf; frame-ancestors 'self'"
IMAGE_CSP = "default-src 'none'; frame-ancestors 'none'"
INLINE_TYPES = {".pdf": "application/pdf"}
# A page image at one address never changes (it names the file's hash); a buyer's browser keeps it a
# few minutes, so that scrolling back does not ask again, and a withdrawn link is soon dark.
BUYER_IMAGE_CACHE = "private, max-age=300"


def _private(response, *, csp=BUYER_CSP, cache="private, no-store"):
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = cache
    response["Content-Security-Policy"] = csp
    return response


def _link_or_answer(request, token, *, rate="page"):
    """The live link for `token`, or the page to answer instead: 404 unknown (tampered, truncated),
    410 revoked or expired, 429 past the link's rate."""
    link = None
    if TOKEN.match(token or ""):
        link = ShareLink.objects.select_related("deal", "created_by").filter(token=token).first()
    if link is None:
        return None, _private(render(request, "sharing/not_found.html", status=404))
    if not link.is_live():
        reason = "withdrawn by the sender" if link.revoked_at else "past its expiry date"
        context = {"reason": reason, "sender": link.created_by}
        return None, _private(render(request, "sharing/gone.html", context, status=410))
    if _over_rate(link, rate):
        return None, _private(render(request, "sharing/busy.html", status=429))
    return link, None


def _over_rate(link, rate="page") -> bool:
    """At most SHARE_LINK_RATE_PER_MINUTE requests per link and minute (page images: their own
    SHARE_LINK_PAGE_IMAGE_RATE_PER_MINUTE, a document has dozens), counted in the default cache
    (Redis, shared by every worker, when REDIS_URL is set; otherwise each worker counts its own)."""
    limit = settings.SHARE_LINK_PAGE_IMAGE_RATE_PER_MINUTE if rate == "images" else settings.SHARE_LINK_RATE_PER_MINUTE
    key = f"share-rate:{rate}:{link.pk}:{int(timezone.now().timestamp() // 60)}"
    shared = caches["default"]
    if shared.add(key, 1, 120):
        return False
    try:
        return shared.incr(key) > limit
    except ValueError:  # expired between add and incr
        shared.add(key, 1, 120)
        return False


def _visitor(request) -> tuple[str, bool]:
    value = request.COOKIES.get(VISITOR_COOKIE, "")
    if VISITOR.match(value):
        return value, False
    return secrets.token_hex(16), True


def _remember(response, visitor: str, request):
    response.set_cookie(
        VISITOR_COOKIE,
        visitor,
        max_age=365 * 24 * 3600,
        path="/s/",
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


@require_http_methods(["GET", "HEAD"])
def buyer_page(request, token):
    link, answer = _link_or_answer(request, token)
    if answer is not None:
        return answer
    assets = link_assets(link)
    shown = [asset for asset in assets if asset.is_released()]
    visitor, new_visitor = _visitor(request)
    record_views(request=request, link=link, assets=shown, visitor=visitor)
    items = [
        {
            "asset": asset,
            "body": render_markdown(asset.body),
            "file_url": reverse("buyer-file", args=[link.token, asset.pk]) if asset.file else "",
            "preview": preview_of(asset, _buyer_page_url(link, asset)) if has_preview(asset) else None,
        }
        for asset in shown
    ]
    response = render(
        request,
        "sharing/buyer.html",
        {
            "link": link,
            "sender": link.created_by,
            "items": items,
            "withdrawn": len(assets) - len(shown),
            "beacon_url": reverse("buyer-beacon", args=[link.token]),
        },
    )
    if new_visitor:
        _remember(response, visitor, request)
    return _private(response)


@require_http_methods(["GET", "HEAD"])
def buyer_file(request, token, asset_id):
    link, answer = _link_or_answer(request, token)
    if answer is not None:
        return answer
    item = link.items.select_related("asset").filter(asset_id=asset_id).first()
    if item is None or not item.asset.is_released() or not item.asset.file:
        return _private(render(request, "sharing/not_found.html", status=404))
    asset = item.asset
    download = request.GET.get("download") == "1"
    if download:
        visitor, _ = _visitor(request)
        record_views(request=request, link=link, assets=[asset], kind=ShareViewKind.DOWNLOAD, visitor=visitor)
    try:
        handle = asset.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing.") from exc
    extension = "." + asset.file.name.rsplit(".", 1)[-1].lower() if "." in asset.file.name else ""
    inline = not download and extension in INLINE_TYPES
    response = FileResponse(handle, as_attachment=not inline, filename=download_name(asset))
    if inline:
        response["Content-Type"] = INLINE_TYPES[extension]
        response["X-Frame-Options"] = "SAMEORIGIN"
    return _private(response, csp=FILE_CSP)


def _buyer_page_url(link, asset):
    """`page_url` for content.previews.preview_of: the link's own addresses for its page images."""
    return lambda version, page, width: reverse("buyer-page-image", args=[link.token, asset.pk, version, page, width])


@require_http_methods(["GET", "HEAD"])
def buyer_page_image(request, token, asset_id, version, page, width):
    """A page image of a file of the link (no view is recorded: the page itself counted)."""
    link, answer = _link_or_answer(request, token, rate="images")
    if answer is not None:
        return answer
    item = link.items.select_related("asset").filter(asset_id=asset_id).first()
    if item is None or not item.asset.is_released() or not item.asset.file:
        return _private(render(request, "sharing/not_found.html", status=404))
    response = image_response(
        request, item.asset, version=version, page=page, width=width, cache_control=BUYER_IMAGE_CACHE
    )
    # a page the preview does not have is a 404 with no caching header of its own
    return _private(response, csp=IMAGE_CSP, cache=response.get("Cache-Control", "private, no-store"))


@csrf_exempt  # sent by the buyer's browser without a session; it can only raise a view's duration
@require_POST
def buyer_beacon(request, token):
    link = ShareLink.objects.filter(token=token).first() if TOKEN.match(token or "") else None
    visitor = request.COOKIES.get(VISITOR_COOKIE, "")
    if link is None or not link.is_live() or not VISITOR.match(visitor):
        return HttpResponse(status=204)
    try:
        record_seconds(link=link, visitor=visitor, seconds=request.POST.get("seconds", ""))
    except ValidationError:
        return HttpResponse(status=400)
    return HttpResponse(status=204)


@require("share_assets")
@require_POST
def share_create(request):
    fallback = reverse("library")
    try:
        link = share_link_create(
            user=request.user,
            assets=request.POST.getlist("assets"),
            deal=_posted_deal(request),
            note=request.POST.get("note", ""),
            expires_at=_expiry(request.POST.get("expires_on", "")),
        )
    except ValidationError as error:
        for messages_ in error.message_dict.values():
            for message in messages_:
                messages.error(request, message)
        return redirect(safe_next(request, fallback))
    # includes/messages.html shows a message tagged "share-link" as the address with a copy button.
    messages.success(request, link.public_url, extra_tags="share-link")
    return redirect(safe_next(request, link.deal.get_absolute_url()))


def _posted_deal(request):
    """The deal a page's form names: by id (`deal_id`, so that no CRM id is in a rep's page), or
    by CRM id (`deal`, as the API takes it). Whether the user may link it is share_link_create's."""
    deal_id = request.POST.get("deal_id", "")
    if not deal_id:
        return request.POST.get("deal", "")
    pk = row_id(deal_id)
    deal = visible_deals(request.user).filter(pk=pk).first() if pk else None
    if deal is None:
        raise ValidationError({"deal": "Choose one of your open deals."})
    return deal


def _expiry(value: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({"expires_at": f"{value[:20]!r} is not a date (YYYY-MM-DD)."}) from None
    return day


@require("share_assets")
@require_POST
def share_revoke(request, pk):
    link = get_object_or_404(visible_share_links(request.user).select_related("deal"), pk=pk)
    share_link_revoke(user=request.user, link=link)
    messages.success(request, "The link is revoked: its buyer page now says it was withdrawn.")
    return redirect(safe_next(request, link.deal.get_absolute_url()))


urlpatterns = [
    path("s/<str:token>/", buyer_page, name="buyer-page"),
    path("s/<str:token>/files/<int:asset_id>/", buyer_file, name="buyer-file"),
    path(
        "s/<str:token>/pages/<int:asset_id>/<slug:version>/<int:page>-<int:width>.png",
        buyer_page_image,
        name="buyer-page-image",
    ),
    path("s/<str:token>/seen/", buyer_beacon, name="buyer-beacon"),
    path("share-links/new/", share_create, name="share-create"),
    path("share-links/<int:pk>/revoke/", share_revoke, name="share-revoke"),
]
