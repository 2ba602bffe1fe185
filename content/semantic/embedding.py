"""Keeping an asset's passages and their vectors current: published assets are embedded, anything
else has none. `embed_asset` is the one write path (saves, the background job, `embed_assets`);
a stored vector is reused whenever the same passage text was embedded by the same model before.
"""

import logging
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..caching import library_changed
from ..jobs import job_handler, job_start
from ..models import Asset, AssetEmbedding, AssetStatus, Passage
from . import index, runtime
from .passages import content_hash, split_asset

log = logging.getLogger(__name__)

# The fields an asset's passages are made of, and its status (only published assets have any).
EMBEDDED_FIELDS = frozenset(
    {
        "title",
        "summary",
        "body",
        "file_text",
        "status",
        "customer",
        "industry",
        "results",
        "objection",
        "response",
        "strengths",
        "weaknesses",
        "landmines",
        "how_we_win",
    }
)

EMBEDDED = "embedded"
UNCHANGED = "unchanged"
REMOVED = "removed"
FAILED = "failed"
QUEUED = "queued"


def remove_passages(*, asset_id: int) -> str:
    """An asset that is no longer published leaves the semantic index."""
    with transaction.atomic():
        deleted, _ = Passage.objects.filter(asset_id=asset_id).delete()
        changes = {"content_hash": "", "passage_count": 0, "error": "", "embedded_at": None}
        if deleted:
            changes["changed_at"] = timezone.now()
        AssetEmbedding.objects.filter(asset_id=asset_id).update(**changes)
    if deleted:
        library_changed()
    return REMOVED


def embed_asset(*, asset: Asset, inline_limit: int | None = None, rebuild: bool = False, encoder=None) -> str:
    """Bring the asset's passages and vectors up to date; returns what happened (embedded,
    unchanged, removed, failed or queued). More than `inline_limit` passages to encode are left to
    a background job. A model that cannot run leaves its reason on the asset, never an exception."""
    if asset.status != AssetStatus.PUBLISHED:
        if AssetEmbedding.objects.filter(asset_id=asset.pk).exclude(passage_count=0).exists():
            return remove_passages(asset_id=asset.pk)
        return UNCHANGED
    return embed_assets(assets=[asset], inline_limit=inline_limit, rebuild=rebuild, encoder=encoder)[asset.pk]


def _record_error(asset_ids, reason: str, states: dict) -> None:
    now = timezone.now()
    for asset_id in asset_ids:
        if asset_id in states:
            if states[asset_id].error != reason:
                AssetEmbedding.objects.filter(asset_id=asset_id).update(error=reason[:2000])
        else:
            AssetEmbedding.objects.create(asset_id=asset_id, error=reason[:2000], changed_at=now)


STATE_FIELDS = ["content_hash", "model_version", "passage_count", "embedded_at", "error", "changed_at"]


@dataclass
class EmbeddingPlan:
    """What a batch of assets needs: `settled` outcomes need no work; `todo` assets get new
    passages, whose vectors are `known` already or computed from `missing` (text hash -> text)."""

    version: str
    states: dict
    settled: dict = field(default_factory=dict)
    todo: list = field(default_factory=list)
    known: dict = field(default_factory=dict)
    missing: dict = field(default_factory=dict)


def plan_embedding(*, assets, version: str, rebuild: bool = False, embedded_since=None) -> EmbeddingPlan:
    """Which assets of the batch need embedding and which texts need encoding. An asset whose
    text and model are unchanged is skipped, unless rebuilding, where only those embedded at or
    after `embedded_since` (this rebuild's start) are."""
    states = {s.asset_id: s for s in AssetEmbedding.objects.filter(asset_id__in=[a.pk for a in assets])}
    plan = EmbeddingPlan(version=version, states=states)
    for asset in assets:
        passages = split_asset(asset)
        digest = content_hash(passages)
        state = states.get(asset.pk)
        current = state and state.content_hash == digest and state.model_version == version and not state.error
        if current and rebuild:  # embedded again by this rebuild already?
            current = bool(embedded_since and state.embedded_at and state.embedded_at >= embedded_since)
        if current:
            plan.settled[asset.pk] = UNCHANGED
        else:
            plan.todo.append((asset, passages, digest))
    # Vectors of identical text embedded by this model before (by any asset), unless rebuilding.
    if plan.todo and not rebuild:
        hashes = {p.text_hash for _, passages, _ in plan.todo for p in passages}
        stored = Passage.objects.filter(text_hash__in=hashes, model_version=version)
        for text_hash, vector in stored.values_list("text_hash", "vector"):
            plan.known.setdefault(text_hash, bytes(vector))
    plan.missing = {
        p.text_hash: p.text for _, passages, _ in plan.todo for p in passages if p.text_hash not in plan.known
    }
    return plan


