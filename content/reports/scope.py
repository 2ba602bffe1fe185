"""The rows each report starts from, narrowed by the filters the same way everywhere.

Deal attributes (persona, competitor) are tested with EXISTS so that a deal with two personas is
never counted twice; kind narrows assets; stage narrows uses to the stage they were logged at;
owner is the rep who logged a use or owns a deal; source keeps the uses logged by reps or the
buyers' views of tracked links.
"""

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from ..models import (
    BUYER_VIEW,
    MANUAL_USAGE_ACTIONS,
    Asset,
    ContentRequest,
    Deal,
    ShareLink,
    ShareLinkAsset,
    Usage,
    UsageDay,
    UsageDeal,
    UsageRepDay,
)

# The zones whose days are the rollup's days (UsageDay counts uses per UTC day).
UTC_ZONES = {"UTC", "Etc/UTC", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu"}


def _deal_has(filters, deal_ref):
    conditions = []
    if filters.persona:
        conditions.append(
            Exists(Deal.personas.through.objects.filter(deal_id=OuterRef(deal_ref), persona_id=filters.persona.pk))
        )
    if filters.competitor:
        conditions.append(
            Exists(
                Deal.competitors.through.objects.filter(deal_id=OuterRef(deal_ref), competitor_id=filters.competitor.pk)
            )
        )
    return conditions


def usages(filters, *, in_period=True, by_owner=True):
    """Uses logged in the period, narrowed by every filter (owner: the rep who logged the use, or
    who sent the link a buyer opened)."""
    queryset = Usage.objects.order_by()
    if in_period:
        queryset = queryset.filter(used_at__gte=filters.start_at, used_at__lt=filters.end_before)
    if filters.kind:
        queryset = queryset.filter(asset__kind=filters.kind)
    if filters.stage:
        queryset = queryset.filter(stage_id=filters.stage.pk)
    if by_owner and filters.owner:
        queryset = queryset.filter(user_id=filters.owner.pk)
    if filters.source == "logged":
        queryset = queryset.logged()
    elif filters.source == "buyer":
        queryset = queryset.buyer_views()
    return queryset.filter(*_deal_has(filters, "deal_id"))


def rollup_answers(filters, *, by_owner=True) -> bool:
    """Whether the daily rollup (UsageDay) gives exactly what `usages(filters)` would add up: its
    days are the period's days (the current time zone is UTC) and no filter goes through the deal
    (persona, competitor) or the rep (owner), which the rollup does not keep."""
    if filters.persona or filters.competitor or (by_owner and filters.owner):
        return False
    return timezone.get_current_timezone_name() in UTC_ZONES


def _rollup_days(model, filters):
    """A rollup's rows (UsageDay, UsageRepDay) of the period's days, of assets of the filtered kind."""
    queryset = model.objects.order_by().filter(day__gte=filters.start, day__lte=filters.end)
    return queryset.filter(asset__kind=filters.kind) if filters.kind else queryset


def usage_days(filters):
    """The rollup rows of the period (UsageDay), narrowed as `usages` narrows uses; only where
    `rollup_answers(filters)` says they add up to the same figures."""
    queryset = _rollup_days(UsageDay, filters)
    if filters.stage:
        queryset = queryset.filter(stage_id=filters.stage.pk)
    if filters.source == "logged":
        queryset = queryset.filter(action__in=MANUAL_USAGE_ACTIONS)
    elif filters.source == "buyer":
        queryset = queryset.filter(BUYER_VIEW)
    return queryset


def reps_rollup_answers(filters) -> bool:
    """Whether the reps' rollup (UsageRepDay) gives the same reps per asset as `usages(filters)`:
    where the daily rollup's days are the period's and nothing goes through the deal, and no stage
    or source is filtered, which it does not keep (it keeps the rep, so an owner filter answers)."""
    return not filters.stage and not filters.source and rollup_answers(filters, by_owner=False)


def rep_days(filters):
    """The reps' rollup rows of the period (UsageRepDay), narrowed as `usages` narrows uses; only
    where `reps_rollup_answers(filters)`."""
    queryset = _rollup_days(UsageRepDay, filters)
    return queryset.filter(user_id=filters.owner.pk) if filters.owner else queryset


def deal_pairs_answer(filters, *, by_owner=True, by_source=True) -> bool:
    """Whether the pairs' rollup (UsageDeal) gives the same asset-deal pairs as `usages(filters)`:
    where no stage is filtered, which it does not keep, nor (as `usages` applies them) the owner,
    the rep of a use, which it does not keep either, and the source, whose uses it keeps only the
    first of. Its times are times, not days: it answers in every time zone."""
    return not filters.stage and not (by_owner and filters.owner) and not (by_source and filters.source)


def deal_pairs(filters):
    """The pairs' rollup rows (UsageDeal) of assets of the filtered kind in deals with the filtered
    persona and competitor; only where `deal_pairs_answer(filters)`."""
    queryset = UsageDeal.objects.order_by()
    if filters.kind:
        queryset = queryset.filter(asset__kind=filters.kind)
    return queryset.filter(*_deal_has(filters, "deal_id"))


def deal_pairs_in_period(filters):
    """The pairs with a use in the period: the first or the last use in it, or, for a pair whose uses
    lie on both sides of the period, a use in it, asked of the uses (an index probe each). Every
    such pair was last used after the period starts and first used before it ends, which the
    pairs' index reads as a range."""
    start, end = filters.start_at, filters.end_before
    spans = Q(first_used__lt=start, last_used__gte=end)
    a_use_in_it = Exists(
        Usage.objects.filter(
            asset_id=OuterRef("asset_id"), deal_id=OuterRef("deal_id"), used_at__gte=start, used_at__lt=end
        )
    )
    return deal_pairs(filters).filter(Q(last_used__gte=start, first_used__lt=end), ~spans | a_use_in_it)


def uses_per_asset(filters, *, by_owner=True):
    """The period's uses per asset as `usages` would count them (asset_id, n), from the rollup
    when it answers the filters."""
    if rollup_answers(filters, by_owner=by_owner):
        return usage_days(filters).values("asset_id").annotate(n=Sum("use_count"))
    return usages(filters, by_owner=by_owner).values("asset_id").annotate(n=Count("id"))


def closed_deals(filters, *, owner=True):
    """Deals closed (won or lost) in the period with the filtered persona, competitor and owner:
    the comparable deals of the effectiveness baseline."""
    queryset = Deal.objects.closed().order_by().filter(close_date__gte=filters.start, close_date__lte=filters.end)
    if owner and filters.owner:
        queryset = queryset.filter(owner_id=filters.owner.pk)
    return queryset.filter(*_deal_has(filters, "pk"))


def assets(filters, queryset=None):
    """Assets of the filtered kind, tagged with the filtered stage, persona and competitor."""
    queryset = (Asset.objects.all() if queryset is None else queryset).order_by()
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.stage:
        queryset = queryset.filter(
            Exists(Asset.stages.through.objects.filter(asset_id=OuterRef("pk"), funnelstage_id=filters.stage.pk))
        )
    if filters.persona:
        queryset = queryset.filter(
            Exists(Asset.personas.through.objects.filter(asset_id=OuterRef("pk"), persona_id=filters.persona.pk))
        )
    if filters.competitor:
        queryset = queryset.filter(
            Exists(
                Asset.competitors.through.objects.filter(asset_id=OuterRef("pk"), competitor_id=filters.competitor.pk)
            )
        )
    if filters.owner:
        queryset = queryset.filter(owner_id=filters.owner.pk)
    return queryset


def requests(filters, *, owner_field="requester_id"):
    """Requests submitted in the period with the filtered kind, stage, persona and competitor."""
    queryset = ContentRequest.objects.order_by().filter(
        created_at__gte=filters.start_at, created_at__lt=filters.end_before
    )
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.stage:
        queryset = queryset.filter(stage_id=filters.stage.pk)
    if filters.persona:
        queryset = queryset.filter(persona_id=filters.persona.pk)
    if filters.competitor:
        queryset = queryset.filter(competitor_id=filters.competitor.pk)
    if filters.owner:
        queryset = queryset.filter(**{owner_field: filters.owner.pk})
    return queryset


def share_links(filters):
    """Tracked links sent in the period, for deals with the filtered persona and competitor, holding
    an asset of the filtered kind (owner is the sender, applied by the caller; a link has no stage)."""
    queryset = ShareLink.objects.order_by().filter(created_at__gte=filters.start_at, created_at__lt=filters.end_before)
    if filters.kind:
        queryset = queryset.filter(
            Exists(ShareLinkAsset.objects.filter(link_id=OuterRef("pk"), asset__kind=filters.kind))
        )
    return queryset.filter(*_deal_has(filters, "deal_id"))
