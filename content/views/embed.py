"""The CRM side panel: a compact page a CRM shows in an iframe beside a deal (/embed/deals/<crm_id>/)
with the deal prep's recommended assets, one-click "log use", "send tracked link" and the buyer's
recent views; and /panel/connect/, the ordinary page where a rep connects a panel to their account.
Its frame, session and CSRF are content/panel.py's; the rules are those of the deal prep, usage and
sharing modules, unchanged."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from ..deal_prep import prepare_deal
from ..models import Deal
from ..panel import (
    STATE_COOKIE,
    STATE_SECONDS,
    code_of,
    connect_token,
    new_state,
    panel_sign_in,
    pending_token,
    redeem_token,
    set_frame_cookie,
    state_of,
)
from ..permissions import NotAllowed, can, require, visible_deals
from ..sharing import is_shareable, may_share_in, recent_buyer_views, share_link_create
from ..usage import log_usage
from .deals import CRM_ID, LOGGABLE_ACTIONS


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return list(error.messages)


def _connect_screen(request, *, error: str = "", status: int = 403):
    """What a panel with no session of its own shows: a button that connects it (no data at all)."""
    state = state_of(request) or new_state()
    connect_url = reverse("panel-connect") + "?" + urlencode({"code": code_of(state)})
    context = {"connect_url": connect_url, "error": error}
    response = render(request, "embed/connect.html", context, status=status)
    set_frame_cookie(response, STATE_COOKIE, state, max_age=STATE_SECONDS)
    return response


def _redeem(request, token: str):
    """A connect token (`?t=`, or left waiting for this panel): sign the frame in, then show the
    panel's address without it."""
    try:
        user = redeem_token(token=token, state=state_of(request))
    except ValidationError as error:
        return _connect_screen(request, error=_messages(error)[0], status=400)
    panel_sign_in(request, user)
    response = redirect(request.path)
    set_frame_cookie(response, STATE_COOKIE, "", max_age=0)  # a state serves once
    return response


def panel_view(action: str):
    """A panel page: redeems a connect token, shows the connect screen to a frame with no session,
    and otherwise asks the permission rules like `require`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "GET" and "t" in request.GET:
                return _redeem(request, request.GET["t"])
            if not request.user.is_authenticated:
                waiting = pending_token(state_of(request)) if request.method == "GET" else ""
                return _redeem(request, waiting) if waiting else _connect_screen(request)
            if not can(request.user, action):
                raise NotAllowed(action)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _deal_for(request, crm_id) -> Deal:
    # Another rep's deal is "not found", like a missing one, as on the deal and deal prep pages.
    deals = Deal.objects.select_related("funnel_stage", "owner").prefetch_related("personas", "competitors")
    return get_object_or_404(visible_deals(request.user, deals), crm_id=crm_id)


def _panel(request, deal, *, status=200, **context):
    prep = prepare_deal(deal=deal, user=request.user)
    may_share = may_share_in(request.user, deal)
    return render(
        request,
        "embed/panel.html",
        {
            "deal": deal,
            "recommended": prep.recommended,
            "may_log": can(request.user, "log_usage"),
            "actions": LOGGABLE_ACTIONS,
            "share_choices": [asset for asset in prep.recommended if is_shareable(asset)] if may_share else None,
            "buyer_views": recent_buyer_views(request.user, deal),
            **context,
        },
        status=status,
    )


@panel_view("view_deals")
@require_http_methods(["GET", "HEAD"])
def panel(request, crm_id):
    return _panel(request, _deal_for(request, crm_id))


@panel_view("log_usage")
@require_POST
def panel_log_usage(request, crm_id):
    """One click: `asset` used in this deal, as `action` (the usage form's rules, content.usage)."""
    deal = _deal_for(request, crm_id)
    try:
        usage = log_usage(
            user=request.user, asset=request.POST.get("asset", ""), deal=deal, action=request.POST.get("action", "")
        )
    except ValidationError as error:
        return _panel(request, deal, status=400, errors=_messages(error))
    success = f"Logged: {usage.get_action_display().lower()} “{usage.asset.title}” in {deal.name}."
    return _panel(request, deal, success=success)


@panel_view("share_assets")
@require_POST
def panel_share(request, crm_id):
    """A tracked link to the chosen `assets` (content.sharing), shown ready to copy."""
    deal = _deal_for(request, crm_id)
    try:
        link = share_link_create(
            user=request.user, assets=request.POST.getlist("assets"), deal=deal, note=request.POST.get("note", "")
        )
    except ValidationError as error:
        return _panel(request, deal, status=400, errors=_messages(error))
    return _panel(request, deal, new_link=link)


@require_POST
def panel_disconnect(request):
    """Ends the frame's session (the rep's session in the site is not touched)."""
    if request.user.is_authenticated:
        logout(request)
    return _connect_screen(request, status=200)


@require("view_deals")
@require_http_methods(["GET", "POST"])
def panel_connect(request):
    """Opened by a panel's Connect button in a window of its own: the rep confirms, and the page
    hands the panel its token (static/js/panel.js), which also waits for the panel's Continue."""
    code = request.GET.get("code", "")
    valid = len(code) == 64 and all(c in "0123456789abcdef" for c in code)
    token = connect_token(user=request.user, code=code) if valid and request.method == "POST" else ""
    response = render(
        request, "embed/connect_page.html", {"valid": valid, "token": token}, status=200 if valid else 400
    )
    # The panel that opened this window must keep it as its opener to receive the token.
    response["Cross-Origin-Opener-Policy"] = "unsafe-none"
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    re_path(rf"^embed/deals/{CRM_ID}/$", panel, name="panel"),
    re_path(rf"^embed/deals/{CRM_ID}/log/$", panel_log_usage, name="panel-log-usage"),
    re_path(rf"^embed/deals/{CRM_ID}/share/$", panel_share, name="panel-share"),
    path("embed/disconnect/", panel_disconnect, name="panel-disconnect"),
    path("panel/connect/", panel_connect, name="panel-connect"),
]
