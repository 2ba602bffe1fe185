"""Search latency through the API against the naive way (icontains over title and body), keyword
mode beside hybrid mode (keyword and semantic results fused), plus the semantic costs: query
embedding, indexing throughput and one worker's memory growth (bench/semantic_parts.py).

Run with the database chosen by DATABASE_URL, e.g.
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_search python bench/search_bench.py
    DATABASE_URL=sqlite:////tmp/bench_search.sqlite3 python bench/search_bench.py
It migrates, generates the data set when it is smaller than --assets, then times 20 realistic
queries (warm-up once, then --runs times each; first all through the API, then all the naive way)
and prints p50 / p95 side by side.

Embedding all 200,000 passages of the synthetic set takes hours of CPU; --embed-sample assets are
embedded with the real model (timed: indexing throughput), and --fill gives every other published
asset its passages with copies of those vectors, so the index has its full size for latency and
memory. The summary says how many passages carry real and copied vectors.
"""

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enablement.settings")
# every query is timed again and again: time the search itself, not a ranking kept from the last run
os.environ.setdefault("SEARCH_CACHE_SECONDS", "0")

import django  # noqa: E402

django.setup()
# one log line per request would drown the table
logging.getLogger("enablement.requests").setLevel(logging.WARNING)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from content.models import Asset  # noqa: E402
from content.permissions import visible_assets  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import semantic_parts  # noqa: E402
from _stats import percentile  # noqa: E402

QUERIES = [
    ("pricing", {}),
    ("security review", {}),
    ("globex", {}),
    ("pricing objection", {}),
    ("healthcare case study", {}),
    ("data migration", {"stage": "evaluating"}),
    ("onboarding", {"kind": "case_study"}),
    ("total cost of ownership", {}),
    ('"single sign-on"', {}),
    ("compliance -banking", {}),
    ("initech or hooli", {}),
    ("return on investment retail", {}),
    ("renewal", {"persona": "economic-buyer"}),
    ("implementation timeline", {"ordering": "best_support"}),
    ("battle card umbrella", {}),
    ("forecasting insurance", {}),
    ("procurement legal review", {}),
    ("batle card", {}),
    ("pric", {}),
    ("uptime support telecom", {"competitor": "globex"}),
]



