"""The semantic half of bench/search_bench.py: embed a sample of the synthetic assets with the
real model (indexing throughput), give the rest copies of those vectors so the index has its full
size, time query embedding, and measure one fresh worker's memory growth (model + index)."""

import json
import subprocess
import sys
import time
from pathlib import Path

from _stats import percentile

ROOT = Path(__file__).resolve().parent.parent


def embed_sample(sample: int, *, rebuild: bool = False, batch_size: int = 64) -> dict:
    """Embed the first `sample` published assets with the real model (resumable: what is current
    is skipped unless `rebuild`). Throughput counts every passage written, and the texts encoded
    (identical passage texts are encoded once and their vector reused)."""
    from content.models import Asset, Passage
    from content.semantic import runtime
    from content.semantic.embedding import EMBEDDED, embed_assets

    encoder = runtime.encoder()
    encoded = []
    original = encoder.encode

    def counting(texts, **kwargs):
        encoded.extend(texts)
        return original(texts, **kwargs)

    ids = list(Asset.objects.published().order_by("pk").values_list("pk", flat=True)[:sample])
    began, embedded, passages = time.perf_counter(), 0, 0
    encoder.encode = counting
    try:
        for start in range(0, len(ids), batch_size):
            batch = list(Asset.objects.filter(pk__in=ids[start : start + batch_size]))
            outcomes = embed_assets(assets=batch, encoder=encoder, rebuild=rebuild)
            done = [pk for pk, outcome in outcomes.items() if outcome == EMBEDDED]
            embedded += len(done)
            passages += Passage.objects.filter(asset_id__in=done).count()
    finally:
        encoder.encode = original
    return {"assets": embedded, "passages": passages, "encoded": len(encoded), "seconds": time.perf_counter() - began}


def fill_with_copies() -> int:
    """Passages for every published asset still without any, each with a copy of a really embedded
    passage's vector (chosen by its text hash), marked "copied vectors": the index then holds as
    many rows as the full library would, for timing and memory; their meaning is not measured."""
    from django.db import transaction
    from django.utils import timezone

    from content.models import Asset, AssetEmbedding, Passage
    from content.semantic import runtime
    from content.semantic.passages import content_hash, split_asset

    version = runtime.encoder().model_version
    pool = [bytes(v) for v in Passage.objects.filter(model_version=version).values_list("vector", flat=True)[:20000]]
    if not pool:
        return 0
    todo = Asset.objects.published().filter(embedding__isnull=True).order_by("pk")
    ids = list(todo.values_list("pk", flat=True))
    added = 0
    for start in range(0, len(ids), 2000):
        assets = list(Asset.objects.filter(pk__in=ids[start : start + 2000]))
        rows, states, now = [], [], timezone.now()
        for asset in assets:
            passages = split_asset(asset)
            for p in passages:
                vector = pool[int(p.text_hash[:8], 16) % len(pool)]
                rows.append(Passage(asset_id=asset.pk, ordinal=p.ordinal, text=p.text, page=p.page,
                                    text_hash=p.text_hash, vector=vector, model_version=version))
            states.append(AssetEmbedding(asset_id=asset.pk, content_hash=content_hash(passages), model_version=version,
                                         passage_count=len(passages), embedded_at=now, changed_at=now,
                                         error="copied vectors"))
        with transaction.atomic():
            Passage.objects.bulk_create(rows, batch_size=1000)
            AssetEmbedding.objects.bulk_create(states, batch_size=1000)
        added += len(rows)
    return added


def query_embedding_times(queries, runs: int) -> list[float]:
    from content.semantic import runtime

    runtime.query_vector("warm up")
    times = []
    for _ in range(runs):
        for q in queries:
            runtime.clear_query_cache()
            began = time.perf_counter()
            runtime.query_vector(q)
            times.append((time.perf_counter() - began) * 1000)
    return times


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_memory() -> dict:
    """In a fresh process (see main below): resident memory before and after the first hybrid
    searches through the API, which load the model and the index."""
    out = subprocess.run([sys.executable, __file__, "--worker-memory"], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _measure_worker():
    import os

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enablement.settings")
    import django

    django.setup()
    import logging

    logging.getLogger("enablement.requests").setLevel(logging.WARNING)
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.authtoken.models import Token

    rep = get_user_model().objects.filter(groups__name="Sales").order_by("pk").first()
    token, _ = Token.objects.get_or_create(user=rep)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.get("/api/v1/assets/", {"q": "pricing", "mode": "keyword"})  # Django, DRF, the keyword path
    before = _rss_mb()
    began = time.perf_counter()
    client.get("/api/v1/assets/", {"q": "pricing objection"})
    first = (time.perf_counter() - began) * 1000
    for q in ("security review", "how do we beat a cheaper rival", "data migration"):
        client.get("/api/v1/assets/", {"q": q})
    after = _rss_mb()
    from content.semantic.index import in_process_index

    index = in_process_index()
    print(json.dumps({"before_mb": before, "after_mb": after, "first_hybrid_ms": first, "rows": index.size,
                      "matrix_mb": index.vectors.nbytes / 1e6}))


if __name__ == "__main__" and "--worker-memory" in sys.argv:
    _measure_worker()

__all__ = ["embed_sample", "fill_with_copies", "percentile", "query_embedding_times", "worker_memory"]
