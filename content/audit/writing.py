"""Writing the app's own audit events: one function, `audit_event`, for every event that is not a
model's field diff (django-auditlog writes those), and `audit_created` for rows written in bulk,
which send no model signal for auditlog to see."""

import json

from auditlog.diff import model_instance_diff
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.encoding import smart_str

from ..models import AuditEvent
from ..throttling import client_address
from .context import fill_in_context
from .vocabulary import EVENTS, derived_event

MAX_REPR = 200


def _json(data: dict):
    """`data` as the JSON column stores it: dates, decimals and UUIDs as text."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder)) if data else None


def _about(entry: AuditEvent, obj) -> None:
    entry.content_type = ContentType.objects.get_for_model(obj)  # cached per process after the first
    entry.object_pk = smart_str(obj.pk)
    entry.object_id = obj.pk if isinstance(obj.pk, int) else None
    entry.object_repr = smart_str(obj)[:MAX_REPR]


def audit_event(*, actor, verb: str, obj=None, changes=None, request=None, **data) -> AuditEvent:
    """Record that `actor` (a user, or None: a buyer, a failed sign-in, the system) did `verb` (a
    name of EVENTS) to `obj` (any model instance, or None), with `changes` ({field: [before, after]})
    and `data` (anything else worth keeping, as JSON). The request in progress, or `request`, gives
    the client address and request id; with no actor given, its user (or the job's) is the actor.
    Written in the caller's transaction: an event of a change rolled back is rolled back with it."""
    if verb not in EVENTS:
        raise ValueError(f"Unknown audit event {verb!r}: add it to content.audit.vocabulary.EVENTS.")
    entry = AuditEvent(event=verb, action=EVENTS[verb][0], changes=changes, additional_data=_json(data))
    if actor is not None and getattr(actor, "is_authenticated", False):
        entry.actor = actor
    if obj is not None:
        _about(entry, obj)
    if request is not None:
        entry.remote_addr = client_address(request)
    entry.save()
    return entry


def audit_created(*, objects, actor=None) -> list[AuditEvent]:
    """The "created" events django-auditlog would have written for `objects` (saved by one
    bulk_create, so with their primary keys), in one INSERT."""
    entries = []
    for obj in objects:
        entry = AuditEvent(
            action=AuditEvent.Action.CREATE,
            changes=model_instance_diff(None, obj, use_json_for_changes=True),
            actor=actor if actor is not None and actor.is_authenticated else None,
        )
        _about(entry, obj)
        entry.event = derived_event(entry)
        fill_in_context(entry)
        entries.append(entry)
    return AuditEvent.objects.bulk_create(entries)
