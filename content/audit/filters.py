"""The audit log's filters, declared once for the page /audit/ (its filter form) and
`GET /api/v1/audit/`: who (username), what (an event of EVENTS), which object (its type, and its id
with the type), and when (days, inclusive). Every filter is served by an index of AuditEvent; an id
without its type would not be, so it is refused (400) rather than scanned for."""

import datetime

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field

from ..filtering import FilterForm, IsoDateFilter, LazySelect, OwnerFilter, people_options
from ..models import AuditEvent
from .vocabulary import EVENTS, OBJECT_TYPES

MAX_ID = 2**63 - 1


class AuditFilterForm(FilterForm):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date comes before the start date.")
        if cleaned.get("object_id") is not None and not cleaned.get("object_type"):
            self.add_error("object_id", "Choose the object type too: an id means something only with its type.")
        return cleaned


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.Filter):
    """A whole number from 1 up to the largest id (a bigger one is a 400, not a database error)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def _moment(day: datetime.date) -> datetime.datetime | None:
    """The first instant of `day` in the site's time zone; None when out of the datetime range (a
    bound nobody's events reach)."""
    try:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)).astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        return None


class AuditFilterSet(django_filters.FilterSet):
    actor = OwnerFilter(
        field_name="actor",
        label="Who",
        help_text="The username of whoever did it.",
        widget=LazySelect(people_options(with_inactive=True), empty_label="Anyone"),
    )
    event = django_filters.ChoiceFilter(
        choices=sorted((verb, label) for verb, (_action, label) in EVENTS.items()),
        empty_label="Any event",
        label="What",
        help_text="The event, e.g. asset.published, user.sign_in_failed.",
    )
    object_type = django_filters.ChoiceFilter(
        method="of_type",
        choices=[(name, label) for name, (_app, _model, label) in OBJECT_TYPES.items()],
        empty_label="Any object",
        label="Object type",
    )
    object_id = IdFilter(field_name="object_id", label="Object id", help_text="The object's id (with its type).")
    start = IsoDateFilter(method="since", label="From", help_text="First day (YYYY-MM-DD), inclusive.")
    end = IsoDateFilter(method="until", label="To", help_text="Last day (YYYY-MM-DD), inclusive.")

    class Meta:
        model = AuditEvent
        fields = ["actor", "event", "object_type", "object_id", "start", "end"]
        form = AuditFilterForm

    def of_type(self, queryset, name, value):
        app_label, model, _label = OBJECT_TYPES[value]
        return queryset.filter(content_type=ContentType.objects.get_by_natural_key(app_label, model))

    def since(self, queryset, name, value):
        moment = _moment(value)
        return queryset if moment is None else queryset.filter(timestamp__gte=moment)

    def until(self, queryset, name, value):
        moment = _moment(value + datetime.timedelta(days=1)) if value < datetime.date.max else None
        return queryset if moment is None else queryset.filter(timestamp__lt=moment)
