"""The review list's filters (`/assets/due/`), rendered as its filter form: `owner` (a username;
the signed-in user's own assets when absent) and `everyone` (every owner's). `owner=all` meant
every owner before `owner` became a username everywhere: it still works for one release, deprecated."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from .asset_selectors import due_assets
from .calendar.planning import planning_owners
from .filtering import FilterForm, LazySelect, OwnerFilter, UserByUsernameField, filter_values, user_options
from .models import Asset

LEGACY_EVERYONE = "all"


class DueOwnerField(UserByUsernameField):
    """A username; `all`, when nobody has that username, is the deprecated spelling of everyone=true."""

    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError:
            if value == LEGACY_EVERYONE:
                return LEGACY_EVERYONE
            raise


class DueOwnerFilter(OwnerFilter):
    field_class = DueOwnerField

    def filter(self, queryset, value):
        return queryset  # read by DueFilterSet.due, which knows who "me" is


class DueFilterSet(django_filters.FilterSet):
    owner = DueOwnerFilter(
        widget=LazySelect(user_options(planning_owners), empty_label="Me"),
        help_text="The owner's username; your own assets when left out.",
    )
    everyone = django_filters.BooleanFilter(
        method="filter_everyone", label="All owners", help_text="true: every owner's assets."
    )

    class Meta:
        model = Asset
        fields = []
        form = FilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if forms.NullBooleanField().to_python(self.data.get("everyone")):  # no owner chosen: everyone's
            self.form.fields["owner"].widget.empty_label = "Everyone"

    def filter_everyone(self, queryset, name, value):
        return queryset

    def due(self, user):
        """(the assets due for review, whether they are every owner's): one owner's when `owner` is
        given, else every owner's with `everyone`, else `user`'s. FilterError when a value is bad."""
        values = filter_values(self)
        owner = values["owner"]
        if owner == LEGACY_EVERYONE or (owner is None and values["everyone"]):
            return due_assets(owner=None), True
        return due_assets(owner=owner or user), False