def naive(user, q, filters):
    assets = visible_assets(user).filter(Q(title__icontains=q) | Q(body__icontains=q))
    if "kind" in filters:
        assets = assets.filter(kind=filters["kind"])
    if "stage" in filters:
        assets = assets.for_stage(filters["stage"])
    if "persona" in filters:
        assets = assets.for_persona(filters["persona"])
    if "competitor" in filters:
        assets = assets.for_competitor(filters["competitor"])
    list(assets.order_by("-updated_at", "-id")[:20])
    return assets.count()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--deals", type=int, default=50_000)
    parser.add_argument("--usages", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--embed-sample", type=int, default=2000, help="Assets embedded with the real model.")
    parser.add_argument("--reembed", action="store_true", help="Embed the sample again (to time it).")
    parser.add_argument("--no-fill", action="store_true", help="Leave the other assets without passages.")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if Asset.objects.count() < args.assets:
        call_command(
            "generate_synthetic", assets=args.assets, deals=args.deals, usages=args.usages,
            requests=2000, searches=20000, seed=1,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE content_asset")
            cursor.execute("VACUUM ANALYZE content_asset_search")
    from content.models import AssetEmbedding, Passage

    indexing = semantic_parts.embed_sample(args.embed_sample, rebuild=args.reembed)
    copied = 0 if args.no_fill else semantic_parts.fill_with_copies()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE content_passage")
            cursor.execute("VACUUM ANALYZE content_assetembedding")
    copies = AssetEmbedding.objects.filter(error="copied vectors")
    copied_passages = Passage.objects.filter(asset_id__in=copies.values("asset_id")).count()
    all_passages = Passage.objects.count()
    from django.contrib.auth import get_user_model

    rep = get_user_model().objects.filter(groups__name="Sales").order_by("pk").first()
    token, _ = Token.objects.get_or_create(user=rep)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    total = Asset.objects.count()
    print(f"{connection.vendor}: {total} assets; {args.runs} runs of {len(QUERIES)} queries, whole API request")
    print(f"{'query':<42} {'count':>6} {'kw p50':>7} {'hyb p50':>8} {'naive p50':>10} {'naive n':>8}")
    # Each way is timed in its own pass, so that neither evicts the other's pages from the cache
    # (the naive way reads the whole asset table on every query).
    times = {"keyword": {}, "hybrid": {}}
    counts, naive_times, naive_counts = {}, {}, {}
    for mode in ("keyword", "hybrid"):
        for q, filters in QUERIES:
            params = {"q": q, "mode": mode, **filters}
            response = client.get("/api/v1/assets/", params)
            assert response.status_code == 200, response.content[:300]
            counts[q, mode] = response.json()["count"]
            times[mode][q] = []
            for _ in range(args.runs):
                began = time.perf_counter()
                client.get("/api/v1/assets/", params)
                times[mode][q].append((time.perf_counter() - began) * 1000)
    for q, filters in QUERIES:
        naive(rep, q, filters)
        naive_times[q] = []
        for _ in range(args.runs):
            began = time.perf_counter()
            naive_counts[q] = naive(rep, q, filters)
            naive_times[q].append((time.perf_counter() - began) * 1000)
    for q, filters in QUERIES:
        label = q + (" " + " ".join(f"{k}={v}" for k, v in filters.items()) if filters else "")
        print(f"{label:<42} {counts[q, 'keyword']:>6} {statistics.median(times['keyword'][q]):>7.1f} "
              f"{statistics.median(times['hybrid'][q]):>8.1f} {statistics.median(naive_times[q]):>10.1f} "
              f"{naive_counts[q]:>8}")
    keyword_all = [t for ts in times["keyword"].values() for t in ts]
    hybrid_all = [t for ts in times["hybrid"].values() for t in ts]
    naive_all = [t for ts in naive_times.values() for t in ts]
    naive_p50, naive_p95 = percentile(naive_all, 0.5), percentile(naive_all, 0.95)
    for label, values in (("keyword (API)", keyword_all), ("hybrid (API)", hybrid_all)):
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        print(f"\n{label:<14} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   naive is {naive_p50 / p50:.1f}× / "
              f"{naive_p95 / p95:.1f}× slower", end="")
    print(f"\nnaive          p50 {naive_p50:7.1f} ms   p95 {naive_p95:7.1f} ms")

    embed_times = semantic_parts.query_embedding_times([q for q, _ in QUERIES], args.runs)
    print(f"query embedding p50 {percentile(embed_times, 0.5):6.1f} ms   p95 {percentile(embed_times, 0.95):6.1f} ms")
    if indexing["assets"]:
        print(f"indexing: {indexing['assets']} assets, {indexing['passages']} passages ({indexing['encoded']} texts "
              f"encoded) in {indexing['seconds']:.1f} s = {indexing['passages'] / indexing['seconds']:.1f} passages/s")
    else:
        print("indexing: the sample was embedded by an earlier run (--reembed to time it)")
    print(f"index: {all_passages} passages, {all_passages - copied_passages} with vectors from the model, "
          f"{copied_passages} with copies of them ({copied} copied by this run)")
    memory = semantic_parts.worker_memory()
    print(f"one fresh worker: RSS {memory['before_mb']:.0f} MB before its first hybrid search, "
          f"{memory['after_mb']:.0f} MB after (+{memory['after_mb'] - memory['before_mb']:.0f} MB: model + "
          f"{memory['rows']} rows, {memory['matrix_mb']:.0f} MB matrix); first hybrid search "
          f"{memory['first_hybrid_ms']:.0f} ms (loads both)")

if __name__ == "__main__":
    main()
