"""The filters every report accepts, declared once (ReportFilterSet) for the report pages, the API
and its schema, and the ReportFilters the report functions read.

Bad values raise ReportFilterError, which the pages and the API turn into a 400 with the message.
"""

import datetime
from dataclasses import asdict, dataclass, replace

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone

from ..filtering import FilterError, FilterForm, IsoDateFilter, LazySelect, OwnerFilter, people_options
from ..models import Asset, AssetKind, Competitor, FunnelStage, Persona

# Where a use comes from: logged by a rep (by hand, or through the API), or a buyer's first view of
# the asset through a tracked link (content.sharing).
SOURCES = [("logged", "Logged by reps"), ("buyer", "Buyer views")]
DEFAULT_PERIOD_DAYS = 90
MAX_PERIOD_DAYS = 5 * 366
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


# Dates a report may ask about: wide, but far enough from the calendar's ends for date arithmetic.
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(9000, 12, 31)


class ReportFilterError(FilterError):
    """A filter value that cannot be used; `message_dict` says which and why."""


@dataclass(frozen=True)
class ReportFilters:
    start: datetime.date
    end: datetime.date
    kind: str = ""
    stage: FunnelStage | None = None
    persona: Persona | None = None
    competitor: Competitor | None = None
    owner: object | None = None  # a User
    source: str = ""  # "logged", "buyer" or both
    sort: str = ""
    direction: str = ""
    page: int = 1
    page_size: int | None = PAGE_SIZE

    PARAMS = (
        "start",
        "end",
        "kind",
        "stage",
        "persona",
        "competitor",
        "owner",
        "source",
        "sort",
        "dir",
        "page",
        "page_size",
    )

    @classmethod
    def default(cls, today=None, **changes):
        today = today or timezone.localdate()
        return replace(cls(start=today - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1), end=today), **changes)

    @classmethod
    def from_params(cls, params, *, today=None) -> "ReportFilters":
        """Validate a QueryDict or dict through ReportFilterSet (ReportFilterError naming each bad
        value). Runs at most one query per taxonomy/owner filter given."""
        return cls.from_filterset(ReportFilterSet(params, today=today))

    @classmethod
    def from_filterset(cls, filterset: "ReportFilterSet") -> "ReportFilters":
        """The filters of a bound ReportFilterSet (the page renders its form too)."""
        if not filterset.is_valid():
            raise ReportFilterError({name: list(messages) for name, messages in filterset.errors.items()})
        values = filterset.form.cleaned_data
        return cls(
            start=values["start"],
            end=values["end"],
            kind=values["kind"],
            stage=values["stage"],
            persona=values["persona"],
            competitor=values["competitor"],
            owner=values["owner"],
            source=values["source"],
            sort=values["sort"],
            direction=values["dir"],
            page=values["page"] or 1,
            page_size=values["page_size"] or PAGE_SIZE,
        )

    def for_export(self) -> "ReportFilters":
        """The same filters, every row (CSV export is not paginated)."""
        return replace(self, page=1, page_size=None)

    @property
    def start_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def end_before(self) -> datetime.datetime:
        """The first instant after the period: ranges are start_at <= t < end_before."""
        return timezone.make_aware(datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min))

    def as_params(self) -> dict:
        """The filters as they appear in a URL or an API answer (empty values left out)."""
        values = asdict(self)
        out = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "kind": self.kind,
            "stage": self.stage.slug if self.stage else "",
            "persona": self.persona.slug if self.persona else "",
            "competitor": self.competitor.slug if self.competitor else "",
            "owner": self.owner.get_username() if self.owner else "",
            "source": self.source,
            "sort": values["sort"],
            "dir": values["direction"],
        }
        return {key: value for key, value in out.items() if value}


