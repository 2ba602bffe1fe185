"""Search latency through the API against the naive way (icontains over title and body).

Run with the database chosen by DATABASE_URL, e.g.
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_search python bench/search_bench.py
    DATABASE_URL=sqlite:////tmp/bench_search.sqlite3 python bench/search_bench.py
It migrates, generates the data set when it is smaller than --assets, then times 20 realistic
queries (warm-up once, then --runs times each; first all through the API, then all the naive way)
and prints p50 / p95 side by side.
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


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


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
    from django.contrib.auth import get_user_model

    rep = get_user_model().objects.filter(groups__name="Sales").order_by("pk").first()
    token, _ = Token.objects.get_or_create(user=rep)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    total = Asset.objects.count()
    print(f"{connection.vendor}: {total} assets; {args.runs} runs of {len(QUERIES)} queries, whole API request")
    print(f"{'query':<42} {'count':>6} {'api p50':>8} {'naive p50':>10} {'naive n':>8}")
    # Each way is timed in its own pass, so that neither evicts the other's pages from the cache
    # (the naive way reads the whole asset table on every query).
    api_times, naive_times, counts, naive_counts = {}, {}, {}, {}
    for q, filters in QUERIES:
        params = {"q": q, **filters}
        response = client.get("/api/v1/assets/", params)
        assert response.status_code == 200, response.content[:300]
        counts[q] = response.json()["count"]
        api_times[q] = []
        for _ in range(args.runs):
            began = time.perf_counter()
            client.get("/api/v1/assets/", params)
            api_times[q].append((time.perf_counter() - began) * 1000)
    for q, filters in QUERIES:
        naive(rep, q, filters)
        naive_times[q] = []
        for _ in range(args.runs):
            began = time.perf_counter()
            naive_counts[q] = naive(rep, q, filters)
            naive_times[q].append((time.perf_counter() - began) * 1000)
    for q, filters in QUERIES:
        label = q + (" " + " ".join(f"{k}={v}" for k, v in filters.items()) if filters else "")
        print(f"{label:<42} {counts[q]:>6} {statistics.median(api_times[q]):>8.1f} "
              f"{statistics.median(naive_times[q]):>10.1f} {naive_counts[q]:>8}")
    api_all = [t for times in api_times.values() for t in times]
    naive_all = [t for times in naive_times.values() for t in times]
    api_p50, api_p95 = percentile(api_all, 0.5), percentile(api_all, 0.95)
    naive_p50, naive_p95 = percentile(naive_all, 0.5), percentile(naive_all, 0.95)
    print(f"\nAPI search   p50 {api_p50:7.1f} ms   p95 {api_p95:7.1f} ms")
    print(f"naive        p50 {naive_p50:7.1f} ms   p95 {naive_p95:7.1f} ms")
    print(f"speed-up     p50 {naive_p50 / api_p50:7.1f}×     p95 {naive_p95 / api_p95:7.1f}×")


if __name__ == "__main__":
    main()
