"""Asset services and selectors: status transitions, verification, files, and what the asset
page reads (usage figures, related assets). Pages, API and commands call these, so each rule
is written once."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from taggit.models import TaggedItem

from .extraction import extract_text
from .jobs import job_handler, job_start
from .models import Asset, AssetStatus, Usage
from .permissions import can, visible_assets
from .uploads import safe_file_name, validate_asset_file

RELATED_LIMIT = 5


@transaction.atomic
def asset_transition(*, asset: Asset, to_status: str, actor) -> Asset:
    """Move the asset along its workflow. Publishing stamps published_at (when empty) and makes
    the actor the owner of an ownerless asset, since every published asset needs someone who
    verifies it. An invalid move changes nothing and says why."""
    if not can(actor, "edit_assets"):
        raise PermissionDenied("Only marketing may change an asset's status.")
    if to_status not in AssetStatus.values:
        raise ValidationError(f"“{to_status}” is not a status.", code="unknown_status")
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    if not asset.can_transition_to(to_status):
        raise ValidationError(
            "An asset that is %(from)s cannot become %(to)s.",
            code="invalid_transition",
            params={"from": asset.get_status_display().lower(), "to": AssetStatus(to_status).label.lower()},
        )
    asset.status = to_status
    if to_status == AssetStatus.PUBLISHED:
        if asset.published_at is None:
            asset.published_at = timezone.now()
        if asset.owner_id is None:
            asset.owner = actor
    asset.save()
    return asset


def may_verify(actor, asset: Asset) -> bool:
    return can(actor, "edit_assets") or (asset.owner_id is not None and asset.owner_id == actor.pk)


@transaction.atomic
def asset_verify(*, asset: Asset, actor) -> Asset:
    """The owner (or any marketer) confirms the asset is still right: review_by moves on."""
    if not may_verify(actor, asset):
        raise PermissionDenied("Only the owner or marketing may verify an asset.")
    if asset.status != AssetStatus.PUBLISHED:
        raise ValidationError("Only a published asset can be verified.", code="not_published")
    asset.verified_at = timezone.now()
    asset.verified_by = actor
    asset.save(update_fields=["verified_at", "verified_by", "review_by", "updated_at"])
    return asset


def asset_save_file(*, asset: Asset, uploaded_file) -> Asset:
    """Validate, store and index a new file for the asset. A small file's text is extracted before
    the file is stored so the row is written once; a big file's text is extracted by a background
    job after commit. A file that fails validation stores nothing."""
    validate_asset_file(uploaded_file)
    in_background = uploaded_file.size > settings.EXTRACT_IN_BACKGROUND_BYTES
    text = "" if in_background else extract_text(uploaded_file)
    old_name = asset.file.name if asset.file else ""
    uploaded_file.seek(0)
    asset.file.save(safe_file_name(uploaded_file.name), uploaded_file, save=False)
    asset.file_text = text
    try:
        with transaction.atomic():
            asset.save()
    except Exception:
        asset.file.storage.delete(asset.file.name)
        raise
    if old_name and old_name != asset.file.name:
        transaction.on_commit(lambda: asset.file.storage.delete(old_name))
    if in_background:
        job_start(kind="extract_text", params={"asset_id": asset.pk, "file": asset.file.name})
    return asset


@job_handler("extract_text")
def extract_text_job(*, job, progress):
    """Extract a big file's text into the search index, unless the file was replaced meanwhile."""
    asset = Asset.objects.filter(pk=job.params["asset_id"]).first()
    if asset is None or asset.file.name != job.params["file"]:
        return {"skipped": "the asset or its file changed"}
    with asset.file.open("rb") as stored:
        text = extract_text(stored)
    asset.file_text = text
    asset.save(update_fields=["file_text", "updated_at"])
    return {"characters": len(text)}


def download_name(asset: Asset) -> str:
    return safe_file_name(asset.file.name)


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


def related_assets(*, asset: Asset, user, limit: int = RELATED_LIMIT):
    """Other assets the user may open that share the most stages, personas, competitors and tags
    with this one, then the best won-deal support. Reads the asset's prefetched taxonomy."""
    terms = {
        "stage_ids": [s.pk for s in asset.stages.all()],
        "persona_ids": [p.pk for p in asset.personas.all()],
        "competitor_ids": [c.pk for c in asset.competitors.all()],
        "tag_ids": [t.pk for t in asset.tags.all()],
    }
    if not any(terms.values()):
        return Asset.objects.none()
    candidates = visible_assets(user).filter(sharing_any(**terms)).exclude(pk=asset.pk)
    if can(user, "view_unpublished_assets"):
        candidates = candidates.exclude(status=AssetStatus.ARCHIVED)
    return list(
        candidates.annotate(overlap=overlap_annotation(**terms))
        .order_by("-overlap", "-won_deal_count", "-influenced_revenue", "-id")
        .only("id", "kind", "title", "summary", "status", "won_deal_count", "usage_count")[:limit]
    )


def due_assets(*, owner=None, today=None, within_days: int = 14):
    """Published assets whose review is past due or due within `within_days`, soonest first."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=within_days)
    assets = Asset.objects.published().filter(review_by__lte=horizon)
    if owner is not None:
        assets = assets.filter(owner=owner)
    return assets.select_related("owner").order_by("review_by", "id")


__all__ = [
    "asset_save_file",
    "asset_transition",
    "asset_verify",
    "due_assets",
    "may_verify",
    "related_assets",
    "usage_figures",
]


def attach_taxonomy(assets) -> list:
    """Give each asset `taxonomy`: {"stages", "personas", "competitors": slugs, "tags": names}, in
    the order the relations list them (stages by funnel order, the rest by name), read in one query
    for the whole list instead of one prefetch per relation."""
    assets = list(assets)
    ids = [asset.pk for asset in assets]
    for asset in assets:
        asset.taxonomy = {"stages": [], "personas": [], "competitors": [], "tags": []}
    if not ids:
        return assets
    marks = ",".join(["%s"] * len(ids))
    parts = [
        f"SELECT l.asset_id, 'stages', t.slug, t.\"order\", t.name FROM content_asset_stages l "  # noqa: S608
        f"JOIN content_funnelstage t ON t.id = l.funnelstage_id WHERE l.asset_id IN ({marks})",
        f"SELECT l.asset_id, 'personas', t.slug, 0, t.name FROM content_asset_personas l "  # noqa: S608
        f"JOIN content_persona t ON t.id = l.persona_id WHERE l.asset_id IN ({marks})",
        f"SELECT l.asset_id, 'competitors', t.slug, 0, t.name FROM content_asset_competitors l "  # noqa: S608
        f"JOIN content_competitor t ON t.id = l.competitor_id WHERE l.asset_id IN ({marks})",
        f"SELECT l.object_id, 'tags', t.name, 0, t.name FROM taggit_taggeditem l "  # noqa: S608
        f"JOIN taggit_tag t ON t.id = l.tag_id WHERE l.content_type_id = %s AND l.object_id IN ({marks})",
    ]
    params = [*ids, *ids, *ids, ContentType.objects.get_for_model(Asset).pk, *ids]
    by_id = {asset.pk: asset for asset in assets}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts) + " ORDER BY 2, 4, 5", params)
        for asset_id, relation, value, _, _ in cursor.fetchall():
            by_id[asset_id].taxonomy[relation].append(value)
    return assets