class ReportPeriodForm(FilterForm):
    """The period: each end between EARLIEST and LATEST, start on or before end, at most
    MAX_PERIOD_DAYS long; by default the DEFAULT_PERIOD_DAYS up to `today` (or up to end). A page
    renders the period the report covers: the defaults show in the form as if they were given."""

    today = None

    def clean(self):
        data = super().clean()
        for name in ("start", "end"):
            value = data.get(name)
            if value is not None and not EARLIEST <= value <= LATEST:  # the default period counts back from the end
                self.add_error(name, f"Enter {name} between {EARLIEST} and {LATEST}.")
        if self.has_error("start") or self.has_error("end"):
            return data
        data["end"] = data.get("end") or self.today or timezone.localdate()
        data["start"] = data.get("start") or data["end"] - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        if data["start"] > data["end"]:
            self.add_error("start", "The start date must be on or before the end date.")
        elif (data["end"] - data["start"]).days > MAX_PERIOD_DAYS:
            self.add_error("start", f"The period may span at most {MAX_PERIOD_DAYS} days.")
        else:
            shown = self.data.copy()
            for name in ("start", "end"):
                shown[name] = data[name].isoformat()
            self.data = shown
        return data


def _term(model, what):
    return django_filters.ModelChoiceFilter(
        queryset=model.objects.all(),
        to_field_name="slug",
        label=what,
        empty_label=f"Any {what.lower()}",
        help_text=f"{what} slug.",
        error_messages={"invalid_choice": f"No {model._meta.verbose_name} named %(value)r."},
    )


class WholeNumberFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField  # a page is 2, never 2.5


def _whole_number(name, maximum, help_text):
    message = f"Enter {name} as a whole number from 1 to {maximum}."
    return WholeNumberFilter(
        min_value=1,
        max_value=maximum,
        help_text=help_text,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
    )


class ReportFilterSet(django_filters.FilterSet):
    """Validates a report's parameters (the reports read them as ReportFilters; nothing here
    filters a queryset by itself: each report applies them to its own queries, content.reports.scope)."""

    start = IsoDateFilter(
        label="From",
        help_text=f"First day of the period (default: {DEFAULT_PERIOD_DAYS - 1} days before end).",
        error_messages={"invalid": "Enter start as a date, YYYY-MM-DD (got %(value)r)."},
    )
    end = IsoDateFilter(
        label="To",
        help_text="Last day of the period (default: today).",
        error_messages={"invalid": "Enter end as a date, YYYY-MM-DD (got %(value)r)."},
    )
    kind = django_filters.ChoiceFilter(
        choices=AssetKind.choices,
        empty_label="Any kind",
        help_text="Asset kind.",
        error_messages={"invalid_choice": f"Choose a kind among: {', '.join(AssetKind.values)}."},
    )
    stage = _term(FunnelStage, "Funnel stage")
    persona = _term(Persona, "Persona")
    competitor = _term(Competitor, "Competitor")
    owner = OwnerFilter(
        label="Owner or rep",
        help_text="Username of the rep or owner.",
        widget=LazySelect(people_options(), empty_label="Anyone"),
    )
    source = django_filters.ChoiceFilter(
        choices=SOURCES,
        label="Source of use",
        empty_label="All uses",
        help_text="Count only uses logged by reps (logged) or only buyers' views of tracked links (buyer); "
        "both when left out.",
        error_messages={"invalid_choice": "The source is logged or buyer."},
    )
    sort = django_filters.CharFilter(
        max_length=100,
        help_text="A sortable column key.",
        validators=[RegexValidator(r"^[A-Za-z0-9_]+\Z", "Sort by a column key.")],
    )
    dir = django_filters.ChoiceFilter(
        choices=[("asc", "ascending"), ("desc", "descending")],
        help_text="Sort direction.",
        error_messages={"invalid_choice": "The direction is asc or desc."},
    )
    page = _whole_number("page", 100_000, "Page number, from 1.")
    page_size = _whole_number("page_size", MAX_PAGE_SIZE, f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {PAGE_SIZE}).")

    class Meta:
        model = Asset
        fields = []
        form = ReportPeriodForm

    def __init__(self, data=None, *args, today=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.today = today

    def get_form_class(self):
        return type("ReportPeriodForm", (super().get_form_class(),), {"today": self.today})
