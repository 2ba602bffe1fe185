"""The CRM side panel's frame: who may frame it, and its own session.

A CRM shows the panel (/embed/...) in a cross-site iframe, where the browser never sends the site's
SameSite=Lax session and CSRF cookies. So the frame has a session of its own. The panel keeps a
random *state* in a cookie and opens /panel/connect/?code=<SHA-256 of the state> in a window of its
own (first-party: the rep's ordinary session, signing in first if need be). There the rep confirms,
and the page makes a signed token, valid for two minutes and bound to that code, and hands it back:
by postMessage to the panel that opened the window (its own origin only), which redeems it at
/embed/...?t=<token>; or, when the window lost its opener (a sign-in page on the way severs it),
the panel finds it waiting for its code when the rep presses Continue. Either way the frame gets a
frame-only session: a cookie of its own, SameSite=None, Secure, Partitioned (kept per CRM site),
HttpOnly, path /embed/. That session opens nothing outside /embed/, the site's session opens nothing
inside it, and in the frame the CSRF secret lives in the frame's session. Only the frame holding the
state can redeem a token (the address and the logs carry its hash), so a stolen token is useless
and nobody can make someone's panel sign in as another person.
"""

import hashlib
import secrets
from http.cookies import Morsel

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core import signing
from django.core.cache import caches
from django.core.checks import Error, Tags, register
from django.core.exceptions import ValidationError
from django.middleware.csrf import CSRF_SESSION_KEY
from django.middleware.csrf import CsrfViewMiddleware as DjangoCsrfViewMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.crypto import constant_time_compare, salted_hmac

FRAME_PREFIX = "/embed/"
SESSION_COOKIE = "panel_session"
STATE_COOKIE = "panel_state"
FRAME_ONLY = "_panel_frame_only"  # the session key that marks a frame's session
SESSION_SECONDS = 12 * 3600  # a working day; then the rep connects again
TOKEN_SECONDS = 120
STATE_SECONDS = 15 * 60
TOKEN_SALT = "content.panel.connect"  # noqa: S105 - a signing namespace, not a secret
STATE_LENGTH = 32
BACKEND = "content.panel.PanelBackend"
PENDING_KEY = "panel-connect:"


def in_frame(request) -> bool:
    return request.path_info.startswith(FRAME_PREFIX)


def frame_ancestors() -> str:
    """The CSP sources allowed to frame the panel: the site itself and EMBED_FRAME_ANCESTORS."""
    return " ".join(["'self'", *settings.EMBED_FRAME_ANCESTORS])


def frame_policy(policy: str) -> str:
    """`policy` (the site's CSP) with the panel's frame-ancestors in place of its own."""
    kept = [part.strip() for part in policy.split(";") if part.strip() and part.split()[0].lower() != "frame-ancestors"]
    return "; ".join([*kept, f"frame-ancestors {frame_ancestors()}"])


# -- cookies ---------------------------------------------------------------------------------------


class PartitionedMorsel(Morsel):
    """A cookie kept per top-level site (CHIPS), which a browser that blocks third-party cookies
    still keeps for a frame; http.cookies knows the attribute only from Python 3.14."""

    def OutputString(self, attrs=None):  # noqa: N802 - the name http.cookies calls
        return super().OutputString(attrs) + "; Partitioned"


def set_frame_cookie(response, name: str, value: str, *, max_age: int) -> None:
    """A cookie a cross-site frame receives: SameSite=None, Secure, HttpOnly, Partitioned, /embed/
    only. `max_age` 0 deletes it."""
    response.set_cookie(name, value, max_age=max_age, path=FRAME_PREFIX, secure=True, httponly=True, samesite="None")
    plain = response.cookies[name]
    partitioned = PartitionedMorsel()
    partitioned.set(plain.key, plain.value, plain.coded_value)
    partitioned.update(plain)
    response.cookies[name] = partitioned


def state_of(request) -> str:
    """The panel's state cookie, when it holds a well-formed one."""
    value = request.COOKIES.get(STATE_COOKIE, "")
    return value if len(value) == STATE_LENGTH and all(c in "0123456789abcdef" for c in value) else ""


