"""The usage list's filters (`GET /api/v1/usage/`), beside the other areas' FilterSets: asset id,
deal CRM id, user (a username, like `owner` everywhere) and the used-at bounds."""

import django_filters

from .filtering import FilterForm, OwnerFilter
from .models import Usage


class UsageFilterSet(django_filters.FilterSet):
    asset = django_filters.NumberFilter(field_name="asset_id", min_value=1, max_value=2**63 - 1)
    deal = django_filters.CharFilter(field_name="deal__crm_id", help_text="The deal's CRM id.")
    user = OwnerFilter(field_name="user", help_text="A username.")
    used_after = django_filters.IsoDateTimeFilter(field_name="used_at", lookup_expr="gte")
    used_before = django_filters.IsoDateTimeFilter(field_name="used_at", lookup_expr="lte")

    class Meta:
        model = Usage
        fields = ["asset", "deal", "user", "used_after", "used_before"]
        form = FilterForm
