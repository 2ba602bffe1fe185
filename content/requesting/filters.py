"""The content requests' filters, declared once for the triage board and `GET /api/v1/requests/`:
status (repeatable), stage, persona and competitor slugs, assignee (a username, or `none` for
the unassigned) and `mine`."""

import django_filters

from ..filtering import SlugFilter
from ..models import ContentRequest, RequestStatus
from .selectors import requests_of

UNASSIGNED = "none"


class RequestFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=RequestStatus.choices)
    stage = SlugFilter(field_name="stage__slug", help_text="Funnel stage slug.")
    persona = SlugFilter(field_name="persona__slug", help_text="Persona slug.")
    competitor = SlugFilter(field_name="competitor__slug", help_text="Competitor slug.")
    assignee = django_filters.CharFilter(
        method="filter_assignee",
        max_length=150,
        help_text=f"A marketer's username, or `{UNASSIGNED}` for the requests nobody is assigned.",
    )
    mine = django_filters.BooleanFilter(
        method="filter_mine", help_text="true: only the requests you submitted or supported."
    )

    class Meta:
        model = ContentRequest
        fields = ["status", "stage", "persona", "competitor", "assignee", "mine"]

    def filter_assignee(self, queryset, name, value):
        if value == UNASSIGNED:
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee__username=value)

    def filter_mine(self, queryset, name, value):
        if value:
            return queryset.filter(pk__in=requests_of(self.request.user).values("pk"))
        return queryset
