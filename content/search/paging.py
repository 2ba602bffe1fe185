"""Pagination of search results with a capped count: counting every match of a broad query costs
a row visit per match, and nobody pages past the first few hundred results anyway."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """Counts at most `cap` results (`count_capped` says when there are more)."""

    def __init__(self, object_list, per_page, *, cap=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        if self.cap is None:
            return super().count
        return self.object_list[: self.cap + 1].count()

    @cached_property
    def count(self):
        return self._counted if self.cap is None else min(self._counted, self.cap)

    @property
    def count_capped(self) -> bool:
        return self.cap is not None and self._counted > self.cap
