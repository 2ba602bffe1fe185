"""The deals' filters, declared once for the deal list page (rendered as its filter form) and
`GET /api/v1/deals/`: status, owner (username), CRM stage, close-date bounds and `q` (name, account
or CRM id). Which deals a user may see at all is content.permissions.visible_deals."""

import django_filters
from django import forms

from .deals import search_deals
from .filtering import FilterForm, OwnerFilter
from .models import Deal, DealStatus

_DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DealFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        max_length=200,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Deal or account"}),
        help_text="Part of the deal's name or account, or its exact CRM id.",
    )
    status = django_filters.ChoiceFilter(choices=DealStatus.choices, empty_label="Any")
    owner = OwnerFilter(field_name="owner", label="Owner (username)", help_text="The owner's username.")
    stage = django_filters.CharFilter(
        field_name="stage", lookup_expr="iexact", max_length=100, label="CRM stage", help_text="The CRM stage name."
    )
    closed_after = django_filters.DateFilter(
        field_name="close_date",
        lookup_expr="gte",
        widget=_DAY,
        label="Closing from",
        help_text="Close date, at the earliest.",
    )
    closed_before = django_filters.DateFilter(
        field_name="close_date",
        lookup_expr="lte",
        widget=_DAY,
        label="Closing by",
        help_text="Close date, at the latest.",
    )

    class Meta:
        model = Deal
        fields = ["q", "status", "owner", "stage", "closed_after", "closed_before"]
        form = FilterForm

    def search(self, queryset, name, value):
        return search_deals(queryset, value)
