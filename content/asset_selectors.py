"""What the asset pages and the API read about assets: usage figures, related assets, assets due
for review, and the taxonomy of a page of assets in one query. Writes live in content.assets."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from .caching import cache_key, keep, kept, library_version
from .models import Asset, AssetStatus, Competitor, FunnelStage, Persona, Usage
from .permissions import asset_audience, can, visible_assets

RELATED_LIMIT = 5
RELATED_FIELDS = ("id", "kind", "title", "summary", "status", "won_deal_count", "usage_count")


def usage_figures(asset: Asset) -> dict:
    """Uses, won deals and influenced revenue are stored on the asset; distinct reps and deals
    come from one aggregate query over its usage."""
    counts = Usage.objects.filter(asset=asset).aggregate(
        reps=Count("user", distinct=True), deals=Count("deal", distinct=True)
    )
    return {
        "uses": asset.usage_count,
        "won_deals": asset.won_deal_count,
        "influenced_revenue": asset.influenced_revenue,
        "influenced_revenue_by_currency": asset.influenced_revenue_by_currency,
        "reps": counts["reps"],
        "deals": counts["deals"],
    }


def _count_of(queryset, output_field=None):
    """A correlated COUNT(*) subquery, 0 when nothing matches."""
    counted = queryset.order_by().annotate(_one=Value(1)).values("_one").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted[:1], output_field=output_field or IntegerField()), 0)


def overlap_annotation(*, stage_ids=(), persona_ids=(), competitor_ids=(), tag_ids=()):
    """How many of the given stages, personas, competitors and tags an asset shares, in SQL."""
    through = Asset.stages.through
    parts = []
    if stage_ids:
        parts.append(_count_of(through.objects.filter(asset_id=OuterRef("pk"), funnelstage_id__in=stage_ids)))
    if persona_ids:
        parts.append(
            _count_of(Asset.personas.through.objects.filter(asset_id=OuterRef("pk"), persona_id__in=persona_ids))
        )
    if competitor_ids:
        parts.append(
            _count_of(
                Asset.competitors.through.objects.filter(asset_id=OuterRef("pk"), competitor_id__in=competitor_ids)
            )
        )
    if tag_ids:
        parts.append(
            _count_of(
                TaggedItem.objects.filter(
                    content_type__app_label="content",
                    content_type__model="asset",
                    object_id=OuterRef("pk"),
                    tag_id__in=tag_ids,
                )
            )
        )
    total = Value(0)
    for part in parts:
        total = total + part
    return total


def sharing_any(*, stage_ids=(), persona_ids=(), competitor_ids=(), tag_ids=()) -> Q:
    """Assets sharing at least one of the terms, as id subqueries (no row-multiplying joins)."""
    condition = Q(pk__in=[])
    if stage_ids:
        condition |= Q(pk__in=Asset.stages.through.objects.filter(funnelstage_id__in=stage_ids).values("asset_id"))
    if persona_ids:
        condition |= Q(pk__in=Asset.personas.through.objects.filter(persona_id__in=persona_ids).values("asset_id"))
    if competitor_ids:
        condition |= Q(
            pk__in=Asset.competitors.through.objects.filter(competitor_id__in=competitor_ids).values("asset_id")
        )
    if tag_ids:
        condition |= Q(
            pk__in=TaggedItem.objects.filter(
                content_type__app_label="content", content_type__model="asset", tag_id__in=tag_ids
            ).values("object_id")
        )
    return condition


def related_assets(*, asset: Asset, user, limit: int = RELATED_LIMIT) -> list:
    """Other assets the user may open that share the most stages, personas, competitors and tags
    with this one, then the best won-deal support. Reads the asset's prefetched taxonomy. Which
    they are is kept per asset and audience until the library changes (content/caching.py) or the
    next scheduled release; the assets themselves are read each time, so their figures are current."""
    key = cache_key("related", [asset.pk, asset_audience(user), limit], library_version)
    ids = kept(key)
    if ids is not None:
        listed = {a.pk: a for a in visible_assets(user).filter(pk__in=ids).only(*RELATED_FIELDS)}
        return [listed[pk] for pk in ids if pk in listed]
    related = _related(asset=asset, user=user, limit=limit)
    # until the next scheduled release, which may be one of them
    keep(key, [a.pk for a in related], settings.SEARCH_CACHE_SECONDS, until=Asset.objects.next_release())
    return related


def _related(*, asset: Asset, user, limit: int) -> list:
    terms = {
        "stage_ids": [s.pk for s in asset.stages.all()],
        "persona_ids": [p.pk for p in asset.personas.all()],
        "competitor_ids": [c.pk for c in asset.competitors.all()],
        "tag_ids": [t.pk for t in asset.tags.all()],
    }
    if not any(terms.values()):
        return []
    candidates = visible_assets(user).filter(sharing_any(**terms)).exclude(pk=asset.pk)
    if can(user, "view_unpublished_assets"):
        candidates = candidates.exclude(status=AssetStatus.ARCHIVED)
    return list(
        candidates.annotate(overlap=overlap_annotation(**terms))
        .order_by("-overlap", "-won_deal_count", "-influenced_revenue", "-id")
        .only(*RELATED_FIELDS)[:limit]
    )


def due_assets(*, owner=None, today=None, within_days: int = 14):
    """Published assets whose review is past due or due within `within_days`, soonest first."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=within_days)
    assets = Asset.objects.published().filter(review_by__lte=horizon)
    if owner is not None:
        assets = assets.filter(owner=owner)
    return assets.select_related("owner").order_by("review_by", "id")


