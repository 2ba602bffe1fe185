"""Time the buyer's page of a tracked link at the server, on the database DATABASE_URL points at, and
what recording a view adds to it.

    python bench/buyer_bench.py                        # 100,000 assets, 50,000 deals, 1,000,000 uses
    python bench/buyer_bench.py --assets 10000 --deals 5000 --usages 100000 --requests 1000

The data set is generated first when the database holds fewer assets than asked for
(`manage.py generate_synthetic`). Requests go through Django's whole stack in this process (the test
client, no network): a link of --link-assets published assets, opened --repeat times as a buyer
would (the view recorded) and as a prefetch (the same page, nothing recorded), interleaved; then the
first views of --first-views new links (each logs one `buyer_viewed` usage per asset). Recording's
cost is the recorded page's time minus the unrecorded page's, and record_views() timed alone.
"""

import argparse
import datetime
import logging
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

from _stats import percentile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enablement.settings")

import django  # noqa: E402

django.setup()
logging.getLogger("enablement.requests").setLevel(logging.WARNING)  # one line per request otherwise

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from content import models  # noqa: E402
from content.sharing import EXTERNAL_KINDS, link_assets, record_views, share_link_create  # noqa: E402

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
PREFETCH = {"HTTP_SEC_PURPOSE": "prefetch"}  # content.sharing.is_automated: the page, not a view


def ensure_data(args):
    if models.Asset.objects.count() >= args.assets:
        return
    print(f"Generating data: {args.assets} assets, {args.deals} deals, {args.usages} uses ...", flush=True)
    began = time.perf_counter()
    call_command(
        "generate_synthetic",
        assets=args.assets,
        deals=args.deals,
        usages=args.usages,
        requests=args.requests,
        searches=args.searches,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"  done in {time.perf_counter() - began:.1f} s", flush=True)


def ms(values):
    return statistics.median(values) * 1000, percentile(values, 0.95) * 1000


def timed_get(client, path, **headers):
    reset_queries()  # with DEBUG on, a full query log would make the capture read zero
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        response = client.get(path, HTTP_USER_AGENT=BROWSER, **headers)
        elapsed = time.perf_counter() - began
    assert response.status_code == 200, response.status_code
    return elapsed, len(captured)


def new_link(rep, assets):
    deal = models.Deal.objects.create(
        crm_id=f"BUYERBENCH-{uuid.uuid4().hex[:20]}",
        name="Buyer bench deal",
        account="Bench Corp",
        owner=rep,
    )
    link = share_link_create(user=rep, assets=assets, deal=deal)
    # past the sender's grace minute (content.sharing.CREATOR_GRACE), though the bench's client is anonymous
    models.ShareLink.objects.filter(pk=link.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    return link


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--deals", type=int, default=50_000)
    parser.add_argument("--usages", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--searches", type=int, default=20_000)
    parser.add_argument("--link-assets", type=int, default=3, help="Assets in the link (at most 25).")
    parser.add_argument("--repeat", type=int, default=300, help="Timed page views of each kind.")
    parser.add_argument("--first-views", type=int, default=30, help="New links opened once each.")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    ensure_data(args)
    setup_test_environment()
    settings.SHARE_LINK_RATE_PER_MINUTE = 10**9  # the bench is one buyer opening one link many times
    rep, _ = get_user_model().objects.get_or_create(username="bench-buyer-rep")
    rep.groups.add(Group.objects.get(name="Sales"))
    assets = list(
        models.Asset.objects.released().filter(kind__in=EXTERNAL_KINDS).order_by("-usage_count", "id")[: args.link_assets]
    )
    link = new_link(rep, assets)
    path = link.get_absolute_url()
    client = Client()
    for _ in range(10):  # warm up: templates, connections, caches
        timed_get(client, path)
        timed_get(client, path, **PREFETCH)

    recorded, unrecorded, queries = [], [], {}
    views_before = models.ShareView.objects.filter(link=link).count()
    for _ in range(args.repeat):  # interleaved, so that drift of the machine touches both alike
        elapsed, queries["recorded"] = timed_get(client, path)
        recorded.append(elapsed)
        elapsed, queries["unrecorded"] = timed_get(client, path, **PREFETCH)
        unrecorded.append(elapsed)
    views_after = models.ShareView.objects.filter(link=link).count()
    assert views_after - views_before == args.repeat * len(assets), "every buyer view is recorded, no prefetch"

    link = models.ShareLink.objects.select_related("deal", "created_by").get(pk=link.pk)  # as the page reads it
    request = RequestFactory().get(path, HTTP_USER_AGENT=BROWSER)
    request.user = None
    alone = []
    shown = link_assets(link)  # as the page reads them: with whether each one's use is logged already
    for _ in range(args.repeat):
        began = time.perf_counter()
        record_views(request=request, link=link, assets=shown, visitor="0" * 32)
        alone.append(time.perf_counter() - began)

    first = []
    for _ in range(args.first_views):
        fresh = new_link(rep, assets)
        elapsed, queries["first"] = timed_get(Client(), fresh.get_absolute_url())
        first.append(elapsed)
        logged = models.Usage.objects.filter(deal=fresh.deal, action=models.UsageAction.BUYER_VIEWED).count()
        assert logged == len(assets), "the first view logs one usage per asset"

    counts = (models.Asset.objects.count(), models.Deal.objects.count(), models.Usage.objects.count())
    print(
        f"\n{connection.vendor}: {counts[0]:,} assets, {counts[1]:,} deals, {counts[2]:,} uses, "
        f"{models.ShareView.objects.count():,} recorded views; a link of {len(assets)} assets; "
        f"{args.repeat} views of each kind, {args.first_views} first views\n"
    )
    print("| buyer page, at the server                          |    p50 |    p95 | queries |")
    print("|----------------------------------------------------|-------:|-------:|--------:|")
    for label, values, key in [
        ("a view, recorded (later views of the link)", recorded, "recorded"),
        ("the same page, not recorded (a prefetch)", unrecorded, "unrecorded"),
        ("a first view (also logs one usage per asset)", first, "first"),
    ]:
        p50, p95 = ms(values)
        print(f"| {label:<50} | {p50:6.1f} | {p95:6.1f} | {queries[key]:>7} |")
    p50, p95 = ms(alone)
    print(f"| {'record_views() alone, a later view':<50} | {p50:6.1f} | {p95:6.1f} |         |")
    added = (statistics.median(recorded) - statistics.median(unrecorded)) * 1000
    added_first = (statistics.median(first) - statistics.median(unrecorded)) * 1000
    print(f"\nrecording a view adds {added:.1f} ms at the median ({added_first:.1f} ms for a link's first view)")


if __name__ == "__main__":
    main()
