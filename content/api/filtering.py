"""The API's filter backend: a view declares `filterset_class`; the backend validates the query
through it (an invalid value is a 400 naming the field, by content.api.errors) and keeps the
FilterSet used on the view as `view.filterset`, for pagination to read what the search found."""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from ..filtering import filter_values


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        view.filterset = filterset
        if filterset is None:
            return queryset
        filter_values(filterset)
        return filterset.qs


def filterset_parameters(filterset_class) -> list[OpenApiParameter]:
    """The FilterSet's filters as OpenAPI query parameters, for views that are not generic lists
    (the calendar, the reports): the same names, types, enums and help as the FilterSet declares."""
    parameters = []
    for name, declared in filterset_class.base_filters.items():
        extra = declared.extra
        enum = None
        if isinstance(declared, django_filters.ModelChoiceFilter):
            kind = OpenApiTypes.STR  # a slug or a username, looked up
        elif isinstance(declared, django_filters.ChoiceFilter):
            kind, enum = OpenApiTypes.STR, [str(value) for value, _ in extra["choices"]]
        elif isinstance(declared, django_filters.DateFilter):
            kind = OpenApiTypes.DATE
        elif isinstance(declared, django_filters.NumberFilter):
            kind = OpenApiTypes.INT
        elif extra.get("max_length"):
            kind = {"type": "string", "maxLength": extra["max_length"]}
        else:
            kind = OpenApiTypes.STR
        parameters.append(
            OpenApiParameter(
                name,
                kind,
                required=bool(extra.get("required")),
                enum=enum,
                description=str(extra.get("help_text", "")),
            )
        )
    return parameters
