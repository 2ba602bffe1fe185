"""Deal prep: for one deal, what to bring to it, read from the deal's CRM fields — its product line,
competitors, funnel stage, industry and personas — with each pick explained in plain words; the
objection entries a rep will hear; a battle card per competitor. Only released assets the user may
open are recommended: this is what goes to a buyer.

One ranking rule (`rank`) orders both recommendations and objections: the one-pager for the deal's
product first, then how many of the deal's facts an asset matches (weighted by FIT_WEIGHTS), then the
won deals it supported. An asset written against a competitor is offered only to deals against it.
"""

from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast
from taggit.models import TaggedItem

from .models import Asset, AssetKind, Deal, DealStatus, Usage
from .permissions import visible_assets, visible_deals

RECOMMENDED_LIMIT = 12
OBJECTIONS_LIMIT = 10
# How much each fact of the deal an asset matches weighs in the ranking: the product the deal is for
# says most about what the buyer needs, then who we are up against, then the buyer's industry.
# Each weighs more than all the lesser ones together.
FIT_WEIGHTS = {"product": 16, "competitor": 8, "industry": 4, "stage": 2, "persona": 1}
LIST_FIELDS = (
    "id",
    "kind",
    "title",
    "summary",
    "customer",
    "industry",
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


@dataclass(frozen=True)
class DealFacts:
    """What the ranking reads of a deal (its prefetched stage, personas and competitors)."""

    product_line: str
    industry: str
    stage: object  # FunnelStage or None
    personas: list
    competitors: list

    @classmethod
    def of(cls, deal: Deal) -> "DealFacts":
        return cls(
            product_line=deal.product_line.strip(),
            industry=deal.industry.strip(),
            stage=deal.funnel_stage,
            personas=list(deal.personas.all()),
            competitors=list(deal.competitors.all()),
        )

    @property
    def competitor_ids(self):
        return [c.pk for c in self.competitors]

    def __bool__(self):
        return bool(self.product_line or self.industry or self.stage or self.personas or self.competitors)


@dataclass
class DealPrep:
    deal: Deal
    facts: DealFacts
    recommended: list = field(default_factory=list)  # assets, each with `.reasons` in plain words
    objections: list = field(default_factory=list)
    battle_cards: list = field(default_factory=list)  # (competitor, asset or None)


def _tagged(name: str):
    return TaggedItem.objects.filter(
        content_type__app_label="content", content_type__model="asset", tag__name__iexact=name
    ).values("object_id")


def _matches(facts: DealFacts) -> dict:
    """Per fact of the deal, the condition an asset meets when it matches that fact."""
    matches = {}
    if facts.product_line:
        matches["product"] = Q(pk__in=_tagged(facts.product_line))
    if facts.competitor_ids:
        matches["competitor"] = Q(
            pk__in=Asset.competitors.through.objects.filter(competitor_id__in=facts.competitor_ids).values("asset_id")
        )
    if facts.industry:
        matches["industry"] = Q(industry__iexact=facts.industry) | Q(pk__in=_tagged(facts.industry))
    if facts.stage:
        stage_assets = Asset.stages.through.objects.filter(funnelstage_id=facts.stage.pk).values("asset_id")
        matches["stage"] = Q(pk__in=stage_assets)
    if facts.personas:
        matches["persona"] = Q(
            pk__in=Asset.personas.through.objects.filter(persona_id__in=[p.pk for p in facts.personas]).values(
                "asset_id"
            )
        )
    return matches


def rank(assets, facts: DealFacts):
    """The one ranking rule of deal prep (module docstring): `assets` narrowed to those matching at
    least one fact of the deal, none written against a competitor the deal is not up against,
    annotated with `for_<fact>` flags (the reasons read them) and ordered best first."""
    matches = _matches(facts)
    if not matches:
        return assets.none()
    against_others = Q(pk__in=Asset.competitors.through.objects.values("asset_id"))
    if "competitor" in matches:
        against_others &= ~matches["competitor"]
    condition = Q()
    for match in matches.values():
        condition |= match
    flags = {f"for_{name}": ExpressionWrapper(match, output_field=BooleanField()) for name, match in matches.items()}
    fit = sum(
        (Case(When(match, then=Value(FIT_WEIGHTS[name])), default=Value(0)) for name, match in matches.items()),
        start=Value(0),
    )
    product_one_pager = (
        Case(When(matches["product"] & Q(kind=AssetKind.ONE_PAGER), then=Value(1)), default=Value(0))
        if "product" in matches
        else Value(0)
    )
    return (
        assets.filter(condition)
        .exclude(against_others)
        .annotate(**flags, fit=Cast(fit, IntegerField()), product_one_pager=product_one_pager)
        .order_by("-product_one_pager", "-fit", "-won_deal_count", "-influenced_revenue", "-id")
    )


def _openable(user):
    return visible_assets(user).released().select_related("verified_by").only(*LIST_FIELDS)


def prepare_deal(*, deal: Deal, user) -> DealPrep:
    """Everything the deal prep page shows, in a fixed number of queries: recommended, objections,
    two for the reasons (wins against the deal's competitors, deals at its stage), battle cards."""
    facts = DealFacts.of(deal)
    prep = DealPrep(deal=deal, facts=facts)
    if not facts:
        return prep
    openable = _openable(user)
    prep.recommended = list(
        rank(openable.exclude(kind__in=[AssetKind.OBJECTION, AssetKind.BATTLE_CARD]), facts)[:RECOMMENDED_LIMIT]
    )
    prep.objections = list(rank(openable.filter(kind=AssetKind.OBJECTION), facts)[:OBJECTIONS_LIMIT])
    _explain([*prep.recommended, *prep.objections], facts)
    if facts.competitors:
        prep.battle_cards = _battle_cards(openable, facts.competitors)
    return prep


def _explain(assets, facts: DealFacts) -> None:
    """Set `asset.reasons`: why each pick fits this deal, in the words a rep would use."""
    ids = [asset.pk for asset in assets]
    record = {}  # (asset id, competitor id) -> (won, closed)
    if ids and facts.competitors:
        rows = (
            Usage.objects.supporting()
            .filter(asset_id__in=ids, deal__status__in=[DealStatus.WON, DealStatus.LOST])
            .filter(deal__competitors__in=facts.competitor_ids)
            .values("asset_id", "deal__competitors")
            .annotate(
                won=Count("deal", distinct=True, filter=Q(deal__status=DealStatus.WON)),
                closed=Count("deal", distinct=True),
            )
            .order_by()
        )
        record = {(row["asset_id"], row["deal__competitors"]): (row["won"], row["closed"]) for row in rows}
    at_stage = {}
    if ids and facts.stage:
        rows = (
            Usage.objects.filter(asset_id__in=ids, stage_id=facts.stage.pk)
            .values("asset_id")
            .annotate(deals=Count("deal", distinct=True))
            .order_by()
        )
        at_stage = {row["asset_id"]: row["deals"] for row in rows}
    for asset in assets:
        asset.reasons = _reasons(asset, facts, record, at_stage)


def _deals(count: int) -> str:
    return f"{count} deal{'s' if count != 1 else ''}"


def _reasons(asset, facts, record, at_stage) -> list[str]:
    reasons = []
    if getattr(asset, "for_product", False):
        if asset.kind == AssetKind.ONE_PAGER:
            reasons.append(f"One-pager for {facts.product_line}, the product on this deal")
        else:
            reasons.append(f"About {facts.product_line}, the product on this deal")
    if getattr(asset, "for_competitor", False):
        for competitor in facts.competitors:
            won, closed = record.get((asset.pk, competitor.pk), (0, 0))
            if closed:
                reasons.append(f"Won {won} of {_deals(closed)} against {competitor.name}")
        if not any(record.get((asset.pk, c.pk)) for c in facts.competitors):
            names = " or ".join(c.name for c in facts.competitors)
            reasons.append(f"Written for deals against {names}")
    if getattr(asset, "for_industry", False):
        if asset.kind == AssetKind.CASE_STUDY and asset.industry.lower() == facts.industry.lower():
            reasons.append(f"A {facts.industry} customer, like this account")
        else:
            reasons.append(f"About {facts.industry}, this account's industry")
    if getattr(asset, "for_stage", False):
        used = at_stage.get(asset.pk, 0)
        if used:
            reasons.append(f"Used in {_deals(used)} at this stage ({facts.stage.name})")
        else:
            reasons.append(f"Written for the {facts.stage.name} stage")
    if getattr(asset, "for_persona", False):
        names = ", ".join(p.name for p in facts.personas)
        one = len(facts.personas) == 1
        reasons.append(f"Written for the {names}" if one else f"Written for a buyer on this deal ({names})")
    return reasons


def _battle_cards(openable, competitors):
    """The best-supported card per competitor, or None: every card about these competitors is read in
    one query (a handful each) and the first per competitor kept."""
    through = Asset.competitors.through
    links = (
        through.objects.filter(
            competitor_id__in=[c.pk for c in competitors], asset__in=openable.filter(kind=AssetKind.BATTLE_CARD)
        )
        .select_related("asset__verified_by")
        .only(*(f"asset__{name}" for name in LIST_FIELDS), "competitor_id")
        .order_by("competitor_id", "-asset__won_deal_count", "-asset__usage_count", "-asset_id")[:200]
    )
    best = {}
    for link in links:
        best.setdefault(link.competitor_id, link.asset)
    return [(c, best.get(c.pk)) for c in competitors]


__all__ = ["FIT_WEIGHTS", "DealFacts", "DealPrep", "deals_for_prep", "prepare_deal", "rank"]