def complete_embedding(plan: EmbeddingPlan, vectors_of) -> dict:
    """Store the plan's passages ({asset id: outcome}) in one transaction; `vectors_of()` gives
    the vectors of `plan.missing` in order. If it raises, the assets keep their old passages and
    the reason."""
    outcomes = dict(plan.settled)
    if not plan.todo:
        return outcomes
    known = dict(plan.known)
    if plan.missing:
        try:
            vectors = np.asarray(vectors_of(), dtype=np.float32)
        except Exception as exc:  # noqa: BLE001 - a model that fails at run time: keywords still find it
            reason = f"the model failed to encode: {exc}"
            log.warning("Could not embed assets %s: %s", [a.pk for a, _, _ in plan.todo], reason)
            _record_error([a.pk for a, _, _ in plan.todo], reason, plan.states)
            return outcomes | dict.fromkeys((a.pk for a, _, _ in plan.todo), FAILED)
        for text_hash, vector in zip(plan.missing, vectors, strict=True):
            known[text_hash] = vector.tobytes()
    now = timezone.now()
    rows = [
        Passage(
            asset_id=asset.pk,
            ordinal=p.ordinal,
            text=p.text,
            page=p.page,
            text_hash=p.text_hash,
            vector=known[p.text_hash],
            model_version=plan.version,
        )
        for asset, passages, _ in plan.todo
        for p in passages
    ]
    states = [
        AssetEmbedding(
            asset_id=asset.pk,
            content_hash=digest,
            model_version=plan.version,
            passage_count=len(passages),
            embedded_at=now,
            error="",
            changed_at=now,
        )
        for asset, passages, digest in plan.todo
    ]
    with transaction.atomic():
        Passage.objects.filter(asset_id__in=[a.pk for a, _, _ in plan.todo]).delete()
        index.store(Passage.objects.bulk_create(rows, batch_size=500))
        AssetEmbedding.objects.bulk_create(
            states, batch_size=500, update_conflicts=True, unique_fields=["asset"], update_fields=STATE_FIELDS
        )
    library_changed()
    return outcomes | dict.fromkeys((a.pk for a, _, _ in plan.todo), EMBEDDED)


def embed_assets(*, assets, inline_limit: int | None = None, rebuild: bool = False, encoder=None) -> dict:
    """Embed a batch of published assets at once ({asset id: outcome}): one encoder call for the
    passages of them all that have no stored vector, one transaction for the writes."""
    assets = list(assets)
    try:
        encoder = encoder or runtime.encoder()
    except runtime.SemanticUnavailable as exc:
        states = {s.asset_id: s for s in AssetEmbedding.objects.filter(asset_id__in=[a.pk for a in assets])}
        _record_error([a.pk for a in assets], exc.reason, states)
        return dict.fromkeys((a.pk for a in assets), FAILED)
    plan = plan_embedding(assets=assets, version=encoder.model_version, rebuild=rebuild)
    if plan.todo and inline_limit is not None and len(plan.missing) > inline_limit:
        for asset, _, _ in plan.todo:
            job_start(kind="embed_asset", params={"asset_id": asset.pk})
        return plan.settled | dict.fromkeys((a.pk for a, _, _ in plan.todo), QUEUED)
    return complete_embedding(plan, lambda: encoder.encode(list(plan.missing.values())))


def refresh_asset(asset_id: int) -> str:
    """After a save: embed in the request when it is small, in the background when it is big."""
    asset = Asset.objects.filter(pk=asset_id).first()
    if asset is None:
        return REMOVED
    return embed_asset(asset=asset, inline_limit=settings.SEMANTIC_INLINE_PASSAGES)


@job_handler("embed_asset")
def embed_asset_job(*, job, progress):
    asset = Asset.objects.filter(pk=job.params["asset_id"]).first()
    if asset is None:
        return {"outcome": REMOVED}
    return {"outcome": embed_asset(asset=asset)}


def asset_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    """Signal receiver (content/signals.py): create, edit, publish, unpublish, file extraction."""
    if raw or not settings.SEMANTIC_SEARCH:
        return
    if update_fields is not None and not (set(update_fields) & EMBEDDED_FIELDS):
        return  # a support-figure or verification save: the passages did not change
    if created and instance.status != AssetStatus.PUBLISHED:
        return  # a new draft has nothing to embed nor to remove
    embed_asset(asset=instance, inline_limit=settings.SEMANTIC_INLINE_PASSAGES)
