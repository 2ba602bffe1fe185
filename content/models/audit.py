"""The audit log: one table for every change and every security event. django-auditlog writes the
field diffs of the models it tracks into it (AUDITLOG_LOGENTRY_MODEL is this model), and
content.audit.audit_event the app's own events (sign-ins, downloads, buyer views, imports); every
row names its event, so the audit page and the API filter and paginate this one indexed table."""

from auditlog.models import AbstractLogEntry
from django.conf import settings
from django.db import models


class AuditEvent(AbstractLogEntry):
    """One event: who (`actor`, or nobody: a buyer, a command, a failed sign-in), what (`event`, from
    content.audit.EVENTS, with auditlog's `action`), when (`timestamp`), on which object
    (`content_type`, `object_id`, `object_repr` as it read then), the field diff (`changes`: field →
    [before, after]), anything else the event says (`additional_data`), the client address and the
    request it came in (`cid`).

    auditlog's fields are redeclared where it indexes a single column that a composite index below
    serves (every index costs every write, and this is the biggest table), and the object is
    optional: a failed sign-in for an unknown username concerns no object."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name="object type",
    )
    object_pk = models.CharField(max_length=255, blank=True, verbose_name="object pk")
    object_id = models.BigIntegerField(null=True, blank=True, verbose_name="object id")
    action = models.PositiveSmallIntegerField(choices=AbstractLogEntry.Action.choices, verbose_name="action")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name="actor",
    )
    cid = models.CharField(max_length=64, blank=True, null=True, verbose_name="request id")
    event = models.CharField(max_length=40, help_text="What happened: a name of content.audit.EVENTS.")

    class Meta:
        ordering = ["-timestamp", "-id"]
        get_latest_by = "timestamp"
        verbose_name = "audit event"
        verbose_name_plural = "audit events"
        indexes = [
            # the audit page filtered by who, newest first (and their events over a period)
            models.Index(fields=["actor", "timestamp"], name="audit_actor_time"),
            # an object's history: by type and id, newest first (the type alone uses its prefix)
            models.Index(fields=["content_type", "object_id", "timestamp"], name="audit_object_time"),
            # the audit page filtered by event (sign-in failures, downloads, ...), newest first
            models.Index(fields=["event", "timestamp"], name="audit_event_time"),
        ]
        # the unfiltered page, date bounds and the retention's pruning use `timestamp`'s own index

    def save(self, *args, **kwargs):
        # auditlog writes its diffs through here too: name their event and fill in who and where
        # from the request or job in progress (content.audit.context), unless given.
        from ..audit.context import fill_in_context
        from ..audit.vocabulary import derived_event

        if not self.event:
            self.event = derived_event(self)
        fill_in_context(self)
        super().save(*args, **kwargs)
