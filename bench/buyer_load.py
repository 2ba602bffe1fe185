"""The buyer-view scenario of `make load`: one tracked link opened by N buyers at once (default 200),
threads on their own connections against gunicorn + PostgreSQL. Then checks that every view was
recorded (one ShareView per asset of the link and view) and that exactly one `buyer_viewed` usage
exists per asset and deal; prints views sent and recorded, usages, and the buyer page's p50/p95 at
the client (queueing included) and at the server (the request log's duration).

The link's rate limit (SHARE_LINK_RATE_PER_MINUTE, 120 by default, counted per worker without Redis)
would answer most of a burst with 429: the server here runs with it raised above the burst.

Usage: python bench/buyer_load.py [--views 200] [--assets 3] [--workers 4] [--database-url ...]
(`make load` runs it after the mixed workload.)
"""

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _server import app_env, free_port, manage, start_gunicorn, tokens_for
from _stats import percentile

BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"


def query(env, code) -> str:
    return manage("shell", "-c", code, env=env, capture=True).stdout.strip().splitlines()[-1]


def create_link(port, token, deal, assets) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = json.dumps({"deal": deal, "assets": assets, "note": "Load test"})
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    connection.request("POST", "/api/v1/share-links/", body=body, headers=headers)
    response = connection.getresponse()
    answer = json.loads(response.read())
    connection.close()
    if response.status != 201:
        raise RuntimeError(f"creating the link answered {response.status}: {answer}")
    return answer


def open_together(port, path, views):
    """`views` GETs of `path`, released at once by a barrier; (status, seconds) of each."""
    barrier = threading.Barrier(views)

    def one(_):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        barrier.wait()
        began = time.perf_counter()
        try:
            connection.request("GET", path, headers={"User-Agent": BROWSER, "Accept": "text/html"})
            response = connection.getresponse()
            response.read()
            return response.status, time.perf_counter() - began
        except OSError as error:
            return f"error: {error}", time.perf_counter() - began
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=views) as pool:
        return list(pool.map(one, range(views)))


def server_durations(log_path: Path, path: str) -> list[float]:
    """The request log's duration_ms of every request of `path` (content.middleware.RequestLogMiddleware)."""
    durations = []
    for line in log_path.read_text(errors="replace").splitlines():
        start = line.find("{")
        if "enablement.requests" not in line or start < 0:
            continue
        try:
            entry = json.loads(line[start:])
        except ValueError:
            continue
        if entry.get("path") == path:
            durations.append(entry["duration_ms"])
    return durations


def run(env, *, views=200, assets=3, workers=4, threads=4) -> bool:
    """Run the scenario on the database of `env` (migrated, with the demo data); True when it holds."""
    env = dict(env, REQUEST_LOG_LEVEL="INFO", SHARE_LINK_RATE_PER_MINUTE=str(max(10_000, views * 10)))
    token = tokens_for(["rep"], env)["rep"]
    deal = query(
        env,
        "from content.models import Deal; "
        "print(Deal.objects.open().filter(owner__username='rep').order_by('crm_id').values_list('crm_id', flat=True)[0])",
    )
    asset_ids = json.loads(
        query(
            env,
            "import json; from content.models import Asset; from content.sharing import EXTERNAL_KINDS; "
            "print(json.dumps(list(Asset.objects.released().filter(kind__in=EXTERNAL_KINDS)"
            f".order_by('id').values_list('id', flat=True)[:{assets}])))",
        )
    )
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(tmp) / "gunicorn.log"
        server = start_gunicorn(port, env, workers=workers, threads=threads, log_path=log_path)
        try:
            link = create_link(port, token, deal, asset_ids)
            path = link["url"].split("://", 1)[-1].split("/", 1)[-1]
            path = "/" + path
            began = time.perf_counter()
            answers = open_together(port, path, views)
            elapsed = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=30)
        at_server = server_durations(log_path, path)

    counts = json.loads(
        query(
            env,
            "import json; from django.db.models import Count; "
            "from content.models import Notification, ShareLink, ShareView, Usage; "
            f"link = ShareLink.objects.get(pk={link['id']}); "
            "per_asset = dict(Usage.objects.filter(deal=link.deal, action='buyer_viewed', "
            f"asset_id__in={asset_ids!r}).values_list('asset_id').annotate(n=Count('id'))); "
            "print(json.dumps({'recorded': ShareView.objects.filter(link=link).count(), "
            "'usages': {str(k): v for k, v in per_asset.items()}, "
            "'first_viewed': link.first_viewed_at is not None, "
            "'notified': Notification.objects.filter(user=link.created_by, message__contains='opened the link', "
            "created_at__gte=link.created_at).count()}))",
        )
    )
    ok_views = sum(1 for status, _ in answers if status == 200)
    client_ms = [seconds * 1000 for status, seconds in answers if status == 200]
    statuses = sorted({str(status) for status, _ in answers})
    expected_rows = views * len(asset_ids)
    usages = [counts["usages"].get(str(asset), 0) for asset in asset_ids]

    print(f"\nBuyer views: {views} buyers open one link of {len(asset_ids)} assets at once "
          f"({workers} gunicorn workers x {threads} threads, PostgreSQL)\n")
    print(f"views sent:                {views}")
    print(f"answered 200:              {ok_views}  (statuses: {', '.join(statuses)})")
    print(f"views recorded:            {counts['recorded'] // max(1, len(asset_ids))} "
          f"({counts['recorded']} view rows = {len(asset_ids)} assets x views; expected {expected_rows})")
    print(f"buyer_viewed usages:       {sum(usages)} for {len(asset_ids)} assets (per asset: {usages})")
    print(f"sender told:               {counts['notified']} notification(s); first view stamped: "
          f"{counts['first_viewed']}")
    print(f"burst wall time:           {elapsed:.2f} s")
    if client_ms:
        print(f"buyer page at the client:  p50 {statistics.median(client_ms):.1f} ms, "
              f"p95 {percentile(client_ms, 0.95):.1f} ms (queueing behind {workers * threads} threads included)")
    if at_server:
        print(f"buyer page at the server:  p50 {statistics.median(at_server):.1f} ms, "
              f"p95 {percentile(at_server, 0.95):.1f} ms ({len(at_server)} requests in the request log)")
    holds = ok_views == views and counts["recorded"] == expected_rows and usages == [1] * len(asset_ids)
    print("no view lost, one usage per asset and deal: " + ("yes" if holds else "NO"))
    return holds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--views", type=int, default=200)
    parser.add_argument("--assets", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database-url", default=os.environ.get(
        "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/enablement_load"))
    args = parser.parse_args()
    from load import ensure_database

    env = app_env(DATABASE_URL=args.database_url)
    ensure_database(args.database_url)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("load_demo", "--if-empty", env=env, capture=True)
    return 0 if run(env, views=args.views, assets=args.assets, workers=args.workers) else 1


if __name__ == "__main__":
    sys.exit(main())
