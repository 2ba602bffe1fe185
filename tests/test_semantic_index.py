"""The vector index: the in-process backend returns what brute force over the stored float32
vectors returns, follows changes made by other workers, and the pgvector backend is chosen only
when the database has the extension and the column."""

import numpy as np
import pytest
from django.db import connection

from content.models import AssetEmbedding, Passage
from content.semantic import index
from content.semantic.index import InProcessIndex, nearest

from .factories import AssetFactory

pytestmark = pytest.mark.django_db


def unit(rng, n):
    vectors = rng.standard_normal((n, 384)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def store_vectors(vectors, model_version="test-1"):
    """Passages with these vectors, one asset each, written the way the embedding service does."""
    from django.utils import timezone

    assets = [AssetFactory(status="draft") for _ in range(len(vectors))]
    Passage.objects.bulk_create(
        [
            Passage(asset=a, ordinal=0, text=f"t{i}", text_hash=str(i), vector=v.tobytes(), model_version=model_version)
            for i, (a, v) in enumerate(zip(assets, vectors, strict=True))
        ]
    )
    AssetEmbedding.objects.bulk_create(
        [
            AssetEmbedding(asset=a, passage_count=1, model_version=model_version, changed_at=timezone.now())
            for a in assets
        ]
    )
    return assets


def test_the_in_process_index_finds_what_brute_force_finds(semantic):
    rng = np.random.default_rng(7)
    vectors = unit(rng, 300)
    store_vectors(vectors)
    ids = list(Passage.objects.order_by("asset_id").values_list("id", flat=True))
    index_ = InProcessIndex()
    for _ in range(20):
        query = vectors[rng.integers(300)] + 0.05 * unit(rng, 1)[0]
        query /= np.linalg.norm(query)
        index_.sync("test-1")
        hits = index_.search(query, 10)
        exact = np.argsort(-(vectors @ query))[:10]
        assert hits[0].passage_id == ids[exact[0]]
        assert len({h.passage_id for h in hits} & {ids[i] for i in exact}) >= 9
        assert hits[0].score == pytest.approx(float(vectors[exact[0]] @ query), abs=0.02)


def test_the_index_follows_changes_made_elsewhere(counting_encoder, marketer):
    from content.assets import asset_transition

    first = AssetFactory(title="Pricing sheet", summary="Per seat pricing.")
    query = counting_encoder.encode(["pricing sheet per seat"])[0]
    assert [h.asset_id for h in nearest(query, 5, model_version="counting-1")][:1] == [first.pk]
    second = AssetFactory(title="Pricing sheet per seat", summary="Per seat pricing sheet.")
    assert [h.asset_id for h in nearest(query, 5, model_version="counting-1")][:1] == [second.pk]
    asset_transition(asset=second, to_status="archived", actor=marketer)
    assert second.pk not in {h.asset_id for h in nearest(query, 5, model_version="counting-1")}


def test_the_index_holds_only_the_current_models_vectors(semantic):
    rng = np.random.default_rng(3)
    store_vectors(unit(rng, 3), model_version="old")
    store_vectors(unit(rng, 2), model_version="new")
    assert len(nearest(unit(rng, 1)[0], 10, model_version="new")) == 2


def test_pgvector_is_not_used_without_the_extension(semantic):
    index.forget_backend()
    assert index.pgvector_ready() is False
    assert index.backend_name() == "in-process"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's catalogue")
def test_pgvector_detection_reads_the_catalogue(semantic):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_extension WHERE extname = 'vector'")
        installed = cursor.fetchone()[0] == 1
        cursor.execute(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = 'content_passage' AND column_name = 'embedding'"
        )
        column = cursor.fetchone()[0] == 1
    assert index._detect_pgvector() is (installed and column)
    if not installed:
        assert not column  # migration 0010 adds the column only where the extension exists


def test_with_pgvector_nearest_asks_the_database(semantic, monkeypatch):
    calls = []
    monkeypatch.setattr(index, "pgvector_ready", lambda: True)
    monkeypatch.setattr(index, "_pgvector_nearest", lambda v, k, mv: calls.append((k, mv)) or [])
    assert nearest(np.zeros(384, dtype=np.float32), 7, model_version="m") == []
    assert calls == [(7, "m")]


def test_the_vector_literal_is_what_pgvector_parses():
    assert index._vector_literal(np.array([0.5, -0.25, 1e-8], dtype=np.float32)) == "[0.5,-0.25,1e-08]"
