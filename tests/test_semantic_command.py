"""manage.py embed_assets: embeds what is missing, resumes where it stopped, --rebuild, a summary."""

import io

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from content.models import Asset, AssetEmbedding, AssetStatus, BackgroundJob, JobStatus, Passage
from content.semantic.bulk import InProcess

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
    job = BackgroundJob.objects.get(kind="embed_rebuild")
    assert (job.status, job.progress_done, job.progress_total) == (JobStatus.SUCCEEDED, 3, 3)
    assert job.result == {"embedded": 3, "unchanged": 0, "failed": 0}


def test_a_stopped_rebuild_is_continued_by_the_next_one(counting_encoder, monkeypatch):
    bulk_assets(6, status=AssetStatus.PUBLISHED)
    run()  # every asset embedded before the rebuild: all of them are due again
    counting_encoder.encoded.clear()
    original, calls = counting_encoder.encode, []

    def stop_on_third_batch(texts, **kwargs):
        calls.append(texts)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(texts, **kwargs)

    monkeypatch.setattr(counting_encoder, "encode", stop_on_third_batch)
    with pytest.raises(KeyboardInterrupt):
        run("--rebuild", "--batch-size", "2")
    assert BackgroundJob.objects.get(kind="embed_rebuild").status == JobStatus.RUNNING
    assert counting_encoder.encoded == [
        "Bulk 0\nSummary 0.",
        "Bulk 1\nSummary 1.",
        "Bulk 2\nSummary 2.",
        "Bulk 3\nSummary 3.",
    ]
    monkeypatch.setattr(counting_encoder, "encode", original)
    counting_encoder.encoded.clear()
    assert run("--rebuild", "--batch-size", "2") == "embedded 2, unchanged 4, failed 0, removed 0"
    assert counting_encoder.encoded == ["Bulk 4\nSummary 4.", "Bulk 5\nSummary 5."]
    assert BackgroundJob.objects.get(kind="embed_rebuild").status == JobStatus.SUCCEEDED
    counting_encoder.encoded.clear()
    assert run("--rebuild") == "embedded 6, unchanged 0, failed 0, removed 0"  # a finished one is not continued
    assert BackgroundJob.objects.filter(kind="embed_rebuild").count() == 2


def test_it_uses_every_core_by_default(counting_encoder, monkeypatch):
    opened = []

    def open_bulk_encoder(encoder, *, workers):
        opened.append(workers)
        return InProcess(encoder)

    monkeypatch.setattr("content.management.commands.embed_assets.open_bulk_encoder", open_bulk_encoder)
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2})
    call_command("embed_assets", "--no-progress", stdout=io.StringIO())
    call_command("embed_assets", "--no-progress", "--workers", "1", stdout=io.StringIO())
    assert opened == [3, 1]


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
    run("--rebuild", "--workers", "1")
    alone = {p.asset_id: bytes(p.vector) for p in Passage.objects.all()}
    for asset_id, vector in alone.items():
        cosine = np.frombuffer(vector, dtype=np.float32) @ np.frombuffer(pooled[asset_id], dtype=np.float32)
        assert cosine > 0.9999


def test_it_refuses_fewer_than_one_worker(counting_encoder):
    with pytest.raises(CommandError, match="--workers must be at least 1"):
        run("--workers", "0")