def new_state() -> str:
    return secrets.token_hex(STATE_LENGTH // 2)


# -- the connect token -----------------------------------------------------------------------------


def _password_stamp(user) -> str:
    """Changes with the user's password, so that a token outlives no password change."""
    return salted_hmac(TOKEN_SALT, user.get_session_auth_hash()).hexdigest()[:20]


def code_of(state: str) -> str:
    """The public side of a panel's state: what the connect page's address and the token carry."""
    return hashlib.sha256(state.encode()).hexdigest()


def connect_token(*, user, code: str) -> str:
    """A token that signs `user` into the panel whose state hashes to `code`, for TOKEN_SECONDS;
    also left waiting for that panel in the shared cache for as long."""
    if not (len(code) == 64 and all(c in "0123456789abcdef" for c in code)):
        raise ValidationError({"code": "Open this page with the side panel's Connect button."})
    token = signing.dumps({"u": user.pk, "c": code, "p": _password_stamp(user)}, salt=TOKEN_SALT)
    caches["shared"].set(PENDING_KEY + code, token, TOKEN_SECONDS)
    return token


def pending_token(state: str) -> str:
    """The token a connect page left for the panel holding `state`, taken once."""
    if not state:
        return ""
    key = PENDING_KEY + code_of(state)
    token = caches["shared"].get(key) or ""
    if token:
        caches["shared"].delete(key)
    return token


def redeem_token(*, token: str, state: str):
    """The user a connect token names, if it is genuine, fresh and made for this panel's `state`."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_SECONDS)
    except signing.SignatureExpired:
        raise ValidationError("This connection took more than two minutes: connect again.") from None
    except signing.BadSignature:
        raise ValidationError("This connection link is not valid: connect again.") from None
    if not state or not constant_time_compare(str(data.get("c", "")), code_of(state)):
        raise ValidationError("This connection was made for another panel: connect again from this one.")
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or not constant_time_compare(str(data.get("p", "")), _password_stamp(user)):
        raise ValidationError("This account cannot be connected any more: connect again.")
    return user


def panel_sign_in(request, user) -> None:
    """Sign `user` into the frame's own session (the request must be under /embed/)."""
    assert in_frame(request), "the panel's session exists only under /embed/"  # noqa: S101
    user.backend = BACKEND  # as authenticate() would mark it: the audit log says "via side panel"
    login(request, user)
    request.session[FRAME_ONLY] = True
    request.session.set_expiry(SESSION_SECONDS)


class PanelBackend(ModelBackend):
    """The backend a panel's session is signed in with: it reads the user of a session like
    ModelBackend, and never accepts a password (the connect token is the only way in)."""

    def authenticate(self, request, **credentials):
        return None


# -- the two sessions and CSRF ---------------------------------------------------------------------


def _scoped(store_class, *, frame: bool):
    """A session store that reads only sessions of its own scope (the frame's or the site's)."""

    class ScopedSessionStore(store_class):
        def load(self):
            data = super().load()
            if bool(data.get(FRAME_ONLY)) != frame:
                # another scope's session: this request starts afresh and leaves that one alone
                self._session_key = None
                return {}
            return data

    # The session data is signed with the store class's name: the engine's own, for both scopes.
    ScopedSessionStore.__qualname__ = store_class.__qualname__
    return ScopedSessionStore


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's sessions, with the frame's own session under /embed/ (see the module's docstring)."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self.site_store = _scoped(self.SessionStore, frame=False)
        self.frame_store = _scoped(self.SessionStore, frame=True)

    def process_request(self, request):
        if in_frame(request):
            request.session = self.frame_store(request.COOKIES.get(SESSION_COOKIE))
        else:
            request.session = self.site_store(request.COOKIES.get(settings.SESSION_COOKIE_NAME))

    def process_response(self, request, response):
        if not in_frame(request):
            return super().process_response(request, response)
        try:
            session = request.session
            accessed, modified, empty = session.accessed, session.modified, session.is_empty()
        except AttributeError:
            return response
        if empty:
            if SESSION_COOKIE in request.COOKIES:
                set_frame_cookie(response, SESSION_COOKIE, "", max_age=0)
        elif modified and response.status_code < 500:
            try:
                session.save()
            except UpdateError:
                raise SessionInterrupted("The panel's session ended during the request.") from None
            set_frame_cookie(response, SESSION_COOKIE, session.session_key, max_age=session.get_expiry_age())
        if accessed:
            patch_vary_headers(response, ("Cookie",))
        return response


class CsrfViewMiddleware(DjangoCsrfViewMiddleware):
    """Django's CSRF protection; in the frame its secret is kept in the frame's session, as
    CSRF_USE_SESSIONS would keep it (the site's csrftoken cookie never reaches a cross-site frame)."""

    def _get_secret(self, request):
        if in_frame(request):
            return request.session.get(CSRF_SESSION_KEY)
        return super()._get_secret(request)

    def _set_csrf_cookie(self, request, response):
        if not in_frame(request):
            return super()._set_csrf_cookie(request, response)
        if request.session.get(CSRF_SESSION_KEY) != request.META["CSRF_COOKIE"]:
            request.session[CSRF_SESSION_KEY] = request.META["CSRF_COOKIE"]
        return None


CSRF_MIDDLEWARE = "content.panel.CsrfViewMiddleware"


@register(Tags.security)
def csrf_middleware_check(app_configs, **kwargs):
    """Django's own check (security.W003, silenced in settings) looks for its class by name; this
    one looks for the subclass that replaces it, which every form of the site relies on."""
    if CSRF_MIDDLEWARE in settings.MIDDLEWARE:
        return []
    return [Error(f"{CSRF_MIDDLEWARE} is not in MIDDLEWARE: no form is protected from CSRF.", id="content.E002")]


__all__ = [
    "FRAME_PREFIX",
    "CsrfViewMiddleware",
    "PanelBackend",
    "SessionMiddleware",
    "code_of",
    "connect_token",
    "frame_ancestors",
    "frame_policy",
    "in_frame",
    "new_state",
    "panel_sign_in",
    "pending_token",
    "redeem_token",
    "set_frame_cookie",
    "state_of",
]
