"""The deals' filters, declared once for the deal list page and `GET /api/v1/deals/`: status,
owner (username), CRM stage, close-date bounds and `q` (name, account or CRM id). Which deals a
user may see at all is content.permissions.visible_deals."""

import django_filters

from .deals import search_deals
from .models import Deal, DealStatus


class DealFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", max_length=200, help_text="Part of the deal's name or account, or its exact CRM id."
    )
    status = django_filters.ChoiceFilter(choices=DealStatus.choices)
    owner = django_filters.CharFilter(field_name="owner__username", max_length=150, help_text="The owner's username.")
    stage = django_filters.CharFilter(field_name="stage", lookup_expr="iexact", help_text="The CRM stage name.")
    closed_after = django_filters.DateFilter(field_name="close_date", lookup_expr="gte")
    closed_before = django_filters.DateFilter(field_name="close_date", lookup_expr="lte")

    class Meta:
        model = Deal
        fields = ["q", "status", "owner", "stage", "closed_after", "closed_before"]

    def search(self, queryset, name, value):
        return search_deals(queryset, value)
