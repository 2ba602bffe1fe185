"""How long the audit log keeps events: AUDIT_RETENTION_DAYS (0: for ever). `prune_audit` deletes
the older ones oldest first in batches, each its own short transaction, so that pruning millions of
rows neither holds a long lock nor one huge transaction; the pruning itself is an audit event."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from ..models import AuditEvent
from .writing import audit_event

BATCH_SIZE = 10_000


@dataclass(frozen=True)
class Pruned:
    deleted: int
    cutoff: datetime.datetime | None  # events before this go; None: retention is off
    dry_run: bool = False

    def summary(self) -> str:
        if self.cutoff is None:
            return "pruned 0 events: AUDIT_RETENTION_DAYS is 0, events are kept for ever"
        verb = "would prune" if self.dry_run else "pruned"
        return f"{verb} {self.deleted:,} events older than {self.cutoff:%Y-%m-%d %H:%M} UTC"


def retention_cutoff(days: int | None = None, now=None) -> datetime.datetime | None:
    days = settings.AUDIT_RETENTION_DAYS if days is None else days
    if days <= 0:
        return None
    return (now or timezone.now()) - datetime.timedelta(days=days)


def prune_audit(
    *,
    days: int | None = None,
    batch_size: int = BATCH_SIZE,
    dry_run: bool = False,
    now=None,
    progress: Callable[[int], None] | None = None,
) -> Pruned:
    """Delete the events older than `days` (AUDIT_RETENTION_DAYS by default), `batch_size` at a
    time, calling `progress(deleted so far)` after each batch; `dry_run` only counts them."""
    cutoff = retention_cutoff(days, now)
    if cutoff is None:
        return Pruned(deleted=0, cutoff=None, dry_run=dry_run)
    old = AuditEvent.objects.filter(timestamp__lt=cutoff)
    if dry_run:
        return Pruned(deleted=old.count(), cutoff=cutoff, dry_run=True)
    deleted = 0
    while True:
        # the oldest batch by the time index, then one DELETE by primary key (no row is read whole)
        ids = list(old.order_by("timestamp", "id").values_list("id", flat=True)[:batch_size])
        if not ids:
            break
        deleted += AuditEvent.objects.filter(pk__in=ids).delete()[0]
        if progress is not None:
            progress(deleted)
    if deleted:
        audit_event(actor=None, verb="audit.pruned", deleted=deleted, before=cutoff)
    return Pruned(deleted=deleted, cutoff=cutoff)
