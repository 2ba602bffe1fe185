"""Pagination of search results with a capped count: counting every match of a broad query costs
a row visit per match, and nobody pages past the first few hundred results anyway. And the ranked
list of a text search (either database), whose pages read only their own assets."""

from django.contrib.postgres.fields import ArrayField
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import BooleanField, CharField, F, Func, IntegerField, Value
from django.db.models.functions import Cast, Concat
from django.utils.functional import cached_property

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """Counts at most `cap` results (`count_capped` says when there are more). `known_count`, the
    number of results when the search already knows it (exact up to `cap` + 1), saves the count
    query."""

    def __init__(self, object_list, per_page, *, cap=None, known_count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.known_count = known_count

    @cached_property
    def _counted(self) -> int:
        if self.cap is None:
            return super().count
        if self.known_count is not None:
            return min(self.known_count, self.cap + 1)
        first = self.object_list[: self.cap + 1]
        return len(first) if isinstance(first, list) else first.count()  # a list of ranked ids, or a query

    @cached_property
    def count(self):
        return self._counted if self.cap is None else min(self._counted, self.cap)

    @property
    def count_capped(self) -> bool:
        return self.cap is not None and self._counted > self.cap


# The ranked list (PostgreSQL: `= ANY(array)` and `array_position`; SQLite: `IN` and `instr`) --------

_ID_ARRAY = ArrayField(IntegerField())
# The QuerySet methods that change neither which assets a ranked list holds nor their order.
_CHAINED = ("all", "select_related", "prefetch_related", "defer", "only", "using", "values", "without_file_text")


def _id_array(ids: list[int]):
    return Value(ids, output_field=_ID_ARRAY)  # one parameter, `%s::integer[]`


class InArray(Func):
    """`expression = ANY(array)`: membership in an array, one parameter however long it is."""

    output_field = BooleanField()
    conditional = True
    arg_joiner = " = ANY("
    template = "%(expressions)s)"


def among_ids(queryset, ids: list[int]):
    """The rows of `queryset` whose id is in `ids`. On PostgreSQL `id = ANY(ids)` is one array
    parameter (a primary key probe per id) however long the list; elsewhere (SQLite) a list of
    parameters, one per id."""
    if connections[queryset.db].vendor == "postgresql":
        return queryset.filter(InArray(F("pk"), _id_array(ids)))
    return queryset.filter(pk__in=ids)


class RankedAssets:
    """The assets of a ranked list of ids, in that order, read like a QuerySet. A slice (a page)
    reads only the assets of that slice, with only their ids in its SQL: 20 rows by primary key,
    whatever the number of candidates; `count()` and `exists()` need no query.

    Not a QuerySet itself: `select_related`, `prefetch_related`, `defer`, `only`, `using`, `values`
    (a page of dicts) and `all` keep the ranked list; anything else (a filter after ranking, an `|`
    with another queryset, an order, values_list) is asked of `queryset`, the whole list as an
    ordinary QuerySet, so its slices are ordinary SQL slices and its count a count query."""

    ordered = True  # by the list itself: a paginator need not build the whole list's query to ask

    def __init__(self, queryset, ids: list[int]):
        # before the ranked ids narrow it: a QuerySet, or a function that builds it when first needed
        # (a page read by its ids alone never needs it; content/api/representations.py)
        self._base = queryset
        self.ids = list(ids)
        self._cache = None

    @classmethod
    def of(cls, model, ids: list[int]) -> "RankedAssets":
        return cls(model._default_manager.all(), ids)

    def _narrowed(self, ids: list[int]):
        """The assets of `ids`, in that order (`among_ids`). On PostgreSQL the sort key is the id's
        place in the array; elsewhere (SQLite) the place of ",id," in one string of them all."""
        base = self.unranked
        if connections[base.db].vendor == "postgresql":
            position = Func(_id_array(ids), F("pk"), function="array_position", output_field=IntegerField())
            return among_ids(base, ids).order_by(position)
        listed = "," + ",".join(str(int(pk)) for pk in ids) + ","
        key = Concat(Value(","), Cast("pk", CharField()), Value(","))
        position = Func(Value(listed), key, function="instr", output_field=IntegerField())
        return among_ids(base, ids).order_by(position)

    @property
    def queryset(self):
        """The whole ranked list as an ordinary QuerySet."""
        return self._narrowed(self.ids)

    @property
    def unranked(self):
        """The assets the list was ranked from, unordered: to read some of them by id without the
        whole list's ids in the SQL."""
        if callable(self._base):
            self._base = self._base()
        return self._base

    def __getattr__(self, name):
        if name.startswith("_") or name in ("ids", "queryset", "unranked"):
            raise AttributeError(name)
        if name in _CHAINED:
            return lambda *args, **kwargs: RankedAssets(lambda: getattr(self.unranked, name)(*args, **kwargs), self.ids)
        return getattr(self.queryset, name)

    def __getitem__(self, k):
        if self._cache is not None:
            return self._cache[k]
        if isinstance(k, slice):
            if (k.start or 0) < 0 or (k.stop or 0) < 0:
                raise ValueError("Negative indexing is not supported.")
            return self._narrowed(self.ids[k])
        return self.queryset[k]

    def _fetch(self) -> list:
        if self._cache is None:
            self._cache = list(self.queryset)
        return self._cache

    def __iter__(self):
        return iter(self._fetch())

    def __len__(self):
        return len(self._fetch())

    def __bool__(self):
        return bool(self._fetch())

    def __or__(self, other):
        return self.queryset | other

    def __and__(self, other):
        return self.queryset & other

    def count(self) -> int:
        return len(self.ids) if self._cache is None else len(self._cache)

    def exists(self) -> bool:
        return bool(self.ids) if self._cache is None else bool(self._cache)

    def __repr__(self):
        return f"<RankedAssets of {len(self.ids)} ids>"
