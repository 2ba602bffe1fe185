"""What every list's filters share: the owner given by username, a slug of the taxonomy, and
`filter_values`, which validates a FilterSet and returns its cleaned values or raises the domain
ValidationError that the pages and the API (content.api.errors) turn into a 400 naming the fields.
Each area declares its FilterSet next to its queries (content/*/filters.py)."""

import copy
import datetime
import re

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema_field

from .names import person_name

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A legacy numeric user id (the calendar's `owner` before it took a username).
_USER_ID = re.compile(r"[1-9][0-9]{0,8}")


class FilterError(ValidationError):
    """A filter value that cannot be used; `message_dict` names each field and why."""


class FilterForm(forms.Form):
    """Every FilterSet's form (`Meta.form`), rendered as the page's filter form by
    includes/filter_fields.html: each field's id is `f-<name>` on every page."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "f-%s")
        super().__init__(*args, **kwargs)

    def full_clean(self):
        super().full_clean()
        for name in self.errors.keys() & self.fields.keys():  # the widget names its error
            field = self.fields[name]
            field.widget = copy.deepcopy(field.widget)  # this form's own (its fields may share one: SharedFields)
            field.widget.attrs["aria-describedby"] = self.auto_id % name + "-error"


class SharedFields(dict):
    """A form class's fields, which every form deep-copies when it is built (`BaseForm.__init__`):
    here each form still gets its own field objects, but they share their widget, messages and
    validators, which no form changes (FilterForm copies a widget before it marks an error on it).
    For the forms of FilterSets built on every request (`SharedDeclarations`), whose fields read
    nothing when declared (fixed choices, no queryset): deep-copying them, their choices and their
    widgets was most of the CPU of building such a form."""

    def __deepcopy__(self, memo):
        return {name: copy.copy(field) for name, field in self.items()}


class _DeclaredFilters(dict):
    """A FilterSet's declared filters, which django-filter deep-copies for every FilterSet it builds:
    here each FilterSet still gets its own filter objects (it sets their `parent` and `model`), but
    what they were declared with (choices, widgets, help texts) is shared, never changed after."""

    def __deepcopy__(self, memo):
        return {name: copy.copy(declared) for name, declared in self.items()}


class SharedDeclarations:
    """Mixed into a FilterSet built on every request: its filters are copied as _DeclaredFilters,
    and its form class, built once per FilterSet class, copies its fields as SharedFields."""

    _form_class = None

    @classmethod
    def get_filters(cls):
        return _DeclaredFilters(super().get_filters())

    def get_form_class(self):
        cls = type(self)
        if cls.__dict__.get("_form_class") is None:  # a subclass builds its own
            form_class = super().get_form_class()
            form_class.base_fields = SharedFields(form_class.base_fields)
            cls._form_class = form_class
        return cls._form_class


class LazySelect(forms.Select):
    """A select whose options are read when the form is rendered, not when it is declared or
    validated: `options()` returns (value, label) pairs, `empty_label` heads them. A value that is
    not an option (an unknown slug, a legacy id) is still submitted and validated by the field."""

    def __init__(self, options, *, empty_label, attrs=None):
        self.options, self.empty_label = options, empty_label
        super().__init__(attrs)

    def get_context(self, name, value, attrs):
        # the options go on a copy: this widget may be shared by many forms (SharedFields)
        rendered = copy.copy(self)
        rendered.choices = [("", self.empty_label), *self.options()]
        context = super(LazySelect, rendered).get_context(name, value, attrs)
        context["widget"]["attrs"].pop("maxlength", None)  # the field's limit; not an attribute of a select
        return context


def slug_options(model):
    """A taxonomy's (slug, name) pairs, for a LazySelect (one query when rendered)."""
    return lambda: model.objects.values_list("slug", "name")


def user_options(users):
    """(username, full name) pairs of the users `users()` returns, for a LazySelect."""
    return lambda: [(user.get_username(), person_name(user)) for user in users()]


def people_options(*, with_inactive=False):
    """Everyone who signs in, by full name, for a LazySelect of people; `with_inactive` adds the
    deactivated (the audit log still names them)."""

    def people():
        users = get_user_model().objects.all() if with_inactive else get_user_model().objects.filter(is_active=True)
        return users.order_by("first_name", "last_name", "username").only("username", "first_name", "last_name")

    return user_options(people)


class UserByUsernameField(forms.CharField):
    """A user given by username; with `legacy_ids`, a whole number that is nobody's username is
    read as a user id (deprecated: the calendar's `owner` took ids before it took usernames)."""

    def __init__(self, *, legacy_ids=False, **kwargs):
        self.legacy_ids = legacy_ids
        kwargs.setdefault("max_length", 150)
        super().__init__(**kwargs)

    def clean(self, value):
        name = super().clean(value)
        if not name:
            return None
        users = get_user_model().objects
        user = users.filter(username=name).first()
        if user is None and self.legacy_ids and _USER_ID.fullmatch(name):
            user = users.filter(pk=int(name)).first()
        if user is None:
            raise ValidationError("No user named %(name)r.", code="invalid_choice", params={"name": name[:50]})
        return user


@extend_schema_field({"type": "string", "maxLength": 150})  # the API schema: a username, not the user's id
class OwnerFilter(django_filters.Filter):
    """`owner=<username>` everywhere: the rows whose `field_name` is that user."""

    field_class = UserByUsernameField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 150)  # a username's limit, declared in the API schema too
        super().__init__(*args, **kwargs)

    def filter(self, queryset, value):
        return queryset if value is None else queryset.filter(**{self.field_name: value})


class SlugFilter(django_filters.CharFilter):
    """A stage, persona or competitor by slug (an unknown slug matches nothing); with `taxonomy`
    (the model), the page renders it as a select of that taxonomy's names."""

    def __init__(self, *args, taxonomy=None, empty_label="Any", **kwargs):
        kwargs.setdefault("max_length", 100)
        if taxonomy is not None:
            kwargs.setdefault("widget", LazySelect(slug_options(taxonomy), empty_label=empty_label))
            kwargs.setdefault("label", str(taxonomy._meta.verbose_name).capitalize())
        super().__init__(*args, **kwargs)


class IsoDateField(forms.CharField):
    """A day written YYYY-MM-DD; `error_messages["invalid"]` may use %(value)r, the value given."""

    default_error_messages = {"invalid": "Enter a date written as YYYY-MM-DD."}
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            if not _ISO_DATE.fullmatch(text):
                raise ValueError(text)
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": text[:20]}) from None


class IsoDateFilter(django_filters.DateFilter):
    """A day (YYYY-MM-DD) that an area's FilterSet checks as part of a period, not a lookup."""

    field_class = IsoDateField


def filter_values(filterset) -> dict:
    """The FilterSet's cleaned values; FilterError({field: [messages]}) when one is invalid."""
    if not filterset.is_valid():
        raise FilterError({name: list(messages) for name, messages in filterset.errors.items()})
    return filterset.form.cleaned_data


def error_sentence(error: ValidationError) -> str:
    """One line for a page or a `detail`: "owner: No user named 'x'." for each field."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return " ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
