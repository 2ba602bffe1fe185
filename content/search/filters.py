"""The library's filters, declared once for the library page and `GET /api/v1/assets/`: the
FilterSet validates the parameters and hands them, as SearchParams, to `run_search`, which does
the searching (text, facets, visibility and ranking are one query plan, not separate filters)."""

import django_filters

from ..filtering import FilterForm, SharedDeclarations, SlugFilter, filter_values
from ..models import Asset, AssetKind, AssetStatus
from . import ORDERINGS, SEARCH_MODES, SearchParams, run_search

MAX_QUERY_LENGTH = 300


class AssetFilterSet(SharedDeclarations, django_filters.FilterSet):
    q = django_filters.CharFilter(max_length=MAX_QUERY_LENGTH, help_text="Words to search for.")
    kind = django_filters.ChoiceFilter(choices=AssetKind.choices)
    stage = SlugFilter(help_text="Funnel stage slug.")
    persona = SlugFilter(help_text="Persona slug.")
    competitor = SlugFilter(help_text="Competitor slug.")
    tag = django_filters.CharFilter(max_length=100, help_text="Tag name.")
    status = django_filters.ChoiceFilter(choices=AssetStatus.choices)
    ordering = django_filters.ChoiceFilter(choices=list(ORDERINGS.items()))
    mode = django_filters.ChoiceFilter(
        choices=list(SEARCH_MODES.items()),
        help_text="How `q` matches: `hybrid` (default) fuses keyword and semantic results, `semantic` matches "
        "meaning only, `keyword` words only. Without a working model, every mode is keyword search.",
    )

    class Meta:
        model = Asset
        fields = []
        form = FilterForm

    params = None  # the SearchParams searched for, once filtered
    search_result = None

    def search_params(self) -> SearchParams:
        """The valid values as SearchParams (FilterError when one is invalid)."""
        return SearchParams(**{name: value for name, value in filter_values(self).items() if value})

    def filter_queryset(self, queryset):
        """The search's ranked assets: `run_search` reads the visible assets itself, so `queryset`
        (the API's default list) is replaced, not narrowed."""
        self.params = self.search_params()
        self.search_result = run_search(user=self.request.user, params=self.params)
        return self.search_result.assets


def search_params_from(data) -> tuple[SearchParams, AssetFilterSet]:
    """(the SearchParams of the valid values, the bound FilterSet), for the library page, which
    renders the FilterSet's form: a bad value is named on the page (the form's `errors`) and left
    out, the rest of the search still runs."""
    filterset = AssetFilterSet(data)
    if filterset.is_valid():
        return filterset.search_params(), filterset
    kept = data.copy()
    for name in filterset.errors:
        kept.pop(name, None)
    return AssetFilterSet(kept).search_params(), filterset
