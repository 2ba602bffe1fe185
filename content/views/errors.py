"""Error pages: JSON for the API (clients parse it), HTML for people.

400, 403 and 404 are pages of the app (its header, the viewer's navigation) that say what happened
and where to go next. 500 is rendered from `500.html` alone, without a request context: whatever
broke (the database, a context processor) must not break the page that says so.
"""

from django.core.exceptions import DisallowedHost
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults

from ..panel import in_frame
from ..permissions import RULES, NotAllowed, roles_of

# A buyer opening a share link (/s/...) has no account: their errors stay on the buyer's pages.
BUYER_PREFIX = "/s/"


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _back_url(request) -> str:
    """The page the visitor came from, when it is on this site (for a "Back" link)."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:  # a 400 may be about the Host header itself
        return ""
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=request.is_secure()):
        return referer
    return ""


def _page(request, template, status, **context):
    return render(request, template, {"back_url": _back_url(request), **context}, status=status)


def _joined(names) -> str:
    names = sorted(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    if request.path_info.startswith(BUYER_PREFIX):
        return render(request, "sharing/not_found.html", status=404)
    # the CRM side panel says the same in its frame, without the site's navigation
    return _page(request, "embed/404.html" if in_frame(request) else "404.html", 404)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": "Server error."}, status=500)
    return defaults.server_error(request)  # 500.html, no context


def bad_request(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return _page(request, "400.html", 400)


def permission_denied(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "You do not have permission to do this."}, status=403)
    user = getattr(request, "user", None)
    action = exception.action if isinstance(exception, NotAllowed) else ""
    allowed = sorted(RULES[action]) if action in RULES else []
    # A service's refusal is a sentence written for people ("Only marketing triages content
    # requests."); a bare PermissionDenied says nothing more.
    reason = "" if action or not exception.args else str(exception)
    return _page(
        request,
        "embed/403.html" if in_frame(request) else "403.html",
        403,
        allowed_roles=_joined(allowed) if allowed else "",
        your_roles=_joined(roles_of(user)) if user is not None and roles_of(user) else "",
        reason=reason,
    )
