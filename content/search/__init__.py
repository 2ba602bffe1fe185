"""Asset search: one interface over a backend per database (the public surface is `__all__`).

This first version filters with icontains; the full-text backends replace `_match` while
keeping `search_assets` and `SearchParams` as they are.
"""

from dataclasses import dataclass

from django.db.models import Q

from ..permissions import visible_assets


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    kind: str = ""
    stage: str = ""
    persona: str = ""
    competitor: str = ""
    tag: str = ""
    status: str = ""
    ordering: str = "relevance"  # relevance | newest | most_used | best_support


def _match(queryset, q):
    return queryset.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(body__icontains=q))


def search_assets(*, user, params: SearchParams):
    """The assets `user` may see that match `params`, best first."""
    assets = visible_assets(user)
    if params.q:
        assets = _match(assets, params.q)
    if params.kind:
        assets = assets.filter(kind=params.kind)
    if params.stage:
        assets = assets.for_stage(params.stage)
    if params.persona:
        assets = assets.for_persona(params.persona)
    if params.competitor:
        assets = assets.for_competitor(params.competitor)
    if params.tag:
        assets = assets.filter(tags__name=params.tag)
    if params.status:
        assets = assets.filter(status=params.status)
    return assets.order_by("-won_deal_count", "-updated_at", "-id")


__all__ = ["SearchParams", "search_assets"]
