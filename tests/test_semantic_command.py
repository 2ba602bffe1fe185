"""manage.py embed_assets: embeds what is missing, resumes where it stopped, --rebuild, a summary."""

import io

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from content.models import Asset, AssetEmbedding, AssetStatus, Passage

from .factories import AssetFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("embed_assets", "--no-progress", *args, stdout=out)
    return out.getvalue().strip()


def bulk_assets(count: int, **fields) -> list[Asset]:
    # bulk_create sends no signals: like a bulk load, nothing is embedded yet
    owner = AssetFactory(status=AssetStatus.DRAFT).owner
    return Asset.objects.bulk_create(
        [
            Asset(kind="one_pager", title=f"Bulk {i}", summary=f"Summary {i}.", owner=owner, **fields)
            for i in range(count)
        ]
    )


def test_it_embeds_published_assets_and_prints_a_summary(counting_encoder):
    bulk_assets(5, status=AssetStatus.PUBLISHED)
    bulk_assets(2, status=AssetStatus.DRAFT)
    assert run("--batch-size", "2") == "embedded 5, unchanged 0, failed 0, removed 0"
    assert Passage.objects.count() == 5


def test_it_is_resumable_skipping_what_is_current(counting_encoder):
    assets = bulk_assets(4, status=AssetStatus.PUBLISHED)
    run()
    Asset.objects.filter(pk=assets[0].pk).update(title="Renamed")  # a change no signal saw
    counting_encoder.encoded.clear()
    assert run() == "embedded 1, unchanged 3, failed 0, removed 0"
    assert counting_encoder.encoded == ["Renamed\nSummary 0."]


def test_an_interrupted_run_keeps_the_batches_it_committed(counting_encoder, monkeypatch):
    bulk_assets(4, status=AssetStatus.PUBLISHED)
    calls = []
    original = counting_encoder.encode

    def fail_on_second_batch(texts, **kwargs):
        calls.append(texts)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return original(texts, **kwargs)

    monkeypatch.setattr(counting_encoder, "encode", fail_on_second_batch)
    with pytest.raises(KeyboardInterrupt):
        run("--batch-size", "2")
    assert AssetEmbedding.objects.exclude(embedded_at=None).count() == 2
    monkeypatch.setattr(counting_encoder, "encode", original)
    assert run("--batch-size", "2") == "embedded 2, unchanged 2, failed 0, removed 0"


def test_rebuild_embeds_everything_again(counting_encoder):
    bulk_assets(3, status=AssetStatus.PUBLISHED)
    run()
    counting_encoder.encoded.clear()
    assert run("--rebuild") == "embedded 3, unchanged 0, failed 0, removed 0"
    assert len(counting_encoder.encoded) == 3


def test_it_removes_the_passages_of_assets_no_longer_published(counting_encoder):
    [asset] = bulk_assets(1, status=AssetStatus.PUBLISHED)
    run()
    Asset.objects.filter(pk=asset.pk).update(status=AssetStatus.ARCHIVED)
    assert run() == "embedded 0, unchanged 0, failed 0, removed 1"
    assert not Passage.objects.exists()


def test_without_a_model_it_says_why(semantic, monkeypatch):
    from content.semantic.encoder import EncoderUnavailable

    def unavailable():
        raise EncoderUnavailable("no weights")

    monkeypatch.setattr("content.semantic.encoder.get_encoder", unavailable)
    with pytest.raises(CommandError, match="Text cannot be embedded: no weights"):
        run()


def test_workers_embed_the_same_vectors_as_one_process(real_encoder):
    bulk_assets(3, status=AssetStatus.PUBLISHED)
    assert run("--workers", "2") == "embedded 3, unchanged 0, failed 0, removed 0"
    pooled = {p.asset_id: bytes(p.vector) for p in Passage.objects.all()}
    run("--rebuild")
    alone = {p.asset_id: bytes(p.vector) for p in Passage.objects.all()}
    for asset_id, vector in alone.items():
        cosine = np.frombuffer(vector, dtype=np.float32) @ np.frombuffer(pooled[asset_id], dtype=np.float32)
        assert cosine > 0.9999


def test_it_refuses_fewer_than_one_worker(counting_encoder):
    with pytest.raises(CommandError, match="--workers must be at least 1"):
        run("--workers", "0")
