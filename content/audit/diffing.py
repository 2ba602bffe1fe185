"""An update's field diff against the values the row had when it was read, not against the row read
again. django-auditlog's own update receiver selects the row once more before every save to learn
its "before" (a round trip per audited save, about 0.8 ms on PostgreSQL here); the instance already
had those values when it was loaded, and the services load it row-locked (select_for_update), so
they are the row's values at the save. `follow` keeps a copy of the audited fields of each instance
as it is loaded and after each save, and puts the diff against that copy in auditlog's place.

A save the copy cannot answer for (a field deferred at loading, then read or set) falls back to
auditlog's re-read. The diff is what this save changed from what this instance read: a row read
without a lock and changed by someone else meanwhile shows this save's values over what it read,
and so does a save after `refresh_from_db()` (which sends no signal to take a new copy by); the
services lock the row they change, and nothing here saves after a refresh."""

import copy

from auditlog.diff import model_instance_diff
from auditlog.receivers import check_disable, log_update
from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import post_init, post_save, pre_save

from ..models import AuditEvent

LOADED = "_audit_loaded"  # the instance attribute holding {attname: value as read or last saved}
_FIELDS: dict = {}  # model -> its audited concrete fields, in the model's order (set by `follow`)


def _audited(model) -> list:
    return _FIELDS.get(model, [])


def _copied(value):
    # a JSON field's dict or list can be changed in place: keep a copy, not the object being edited
    return copy.deepcopy(value) if isinstance(value, dict | list) else value


def _remember(instance, names=None) -> None:
    loaded = instance.__dict__.setdefault(LOADED, {})
    for field in _audited(type(instance)):
        if (names is None or field.name in names or field.attname in names) and field.attname in instance.__dict__:
            loaded[field.attname] = _copied(instance.__dict__[field.attname])


def _on_init(sender, instance, **kwargs):
    _remember(instance)


def _on_save(sender, instance, update_fields=None, raw=False, **kwargs):
    _remember(instance, update_fields)


def as_loaded(instance, fields_to_check=None):
    """An instance of the same model holding the audited values `instance` was loaded (or last saved)
    with, for the fields to diff; None when one of them was not loaded."""
    model = type(instance)
    loaded = instance.__dict__.get(LOADED, {})
    wanted = [
        field
        for field in _audited(model)
        if not fields_to_check or field.name in fields_to_check or field.attname in fields_to_check
    ]
    if any(field.attname not in loaded for field in wanted):
        return None
    names = [field.attname for field in wanted]
    return model.from_db(instance._state.db, names, [loaded[name] for name in names])


@check_disable
def log_update_from_loaded(sender, instance, **kwargs):
    """auditlog's update receiver, with the "before" taken from the instance instead of the database."""
    if instance._state.adding or instance.pk is None:
        return
    update_fields = kwargs.get("update_fields")
    old = as_loaded(instance, update_fields)
    if old is None:
        log_update(sender, instance, **kwargs)  # auditlog's own: reads the row again
        return
    changes = model_instance_diff(
        old, instance, fields_to_check=update_fields, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES
    )
    if changes:
        AuditEvent.objects.log_create(instance, action=AuditEvent.Action.UPDATE, changes=changes)


def follow(model) -> None:
    """Diff `model`'s updates against its loaded values (after auditlog.register(model))."""
    # auditlog connects its receiver with a dispatch uid of its own making; a release that makes it
    # differently must not leave both receivers connected (two events per save).
    if not pre_save.disconnect(sender=model, dispatch_uid=auditlog._dispatch_uid(pre_save, log_update)):
        raise ImproperlyConfigured(f"django-auditlog's update receiver for {model.__name__} was not found.")
    pre_save.connect(log_update_from_loaded, sender=model, dispatch_uid="audit_update_from_loaded")
    included = set(auditlog.get_model_fields(model)["include_fields"])
    _FIELDS[model] = [field for field in model._meta.concrete_fields if field.name in included]
    post_init.connect(_on_init, sender=model, dispatch_uid="audit_remember_loaded")
    post_save.connect(_on_save, sender=model, dispatch_uid="audit_remember_saved")
