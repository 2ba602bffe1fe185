"""The people page's filters (and `manage.py list_users`'s): a name, a role, active or deactivated."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from .filtering import FilterForm
from .permissions import ROLE_GROUPS

NO_ROLE = "none"


class PeopleFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        max_length=150,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, username or email"}),
        help_text="Part of the name, username or email.",
    )
    role = django_filters.ChoiceFilter(
        method="with_role",
        choices=[*((name, name) for name in ROLE_GROUPS), (NO_ROLE, "No role")],
        empty_label="Any",
    )
    active = django_filters.ChoiceFilter(
        method="by_status",
        label="Status",
        choices=[("yes", "Active"), ("no", "Deactivated")],
        empty_label="Any",
    )

    class Meta:
        model = get_user_model()
        fields = ["q", "role", "active"]
        form = FilterForm

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
        )

    def with_role(self, queryset, name, value):
        if value == NO_ROLE:
            return queryset.exclude(groups__name__in=ROLE_GROUPS)
        return queryset.filter(groups__name=value)

    def by_status(self, queryset, name, value):
        return queryset.filter(is_active=value == "yes")
