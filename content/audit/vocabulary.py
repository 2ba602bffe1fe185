"""The audit log's words: the object types it names, the events it records (each with auditlog's
action and a label for the page), and the event a field diff written by django-auditlog stands for
(an asset whose `status` became published was *published*, a request whose status moved had its
status changed, a user whose groups changed had their roles changed)."""

from auditlog.models import AbstractLogEntry

Action = AbstractLogEntry.Action

# The objects audited, by the short name the page, the API and the CSV use: name -> (app label,
# model name, label). `user` is AUTH_USER_MODEL, Django's own.
OBJECT_TYPES: dict[str, tuple[str, str, str]] = {
    "asset": ("content", "asset", "Asset"),
    "deal": ("content", "deal", "Deal"),
    "request": ("content", "contentrequest", "Content request"),
    "request_comment": ("content", "requestcomment", "Request comment"),
    "request_support": ("content", "requestsupport", "Request +1"),
    "share_link": ("content", "sharelink", "Share link"),
    "usage": ("content", "usage", "Usage"),
    "stage": ("content", "funnelstage", "Funnel stage"),
    "persona": ("content", "persona", "Persona"),
    "competitor": ("content", "competitor", "Competitor"),
    "calendar_feed": ("content", "calendarfeed", "Calendar feed"),
    "user": ("auth", "user", "User"),
    "group": ("auth", "group", "Role group"),
    "slack_profile": ("content", "slackprofile", "Slack settings"),
    "slack_route": ("content", "slackroute", "Slack channel route"),
}
_TYPE_OF_MODEL = {(app_label, model): name for name, (app_label, model, _label) in OBJECT_TYPES.items()}

_PAST = {Action.CREATE: "created", Action.UPDATE: "updated", Action.DELETE: "deleted"}
# Where a type says it in its own words.
_OWN_WORDS = {("asset", Action.UPDATE): "edited", ("usage", Action.CREATE): "logged"}

# verb -> (auditlog action, label). First what auditlog's diffs are named by default...
EVENTS: dict[str, tuple[int, str]] = {
    f"{name}.{_OWN_WORDS.get((name, action), past)}": (action, f"{label}: {_OWN_WORDS.get((name, action), past)}")
    for name, (_app, _model, label) in OBJECT_TYPES.items()
    for action, past in _PAST.items()
}
# ...then the diffs that mean more than "updated" (derived_event), and the app's own events
# (content.audit.audit_event).
EVENTS.update(
    {
        "asset.published": (Action.UPDATE, "Asset: published"),
        "asset.archived": (Action.UPDATE, "Asset: archived"),
        "asset.status_changed": (Action.UPDATE, "Asset: status changed"),
        "asset.verified": (Action.UPDATE, "Asset: verified"),
        "asset.downloaded": (Action.ACCESS, "Asset: file downloaded"),
        "request.status_changed": (Action.UPDATE, "Content request: status changed"),
        "share_link.revoked": (Action.UPDATE, "Share link: revoked"),
        "share_link.viewed": (Action.ACCESS, "Share link: viewed by the buyer"),
        "deals.imported": (Action.UPDATE, "Deals: imported from a CRM file"),
        "user.roles_changed": (Action.UPDATE, "User: roles changed"),
        "user.deactivated": (Action.UPDATE, "User: deactivated"),
        "user.reactivated": (Action.UPDATE, "User: reactivated"),
        "user.signed_in": (Action.ACCESS, "User: signed in"),
        "user.sign_in_failed": (Action.ACCESS, "User: sign-in failed"),
        "user.locked_out": (Action.ACCESS, "User: locked out after failed sign-ins"),
        "user.signed_out": (Action.ACCESS, "User: signed out"),
        "user.sso_relinked": (Action.UPDATE, "User: single sign-on moved to a new issuer"),
        "token.created": (Action.CREATE, "API token: created"),
        "token.revoked": (Action.DELETE, "API token: revoked"),
        "calendar_feed.reset": (Action.UPDATE, "Calendar feed: new secret"),
        "audit.pruned": (Action.DELETE, "Audit log: events past retention deleted"),
        "admin.added": (Action.CREATE, "Admin: added"),
        "admin.changed": (Action.UPDATE, "Admin: changed"),
        "admin.deleted": (Action.DELETE, "Admin: deleted"),
        "data.loaded": (Action.CREATE, "Data: demo or synthetic data loaded"),
    }
)
MAX_VERB_LENGTH = 40
assert all(len(verb) <= MAX_VERB_LENGTH for verb in EVENTS)  # AuditEvent.event's max_length


def event_label(verb: str) -> str:
    return EVENTS[verb][1] if verb in EVENTS else verb


def type_name(content_type) -> str:
    """The short name of an audited object type ("asset"), or "app.model" for one not listed."""
    if content_type is None:
        return ""
    key = (content_type.app_label, content_type.model)
    return _TYPE_OF_MODEL.get(key) or ".".join(key)


def type_label(name: str) -> str:
    return OBJECT_TYPES[name][2] if name in OBJECT_TYPES else name


def _new_value(changes: dict, field: str):
    values = changes.get(field)
    return values[1] if isinstance(values, list | tuple) and len(values) == 2 else None


def derived_event(entry) -> str:
    """The event a django-auditlog entry (a field diff) stands for."""
    name = type_name(entry.content_type)
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    if entry.action == Action.UPDATE:
        if name == "asset" and "status" in changes:
            return {"published": "asset.published", "archived": "asset.archived"}.get(
                _new_value(changes, "status"), "asset.status_changed"
            )
        if name == "asset" and "verified_at" in changes and set(changes) <= {"verified_at", "verified_by", "review_by"}:
            return "asset.verified"
        if name == "request" and "status" in changes:
            return "request.status_changed"
        if name == "share_link" and _new_value(changes, "revoked_at") is not None:
            return "share_link.revoked"
        if name in ("user", "group") and "groups" in changes:  # from either side of the membership
            return "user.roles_changed"
        if name == "user" and "is_active" in changes:
            return "user.reactivated" if _new_value(changes, "is_active") else "user.deactivated"
    past = _PAST.get(entry.action, "accessed")
    verb = f"{name}.{_OWN_WORDS.get((name, entry.action), past)}"
    return verb[:MAX_VERB_LENGTH]
