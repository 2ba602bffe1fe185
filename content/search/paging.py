"""Pagination of search results with a capped count: counting every match of a broad query costs
a row visit per match, and nobody pages past the first few hundred results anyway."""

from django.core.paginator import Paginator
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
        return self.object_list[: self.cap + 1].count()

    @cached_property
    def count(self):
        return self._counted if self.cap is None else min(self._counted, self.cap)

    @property
    def count_capped(self) -> bool:
        return self.cap is not None and self._counted > self.cap
