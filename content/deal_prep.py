"""Deal prep: for one deal, the assets that fit its funnel stage, personas and competitors,
ranked by proven won-deal support; the objection entries a rep will hear; a battle card per
competitor. Only released assets the user may open are recommended: this is what goes to a buyer."""

from dataclasses import dataclass, field

from django.db.models import Q

from .asset_selectors import overlap_annotation, sharing_any
from .models import Asset, AssetKind, Deal
from .permissions import visible_assets, visible_deals

RECOMMENDED_LIMIT = 12
OBJECTIONS_LIMIT = 10
LIST_FIELDS = (
    "id",
    "kind",
    "title",
    "summary",
    "customer",
    "how_we_win",
    "objection",
    "response",
    "usage_count",
    "won_deal_count",
    "influenced_revenue",
    "influenced_revenue_by_currency",
    "review_by",
    "status",
    "published_at",
    "expires_on",
    "verified_at",
    "verified_by__username",
    "verified_by__first_name",
    "verified_by__last_name",
)


def deals_for_prep(*, user, q: str = ""):
    """The open deals the user may see (content.permissions.visible_deals)."""
    deals = visible_deals(user, Deal.objects.open().select_related("funnel_stage"))
    q = q.strip()
    if q:
        deals = deals.filter(Q(name__icontains=q) | Q(account__icontains=q) | Q(crm_id__iexact=q))
    return deals.order_by("close_date", "name", "id")


@dataclass
class DealPrep:
    deal: Deal
    recommended: list = field(default_factory=list)
    objections: list = field(default_factory=list)
    battle_cards: list = field(default_factory=list)  # (competitor, asset or None)


def _openable(user):
    return visible_assets(user).released().select_related("verified_by").only(*LIST_FIELDS)


def prepare_deal(*, deal: Deal, user) -> DealPrep:
    """Everything the deal prep page shows, in a fixed number of queries (deal taxonomy read
    from its prefetched personas and competitors)."""
    stage_ids = [deal.funnel_stage_id] if deal.funnel_stage_id else []
    persona_ids = [p.pk for p in deal.personas.all()]
    competitors = list(deal.competitors.all())
    competitor_ids = [c.pk for c in competitors]
    prep = DealPrep(deal=deal)
    terms = {"stage_ids": stage_ids, "persona_ids": persona_ids, "competitor_ids": competitor_ids}
    if not any(terms.values()):
        return prep

    # Proven support first (won deals, then revenue), then how well the asset fits this deal.
    prep.recommended = list(
        _openable(user)
        .exclude(kind__in=[AssetKind.OBJECTION, AssetKind.BATTLE_CARD])
        .filter(sharing_any(**terms))
        .annotate(overlap=overlap_annotation(**terms))
        .order_by("-won_deal_count", "-influenced_revenue", "-overlap", "-id")[:RECOMMENDED_LIMIT]
    )

    objection_terms = {"stage_ids": stage_ids, "competitor_ids": competitor_ids}
    if any(objection_terms.values()):
        prep.objections = list(
            _openable(user)
            .filter(kind=AssetKind.OBJECTION)
            .filter(sharing_any(**objection_terms))
            .annotate(overlap=overlap_annotation(**objection_terms))
            .order_by("-overlap", "-won_deal_count", "-usage_count", "-id")[:OBJECTIONS_LIMIT]
        )

    if competitor_ids:
        # The best-supported card per competitor: read every card about these competitors in one
        # query (a handful each) and keep the first per competitor.
        through = Asset.competitors.through
        links = (
            through.objects.filter(
                competitor_id__in=competitor_ids, asset__in=_openable(user).filter(kind=AssetKind.BATTLE_CARD)
            )
            .select_related("asset__verified_by")
            .only(*(f"asset__{name}" for name in LIST_FIELDS), "competitor_id")
            .order_by("competitor_id", "-asset__won_deal_count", "-asset__usage_count", "-asset_id")[:200]
        )
        best = {}
        for link in links:
            best.setdefault(link.competitor_id, link.asset)
        prep.battle_cards = [(c, best.get(c.pk)) for c in competitors]
    return prep


__all__ = ["DealPrep", "deals_for_prep", "prepare_deal"]
