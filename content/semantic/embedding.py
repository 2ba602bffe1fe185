"""Keeping an asset's passages and their vectors current: published assets are embedded, anything
else has none. `embed_asset` is the one write path (saves, the background job, `embed_assets`);
a stored vector is reused whenever the same passage text was embedded by the same model before.
"""

import logging

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

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


def embed_assets(*, assets, inline_limit: int | None = None, rebuild: bool = False, encoder=None) -> dict:
    """Embed a batch of published assets at once ({asset id: outcome}): one encoder call for the
    passages of them all that have no stored vector, one transaction for the writes."""
    assets = list(assets)
    states = {s.asset_id: s for s in AssetEmbedding.objects.filter(asset_id__in=[a.pk for a in assets])}
    try:
        encoder = encoder or runtime.encoder()
    except runtime.SemanticUnavailable as exc:
        _record_error([a.pk for a in assets], exc.reason, states)
        return dict.fromkeys((a.pk for a in assets), FAILED)
    version = encoder.model_version
    outcomes, todo = {}, []
    for asset in assets:
        passages = split_asset(asset)
        digest = content_hash(passages)
        state = states.get(asset.pk)
        current = state and state.content_hash == digest and state.model_version == version and not state.error
        if current and not rebuild:
            outcomes[asset.pk] = UNCHANGED
        else:
            todo.append((asset, passages, digest))
    if not todo:
        return outcomes
    # Vectors of identical text embedded by this model before (by any asset), unless rebuilding.
    known = {}
    if not rebuild:
        hashes = {p.text_hash for _, passages, _ in todo for p in passages}
        stored = Passage.objects.filter(text_hash__in=hashes, model_version=version)
        for text_hash, vector in stored.values_list("text_hash", "vector"):
            known.setdefault(text_hash, bytes(vector))
    missing = {p.text_hash: p.text for _, passages, _ in todo for p in passages if p.text_hash not in known}
    if inline_limit is not None and len(missing) > inline_limit:
        for asset, _, _ in todo:
            job_start(kind="embed_asset", params={"asset_id": asset.pk})
            outcomes[asset.pk] = QUEUED
        return outcomes
    if missing:
        try:
            vectors = np.asarray(encoder.encode(list(missing.values())), dtype=np.float32)
        except Exception as exc:  # noqa: BLE001 - a model that fails at run time: keywords still find it
            reason = f"the model failed to encode: {exc}"
            log.warning("Could not embed assets %s: %s", [a.pk for a, _, _ in todo], reason)
            _record_error([a.pk for a, _, _ in todo], reason, states)
            return outcomes | dict.fromkeys((a.pk for a, _, _ in todo), FAILED)
        for text_hash, vector in zip(missing, vectors, strict=True):
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
            model_version=version,
        )
        for asset, passages, _ in todo
        for p in passages
    ]
    with transaction.atomic():
        Passage.objects.filter(asset_id__in=[a.pk for a, _, _ in todo]).delete()
        index.store(Passage.objects.bulk_create(rows, batch_size=500))
        for asset, passages, digest in todo:
            fields = {
                "content_hash": digest,
                "model_version": version,
                "passage_count": len(passages),
                "embedded_at": now,
                "error": "",
                "changed_at": now,
            }
            if asset.pk in states:
                AssetEmbedding.objects.filter(asset_id=asset.pk).update(**fields)
            else:
                AssetEmbedding.objects.create(asset_id=asset.pk, **fields)
            outcomes[asset.pk] = EMBEDDED
    return outcomes


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
