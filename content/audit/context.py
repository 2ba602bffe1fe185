"""Who and where an audit event comes from when its writer does not say: the request in progress
(its user, its client address, its request id) or the job or command acting for someone
(`acting_as`). Every event written while a request or job runs, a field diff by django-auditlog or
an event of the app, gets them in AuditEvent.save.

Not auditlog's own AuditlogMiddleware, for four reasons: it reads the actor before the view runs, so
a request signed by an API token (authenticated inside DRF's view) would have none; it trusts the
first X-Forwarded-For entry, which a client writes itself (and a malformed one makes the address
column refuse the row on PostgreSQL); it stores any X-Correlation-ID header, unbounded, in a 255
character column; and it connects and disconnects a signal receiver on every request."""

import contextlib
import re
import uuid
from contextvars import ContextVar

from ..throttling import client_address

_request: ContextVar = ContextVar("audit_request", default=None)
_request_id: ContextVar = ContextVar("audit_request_id", default=None)
_acting: ContextVar = ContextVar("audit_acting_as", default=None)

# A request id sent by the proxy in front (X-Request-ID) is kept when it looks like one.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")


class AuditContextMiddleware:
    """Keeps the request at hand for the audit events written while it runs. Placed after the
    authentication middleware; the user is read when an event is written, by then DRF has set it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sent = request.headers.get("x-request-id", "")
        request_id = sent if _REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex[:16]
        tokens = (_request.set(request), _request_id.set(request_id))
        try:
            return self.get_response(request)
        finally:
            _request.reset(tokens[0])
            _request_id.reset(tokens[1])


@contextlib.contextmanager
def acting_as(user):
    """Events written inside are `user`'s when they name no actor: a background job for the person
    who started it, a command for the manager it names."""
    token = _acting.set(user)
    try:
        yield
    finally:
        _acting.reset(token)


def current_request():
    return _request.get()


def current_request_id() -> str | None:
    """auditlog's correlation id (AUDITLOG_CID_GETTER): the id of the request in progress."""
    return _request_id.get()


def _signed_in(user):
    return user if user is not None and getattr(user, "is_authenticated", False) and user.pk else None


def context_actor():
    """Whom an event written now is by, when its writer does not say."""
    acting = _signed_in(_acting.get())
    if acting is not None:
        return acting
    request = _request.get()
    return _signed_in(getattr(request, "user", None)) if request is not None else None


def fill_in_context(entry) -> None:
    """Fill in `entry`'s actor, client address and request id from the context, where not given."""
    if entry.actor_id is None:
        actor = context_actor()
        if actor is not None:
            entry.actor = actor
    request = _request.get()
    if request is not None and not entry.remote_addr:
        entry.remote_addr = client_address(request)
    if not entry.cid:
        entry.cid = _request_id.get()
