"""python manage.py list_users [--role ROLE] [--active yes|no]: who has an account, as tab-separated lines."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from content.filtering import FilterError, error_sentence, filter_values
from content.people import last_seen_of, people_list
from content.people_filters import PeopleFilterSet

COLUMNS = ("username", "name", "email", "roles", "active", "last_sign_in", "last_active", "api_token", "calendar_feed")


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class Command(BaseCommand):
    help = (
        "List users with their roles, last sign-in, last activity, API token and calendar feed, one "
        "tab-separated line each under a header; the filters are the people page's. Ends with a count."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", help="Sales, Marketing, Managers, or none.")
        parser.add_argument("--active", choices=["yes", "no"], help="Only active or only deactivated users.")
        parser.add_argument("-q", dest="q", help="Part of the name, username or email.")

    def handle(self, *args, role=None, active=None, q=None, **options):
        data = {key: value for key, value in {"role": role, "active": active, "q": q}.items() if value}
        filterset = PeopleFilterSet(data, queryset=people_list())
        try:
            filter_values(filterset)
        except FilterError as error:
            raise CommandError(error_sentence(error)) from error
        self.stdout.write("\t".join(COLUMNS))
        count = 0
        for user in filterset.qs.iterator(chunk_size=500):
            row = (
                user.username,
                user.get_full_name(),
                user.email,
                ",".join(role.name for role in user.roles),
                "yes" if user.is_active else "no",
                _when(user.last_login),
                _when(last_seen_of(user)),
                "yes" if user.has_token else "no",
                "yes" if user.has_calendar_feed else "no",
            )
            self.stdout.write("\t".join(row))
            count += 1
        self.stdout.write(f"{count} user{'' if count == 1 else 's'}")
