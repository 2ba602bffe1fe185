"""python manage.py slack_weekly_digest [--days N]: the assets that helped win, on Slack."""

from django.core.management.base import BaseCommand, CommandError

from content.slack import slack_enabled
from content.slack.digests import send_weekly_digest


class Command(BaseCommand):
    help = (
        "Post the digest of the assets that supported the most deals won in the last --days days (default 7), with "
        "the effectiveness report's win rate against the baseline and influenced revenue, to the channels routed "
        "'Weekly digest' and to everyone who asked for it by direct message. Messages are sent by the background "
        "worker. Run it weekly (cron); it ends with a one-line summary. Without SLACK_BOT_TOKEN it sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="The period, in days up to today (default 7).")

    def handle(self, *args, days=7, **options):
        if not 1 <= days <= 366:
            raise CommandError("--days must be between 1 and 366.")
        if not slack_enabled():
            self.stdout.write("Slack is off (SLACK_BOT_TOKEN is not set): nothing sent.")
            return
        sent = send_weekly_digest(days=days)
        self.stdout.write(f"queued {sent.summary()}")