def _taxonomy_rows(ids) -> list[tuple]:
    """(asset id, relation, term id, slug, name) of the stages, personas, competitors and tags of
    these assets, in one query, in the order the relations list them (stages by funnel order, the
    rest by name). On PostgreSQL the ids are one array parameter: the same statement (prepared
    once, DB_PREPARE_THRESHOLD) whatever the number of assets, and one value to send, not four per
    asset; elsewhere a list of parameters per relation."""
    if connection.vendor == "postgresql":
        among, params = "= ANY(%(ids)s)", {"ids": list(ids)}
    else:
        among, params = (
            f"IN ({', '.join(f'%(id{i})s' for i in range(len(ids)))})",
            {f"id{i}": pk for i, pk in enumerate(ids)},
        )
    params["asset_type"] = ContentType.objects.get_for_model(Asset).pk
    parts = [
        f"SELECT l.asset_id, 'stages', t.id, t.slug, t.name, t.\"order\" FROM content_asset_stages l "  # noqa: S608
        f"JOIN content_funnelstage t ON t.id = l.funnelstage_id WHERE l.asset_id {among}",
        f"SELECT l.asset_id, 'personas', t.id, t.slug, t.name, 0 FROM content_asset_personas l "  # noqa: S608
        f"JOIN content_persona t ON t.id = l.persona_id WHERE l.asset_id {among}",
        f"SELECT l.asset_id, 'competitors', t.id, t.slug, t.name, 0 FROM content_asset_competitors l "  # noqa: S608
        f"JOIN content_competitor t ON t.id = l.competitor_id WHERE l.asset_id {among}",
        f"SELECT l.object_id, 'tags', t.id, t.slug, t.name, 0 FROM taggit_taggeditem l "  # noqa: S608
        f"JOIN taggit_tag t ON t.id = l.tag_id WHERE l.content_type_id = %(asset_type)s AND l.object_id {among}",
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts) + " ORDER BY 2, 6, 5", params)
        return [row[:5] for row in cursor.fetchall()]


def attach_taxonomy(assets) -> list:
    """Give each asset `taxonomy`: {"stages", "personas", "competitors": slugs, "tags": names}, in
    the order the relations list them, read in one query for the whole list instead of one
    prefetch per relation."""
    assets = list(assets)
    for asset in assets:
        asset.taxonomy = {"stages": [], "personas": [], "competitors": [], "tags": []}
    if not assets:
        return assets
    by_id = {asset.pk: asset for asset in assets}
    for asset_id, relation, _, slug, name in _taxonomy_rows(list(by_id)):
        by_id[asset_id].taxonomy[relation].append(name if relation == "tags" else slug)
    return assets


def prefetch_taxonomy(asset: Asset) -> Asset:
    """Leave the asset's stages, personas, competitors and tags as prefetch_related would, so that
    `asset.stages.all()` and the rest read no more, but in one query instead of four. The terms
    hold their id, slug and name (any other field is read when asked for)."""
    terms = {"stages": [], "personas": [], "competitors": [], "tags": []}
    models = {"stages": FunnelStage, "personas": Persona, "competitors": Competitor, "tags": Tag}
    for _, relation, pk, slug, name in _taxonomy_rows([asset.pk]):
        model, read = models[relation], {"id": pk, "slug": slug, "name": name}
        values = [read[f.attname] for f in model._meta.concrete_fields if f.attname in read]  # in the model's order
        terms[relation].append(model.from_db(asset._state.db, list(read), values))
    cache = asset.__dict__.setdefault("_prefetched_objects_cache", {})
    for relation, found in terms.items():
        queryset = getattr(asset, relation).get_queryset()
        queryset._result_cache, queryset._prefetch_done = found, True
        cache[relation] = queryset
    return asset


__all__ = [
    "attach_taxonomy",
    "prefetch_taxonomy",
    "due_assets",
    "overlap_annotation",
    "related_assets",
    "sharing_any",
    "usage_figures",
]
