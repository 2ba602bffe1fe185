"""python manage.py slack_due_for_review [--within-days N]: assets due for review, on Slack."""

from django.core.management.base import BaseCommand, CommandError

from content.slack import slack_enabled
from content.slack.digests import send_due_for_review


class Command(BaseCommand):
    help = (
        "Tell each owner on Slack (a direct message, if they linked Slack and want it) which of their published "
        "assets are overdue for review or due within --within-days (default 14), and post the whole list to the "
        "channels routed 'Assets due for review'. Messages are sent by the background worker. Run it daily or "
        "weekly (cron); it ends with a one-line summary. Without SLACK_BOT_TOKEN it sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--within-days", type=int, default=14, help="Days ahead to look (default 14).")

    def handle(self, *args, within_days=14, **options):
        if within_days < 0:
            raise CommandError("--within-days must be 0 or more.")
        if not slack_enabled():
            self.stdout.write("Slack is off (SLACK_BOT_TOKEN is not set): nothing sent.")
            return
        sent = send_due_for_review(within_days=within_days)
        self.stdout.write(f"queued {sent.summary()}")
