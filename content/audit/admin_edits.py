"""The Django admin's edits in the audit log. django-auditlog's diffs already cover the models it
follows; the admin also edits others (API tokens, calendar feeds, jobs, the sign-in protection's
records, tags) and can change a followed model in ways its diff leaves out (a password). The admin
site of the project (`AuditedAdminSite`, Django's default site here) gives every ModelAdmin the
`AdminEditsAudited` hooks, which write `admin.added`, `admin.changed` or `admin.deleted` for those,
and `token.created` / `token.revoked` for tokens, next to the admin's own history entry."""

from auditlog.registry import auditlog
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from rest_framework.authtoken.models import Token

from ..models import AuditEvent, CalendarFeed
from .context import current_request_id
from .writing import audit_event

# Rows whose identity is a secret (a token's key is its primary key and its name): the event is about
# their user.
ABOUT_THEIR_USER = (Token, CalendarFeed)


def _fields(message) -> list[str]:
    """The fields named by an admin change message ([{"changed": {"fields": [...]}}, ...])."""
    named = []
    for part in message if isinstance(message, list) else []:
        for detail in part.values() if isinstance(part, dict) else []:
            named += [str(name) for name in (detail or {}).get("fields", [])] if isinstance(detail, dict) else []
    return named


def _diffed_already(obj) -> bool:
    """Whether django-auditlog wrote an event about `obj` in this request (its diff of the change)."""
    request_id = current_request_id()
    content_type = ContentType.objects.get_for_model(obj)
    return (
        bool(request_id)
        and AuditEvent.objects.filter(content_type=content_type, object_id=obj.pk, cid=request_id).exists()
    )


def admin_edit_audited(*, actor, obj, action: str, message=None) -> None:
    """Record an admin's `action` ("added", "changed", "deleted") on `obj` unless django-auditlog's
    diff says it already."""
    model = obj._meta.concrete_model
    if isinstance(obj, Token):
        verb = {"added": "token.created", "deleted": "token.revoked"}.get(action, "admin.changed")
        audit_event(actor=actor, verb=verb, obj=obj.user, via="admin", object="API token")
        return
    if auditlog.contains(model) and (action != "changed" or _diffed_already(obj)):
        return
    data = {"via": "admin", "fields": _fields(message)}
    if isinstance(obj, ABOUT_THEIR_USER):
        audit_event(actor=actor, verb=f"admin.{action}", obj=obj.user, object=model._meta.verbose_name, **data)
    else:
        audit_event(actor=actor, verb=f"admin.{action}", obj=obj, **data)


class AdminEditsAudited:
    """ModelAdmin hooks that the admin calls for each add, change and deletion (in the same
    transaction as the write)."""

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        admin_edit_audited(actor=request.user, obj=obj, action="added", message=message)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        admin_edit_audited(actor=request.user, obj=obj, action="changed", message=message)
        return entry

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            admin_edit_audited(actor=request.user, obj=obj, action="deleted")
        return entries


class AuditedAdminSite(admin.AdminSite):
    """The default admin site, whose every ModelAdmin (the project's and the installed apps') writes
    its edits to the audit log."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AdminEditsAudited):
            admin_class = type(
                admin_class.__name__, (AdminEditsAudited, admin_class), {"__module__": admin_class.__module__}
            )
        super().register(model_or_iterable, admin_class, **options)
