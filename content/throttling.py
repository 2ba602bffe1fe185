"""Sign-in throttling: repeated failures for one username, or very many from one address, are refused
a while. The counts live in the "shared" cache (Redis, or a database table), so every worker of every
instance sees the same count."""

import hashlib

from django.conf import settings
from django.core.cache import caches


def _counters(username: str, address: str) -> dict[str, int]:
    """Each counter's key and the number of failures that locks it."""
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return {
        f"login-fail:user:{name}": settings.LOGIN_MAX_FAILURES,
        f"login-fail:addr:{address}": settings.LOGIN_MAX_FAILURES_PER_ADDRESS,
    }


def is_locked_out(username: str, address: str) -> bool:
    counters = _counters(username, address)
    counts = caches["shared"].get_many(list(counters))
    return any(counts.get(key, 0) >= limit for key, limit in counters.items())


def record_failure(username: str, address: str) -> None:
    shared = caches["shared"]
    for key in _counters(username, address):
        if not shared.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
            try:
                shared.incr(key)
            except ValueError:  # expired between add and incr
                shared.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


def clear_failures(username: str, address: str) -> None:
    """A successful sign-in clears the user's count; the address keeps its count of failures."""
    caches["shared"].delete(next(iter(_counters(username, address))))


def client_address(request) -> str:
    """The client's address: from the trusted proxy's header when one is configured, else the peer."""
    header = settings.CLIENT_IP_HEADER
    if header:
        forwarded = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= settings.TRUSTED_PROXY_COUNT:
            return hops[-settings.TRUSTED_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "unknown")
