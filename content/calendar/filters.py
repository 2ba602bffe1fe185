"""The calendar's filters, declared once for the calendar page, `GET /api/v1/calendar/` and its
schema: kind, stage, persona, competitor and owner (a username; a numeric user id still works, deprecated),
plus the API's date range."""

import django_filters

from ..filtering import FilterForm, IsoDateFilter, LazySelect, OwnerFilter, SlugFilter, filter_values, user_options
from ..models import Asset, AssetKind, Competitor, FunnelStage, Persona
from .events import CalendarFilters
from .grid import MAX_RANGE_DAYS
from .planning import planning_owners


class CalendarFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=AssetKind.choices,
        help_text="Asset kind.",
        empty_label="All kinds",
        error_messages={"invalid_choice": "Unknown kind %(value)r; use one of: " + ", ".join(AssetKind.values) + "."},
    )
    stage = SlugFilter(
        taxonomy=FunnelStage, empty_label="All stages", label="Funnel stage", help_text="Funnel stage slug."
    )
    persona = SlugFilter(taxonomy=Persona, empty_label="All personas", help_text="Persona slug.")
    competitor = SlugFilter(taxonomy=Competitor, empty_label="All competitors", help_text="Competitor slug.")
    owner = OwnerFilter(
        legacy_ids=True,
        widget=LazySelect(user_options(planning_owners), empty_label="Anyone"),
        help_text="The owner's (or a request's assignee's) username. A numeric user id still works "
        "but is deprecated and will be refused in the next release.",
    )

    class Meta:
        model = Asset
        fields = []
        form = FilterForm

    def calendar_filters(self) -> CalendarFilters:
        """The valid filters (FilterError naming the field when one is not)."""
        values = filter_values(self)
        owner = values["owner"]
        return CalendarFilters(
            kind=values["kind"],
            stage=values["stage"],
            persona=values["persona"],
            competitor=values["competitor"],
            owner=owner.pk if owner else None,
        )


class CalendarRangeForm(FilterForm):
    def clean(self):
        data = super().clean()
        low, high = data.get("start"), data.get("end")
        if low is None or high is None:
            return data
        if not (low.year >= 1900 and high.year <= 9998):
            self.add_error("start", "Dates must fall between the years 1900 and 9998.")
        elif high < low:
            self.add_error("end", "end must not be before start.")
        elif (high - low).days >= MAX_RANGE_DAYS:
            self.add_error("end", f"The range may span at most {MAX_RANGE_DAYS} days.")
        return data


_REQUIRED = "Both start and end are required, as YYYY-MM-DD."


class CalendarRangeFilterSet(CalendarFilterSet):
    """The API's: the filters and a date range (inclusive, at most MAX_RANGE_DAYS days)."""

    start = IsoDateFilter(
        required=True,
        help_text="First day, YYYY-MM-DD.",
        error_messages={"required": _REQUIRED, "invalid": "start must be a date written as YYYY-MM-DD."},
    )
    end = IsoDateFilter(
        required=True,
        help_text=f"Last day (inclusive), YYYY-MM-DD; not before start, at most {MAX_RANGE_DAYS} days on.",
        error_messages={"required": _REQUIRED, "invalid": "end must be a date written as YYYY-MM-DD."},
    )

    class Meta(CalendarFilterSet.Meta):
        form = CalendarRangeForm

    def date_range(self):
        values = filter_values(self)
        return values["start"], values["end"]
