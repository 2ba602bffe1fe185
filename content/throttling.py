"""Sign-in protection, by django-axes: failed sign-ins (page and token endpoint) are counted in the
database, which every worker of every instance shares. A username is locked after
LOGIN_MAX_FAILURES failures; a client address only after LOGIN_MAX_FAILURES_PER_ADDRESS, since a
whole office behind one proxy shares its address. django-ipware reads the client address, from the
trusted proxy's header only."""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from ipware.ip import get_client_ip

USERNAME_MAX_LENGTH = 150  # Django's own limit; longer names are no one's, and axes stores 255 at most


def client_address(request) -> str | None:
    """The client's address: the entry TRUSTED_PROXY_COUNT places from the right of the header our
    reverse proxy sets, when one is configured (entries to its left are the client's own word);
    otherwise, or when the header is short or malformed, the peer address."""
    header = settings.CLIENT_IP_HEADER
    if header:
        address, _routable = get_client_ip(
            request,
            proxy_order="left-most",
            proxy_count=settings.TRUSTED_PROXY_COUNT - 1,  # ipware counts the proxies before ours
            request_header_order=["HTTP_" + header.upper().replace("-", "_")],
            strict=False,
        )
        if address:
            return address
    return request.META.get("REMOTE_ADDR")


def username_of(request, credentials) -> str | None:
    """The username a sign-in attempt names, as axes records it."""
    username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if username is None:
        return None
    return str(username).replace("\x00", "")[:USERNAME_MAX_LENGTH]


def failure_limit(request, credentials) -> int:
    return settings.LOGIN_MAX_FAILURES


def cool_off(request) -> timedelta:
    return timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


class SignInAttempts(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for each lockout parameter
    (AXES_LOCKOUT_PARAMETERS is ["username", "ip_address"])."""

    def get_failures(self, request, credentials=None) -> int:
        # Axes compares one count with one limit (LOGIN_MAX_FAILURES). The address's count is scaled
        # onto that limit, so that it reaches it exactly when the address reaches its own, higher one.
        by_user, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return max(by_user, by_address * settings.LOGIN_MAX_FAILURES // settings.LOGIN_MAX_FAILURES_PER_ADDRESS)

    def reset_user_attempts(self, request, credentials=None) -> int:
        # A successful sign-in clears that user's failures; the address keeps the others' count.
        by_user = self.filter_user_attempts(request, credentials)[0]
        return by_user.delete()[0]
