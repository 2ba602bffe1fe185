"""Site-wide request rules: sign-in for every page, security headers with a strict CSP, and the
styled error pages under DEBUG unless a developer asks for Django's debug pages, and the signed-in
user's last activity."""

import json
import logging
import time

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import Http404

from .panel import frame_policy, in_frame
from .people import note_activity
from .views.errors import not_found

request_log = logging.getLogger("enablement.requests")

# The API authenticates by token or session inside DRF and answers 401/403 itself, the MCP endpoint
# by the same token; the CRM webhook is authenticated by its signature, the calendar feed by its
# secret, the health check is for load balancers, a buyer's page by the secret token of its share
# link; the CRM side panel signs in its frame itself (content/panel.py: a sign-in page cannot be
# shown in a frame).
OPEN_PREFIXES = ("/api/", "/mcp", "/healthz", "/calendar/feed/", "/s/", "/embed/")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)
# The admin and the interactive API docs ship inline scripts and styles of their own.
CSP_EXEMPT_PREFIXES = ("/admin/", "/api/docs/")


class LoginRequiredMiddleware(DjangoLoginRequired):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(OPEN_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)
        if in_frame(request):
            # the CRM side panel, its errors included: framed by the configured CRM origins only
            response["Content-Security-Policy"] = frame_policy(policy)
            response.xframe_options_exempt = True  # XFrameOptionsMiddleware, which answers after us
        elif not request.path_info.startswith(CSP_EXEMPT_PREFIXES):
            response.setdefault("Content-Security-Policy", policy)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class RequestLogMiddleware:
    """One structured (JSON) log line per request, with its duration, for the load balancer era."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        request_log.info(
            json.dumps(
                {
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user": user.get_username() if user is not None and user.is_authenticated else None,
                }
            )
        )
        return response


class StyledErrorPagesMiddleware:
    """The styled 404 page under DEBUG too, unless DEBUG_PAGES is on (`make dev`).

    With DEBUG on, Django answers an Http404 with its technical page, which lists every URL pattern
    of the project; `make run` serves with DEBUG on, so people trying the app would see it for
    another rep's deal. Django has no setting for this apart from DEBUG itself, so this middleware
    uses the two documented hooks a middleware has:

    - `process_exception`: Django calls it when a view raises; returning the handler404 page
      (content.views.errors.not_found) instead of None stops Django from building the technical one.
      The response then goes through every middleware's response phase like any other.
    - A URL that no pattern matches raises Resolver404 before any view runs, where process_exception
      is not called; that answer is recognised by `request.resolver_match` being unset (Django sets
      it once a pattern matches) and replaced on its way out.

    403 needs nothing: Django renders handler403 whatever DEBUG says. A 500 (and a 400 raised as
    SuspiciousOperation) under DEBUG stays Django's traceback page: that is a bug a developer must see.
    The middleware sits last so that its answers still get the security headers and the log line.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _styled() -> bool:
        return settings.DEBUG and not settings.DEBUG_PAGES  # with DEBUG off Django styles them itself

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and request.resolver_match is None and self._styled():
            return not_found(request, Http404())
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and self._styled():
            return not_found(request, exception)
        return None


class LastSeenMiddleware:
    """Notes that the signed-in user (by session or API token) was active: at most one UPDATE per
    user and LAST_SEEN_INTERVAL_SECONDS (content.people.note_activity), after the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)  # DRF sets it here too once a token authenticated
        if user is not None and user.is_authenticated and user.is_active:
            note_activity(user)
        return response
