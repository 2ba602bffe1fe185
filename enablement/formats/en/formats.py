"""English date formats: the ones in the settings, so that "10 Feb 2026" and "10 Feb 2026, 14:30"
are written in one place. Anything not named here comes from Django's own English formats."""

from django.conf import settings

DATE_FORMAT = settings.DATE_FORMAT
DATETIME_FORMAT = settings.DATETIME_FORMAT
