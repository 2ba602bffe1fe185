"""python manage.py prune_audit [--days N] [--batch-size N] [--dry-run]: the audit log's retention."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from content.audit.retention import BATCH_SIZE, prune_audit


class Command(BaseCommand):
    help = (
        "Delete audit events older than AUDIT_RETENTION_DAYS (or --days), oldest first, in batches of "
        "--batch-size, each its own transaction, printing the running total; --dry-run only counts them. "
        "With a retention of 0 nothing is deleted. Run it daily (cron); it ends with a one-line summary."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, help=f"Days to keep (default AUDIT_RETENTION_DAYS: {settings.AUDIT_RETENTION_DAYS})."
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="Events deleted per statement.")
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")

    def handle(self, *args, days=None, batch_size=BATCH_SIZE, dry_run=False, **options):
        if days is not None and days < 0:
            raise CommandError("--days must be 0 (keep for ever) or more.")
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        done = prune_audit(
            days=days,
            batch_size=batch_size,
            dry_run=dry_run,
            progress=lambda deleted: self.stdout.write(f"  deleted {deleted:,}…"),
        )
        self.stdout.write(done.summary())
