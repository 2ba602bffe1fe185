"""The content requests' filters, declared once for the triage board (rendered as its filter form)
and `GET /api/v1/requests/`: status (repeatable), stage, persona and competitor slugs, assignee (a
username, or `none` for the unassigned) and `mine`."""

import django_filters

from ..filtering import FilterForm, LazySelect, OwnerFilter, SlugFilter, UserByUsernameField, user_options
from ..models import Competitor, ContentRequest, FunnelStage, Persona, RequestStatus
from .forms import marketers
from .selectors import requests_of

UNASSIGNED = "none"


class AssigneeField(UserByUsernameField):
    """A marketer's username, or `none` for nobody."""

    def clean(self, value):
        return UNASSIGNED if value == UNASSIGNED else super().clean(value)


class AssigneeFilter(OwnerFilter):
    field_class = AssigneeField

    def filter(self, queryset, value):
        if value == UNASSIGNED:
            return queryset.filter(assignee__isnull=True)
        return super().filter(queryset, value)


class RequestFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=RequestStatus.choices)
    stage = SlugFilter(
        field_name="stage__slug", taxonomy=FunnelStage, empty_label="All", help_text="Funnel stage slug."
    )
    persona = SlugFilter(field_name="persona__slug", taxonomy=Persona, empty_label="All", help_text="Persona slug.")
    competitor = SlugFilter(
        field_name="competitor__slug", taxonomy=Competitor, empty_label="All", help_text="Competitor slug."
    )
    assignee = AssigneeFilter(
        field_name="assignee",
        help_text=f"A marketer's username, or `{UNASSIGNED}` for the requests nobody is assigned.",
    )
    mine = django_filters.BooleanFilter(
        method="filter_mine", help_text="true: only the requests you submitted or supported."
    )

    class Meta:
        model = ContentRequest
        fields = ["status", "stage", "persona", "competitor", "assignee", "mine"]
        form = FilterForm

    def __init__(self, *args, assignees=None, **kwargs):
        """`assignees`: the marketers to offer in the assignee select, when the page has read them."""
        super().__init__(*args, **kwargs)
        options = user_options((lambda: assignees) if assignees is not None else marketers)
        self.form.fields["assignee"].widget = LazySelect(
            lambda: [(UNASSIGNED, "Unassigned"), *options()], empty_label="Anyone"
        )

    def filter_mine(self, queryset, name, value):
        if value:
            return queryset.filter(pk__in=requests_of(self.request.user).values("pk"))
        return queryset
