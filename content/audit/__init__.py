"""The audit log: who did what to which object, and when. One table (content.models.AuditEvent)
holds both the field diffs django-auditlog writes for the models it follows (tracking.py) and the
app's own events written by `audit_event` (sign-ins, downloads, buyer views, imports, tokens);
the managers' page /audit/ and GET /api/v1/audit/ read it through one FilterSet (filters.py),
`manage.py prune_audit` keeps it to AUDIT_RETENTION_DAYS (retention.py)."""

from .context import AuditContextMiddleware, acting_as
from .vocabulary import EVENTS, OBJECT_TYPES, event_label, type_label, type_name
from .writing import audit_created, audit_event

__all__ = [
    "EVENTS",
    "OBJECT_TYPES",
    "AuditContextMiddleware",
    "acting_as",
    "audit_created",
    "audit_event",
    "event_label",
    "type_label",
    "type_name",
]
