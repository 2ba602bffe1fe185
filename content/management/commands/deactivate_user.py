"""python manage.py deactivate_user USERNAME --successor USERNAME --by USERNAME: scripted offboarding."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from content.audit import acting_as
from content.people import PeopleError, user_deactivate


class Command(BaseCommand):
    help = (
        "Deactivate a user, as the people page does: their sessions end, their API token and calendar feed "
        "are revoked, the open requests assigned to them and the assets they own go to --successor (a "
        "marketer; needed only when there is something to hand over); their history stays. --by names the "
        "manager on whose behalf it is done (recorded on each request handed over and in the audit log). "
        "Prints what it changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="Who leaves.")
        parser.add_argument("--successor", help="Who takes over their open requests and assets.")
        parser.add_argument("--by", required=True, help="The manager (or superuser) doing it.")

    def handle(self, *args, username, successor=None, by, **options):
        user, actor = self._user(username, "user"), self._user(by, "--by")
        heir = self._user(successor, "--successor") if successor else None
        try:
            with acting_as(actor):  # the audit log names the manager, as for the page
                done = user_deactivate(actor=actor, user=user, successor=heir)
        except PeopleError as refusal:
            raise CommandError(f"Nothing changed: {refusal.text}") from refusal
        except PermissionDenied as refusal:
            raise CommandError(f"Nothing changed: {by} is not a manager. {refusal}") from refusal
        self.stdout.write(f"deactivated {username}: {done.summary()}")

    def _user(self, username, what):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Nothing changed: no user named {username!r} ({what}).")
        return user
