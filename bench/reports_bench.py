"""Time every report on the database DATABASE_URL points at, as a function call and as an API call.

    python bench/reports_bench.py                      # 100,000 assets, 50,000 deals, 1,000,000 uses
    python bench/reports_bench.py --usages 10000000    # the same library and deals, 10,000,000 uses
    python bench/reports_bench.py --assets 2000 --deals 1000 --usages 20000 --own-data

When the database holds fewer assets than asked for, the data is generated first: with
`manage.py generate_synthetic` when that command exists, or with the small bulk generator below
when --own-data is given (or the command is missing). On PostgreSQL, uses beyond the first
1,000,000 are written in SQL (generate_series), shaped as generate_synthetic shapes them; give
such a run a database of its own (DATABASE_URL), as the data set is kept for the next run. Prints
one line per report: the median and the slowest of --repeat runs, and the number of SQL queries.
"""

import argparse
import datetime
import logging
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enablement.settings")

import django  # noqa: E402

django.setup()
# one log line per request would drown the table
logging.getLogger("enablement.requests").setLevel(logging.WARNING)

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from content import models  # noqa: E402
from content.caching import bump_data_version  # noqa: E402
from content.reports import REPORTS, ReportFilters  # noqa: E402

BATCH = 5000
# Uses written from Python objects; on PostgreSQL the rest come from SQL (more_usages_in_sql).
PYTHON_USAGES = 1_000_000


def own_data(*, assets, deals, usages, requests, searches, reps=200, seed=7):
    """Bulk-create a synthetic data set shaped like the real one (for a quick run of the bench)."""
    rng = random.Random(seed)
    User = get_user_model()
    now = timezone.now()
    stages = list(models.FunnelStage.objects.all())
    personas = list(models.Persona.objects.all())
    sales, marketing = Group.objects.get(name="Sales"), Group.objects.get(name="Marketing")
    with transaction.atomic():
        start = User.objects.count()
        User.objects.bulk_create(
            [User(username=f"bench-rep-{start + i}") for i in range(reps)]
            + [User(username=f"bench-marketer-{start + i}") for i in range(10)],
            batch_size=BATCH,
        )
        rep_ids = list(User.objects.filter(username__startswith="bench-rep-").values_list("id", flat=True))
        marketer_ids = list(
            User.objects.filter(username__startswith="bench-marketer-").values_list("id", flat=True)
        )
        sales.user_set.add(*rep_ids)
        marketing.user_set.add(*marketer_ids)
        kinds = models.AssetKind.values
        created = []
        for i in range(assets):
            published = now - datetime.timedelta(days=rng.randint(1, 400))
            asset = models.Asset(
                kind=rng.choice(kinds),
                title=f"Synthetic asset {i}",
                status=models.AssetStatus.PUBLISHED,
                published_at=published,
                owner_id=rng.choice(marketer_ids),
                verification_interval_days=90,
            )
            asset.review_by = asset.compute_review_by()
            created.append(asset)
        models.Asset.objects.bulk_create(created, batch_size=BATCH)
        asset_ids = list(models.Asset.objects.values_list("id", flat=True))
        through = models.Asset.stages.through
        through.objects.bulk_create(
            [through(asset_id=a, funnelstage_id=rng.choice(stages).pk) for a in asset_ids],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        through = models.Asset.personas.through
        through.objects.bulk_create(
            [through(asset_id=a, persona_id=rng.choice(personas).pk) for a in asset_ids],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        offset = models.Deal.objects.count()
        deal_rows = []
        for i in range(deals):
            status = rng.choice(["open", "won", "lost", "lost"])
            close = (now - datetime.timedelta(days=rng.randint(0, 365))).date() if status != "open" else None
            deal_rows.append(
                models.Deal(
                    crm_id=f"BENCH{offset + i:08d}",
                    name=f"Deal {i}",
                    amount=Decimal(rng.randint(1, 200) * 500),
                    status=status,
                    close_date=close,
                    owner_id=rng.choice(rep_ids),
                    funnel_stage=rng.choice(stages),
                )
            )
        models.Deal.objects.bulk_create(deal_rows, batch_size=BATCH)
        deal_ids = list(models.Deal.objects.values_list("id", flat=True))
        through = models.Deal.personas.through
        through.objects.bulk_create(
            [through(deal_id=d, persona_id=rng.choice(personas).pk) for d in deal_ids],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        actions = models.UsageAction.values
        viewed = set()  # a buyer's view of an asset is logged once per deal (a database constraint)

        def action_for(asset_id, deal_id):
            action = rng.choice(actions)
            if action == models.UsageAction.BUYER_VIEWED:
                if (asset_id, deal_id) in viewed:
                    return models.UsageAction.SHARED
                viewed.add((asset_id, deal_id))
            return action

        for done in range(0, usages, BATCH):
            rows = []
            for _ in range(min(BATCH, usages - done)):
                asset_id, deal_id = rng.choice(asset_ids), rng.choice(deal_ids)
                rows.append(
                    models.Usage(
                        asset_id=asset_id,
                        deal_id=deal_id,
                        user_id=rng.choice(rep_ids),
                        action=action_for(asset_id, deal_id),
                        stage_id=rng.choice(stages).pk,
                        used_at=now - datetime.timedelta(minutes=rng.randint(0, 365 * 24 * 60)),
                    )
                )
            models.Usage.objects.bulk_create(rows)
        models.ContentRequest.objects.bulk_create(
            [
                models.ContentRequest(
                    title=f"Need {i}",
                    description="Synthetic.",
                    requester_id=rng.choice(rep_ids),
                    assignee_id=rng.choice(marketer_ids),
                    stage=rng.choice(stages),
                    persona=rng.choice(personas),
                    status=rng.choice(models.RequestStatus.values[:2]),
                )
                for i in range(requests)
            ],
            batch_size=BATCH,
        )
        models.SearchLog.objects.bulk_create(
            [
                models.SearchLog(
                    user_id=rng.choice(rep_ids), query="q", clicked_asset_id=rng.choice(asset_ids)
                )
                for _ in range(searches)
            ],
            batch_size=BATCH,
        )


def more_usages_in_sql(count):
    """`count` more uses on PostgreSQL, shaped as generate_synthetic shapes them (the same skew of
    a few much-used assets, a random deal, rep and action, a day from 120 days before the deal's
    close, or today when it is open, to 5 days after), written in SQL rather than from Python
    objects. A buyer's view already logged for its asset and deal (or drawn twice) becomes a share,
    as the database allows one per asset and deal. The triggers keep the daily rollup as for any
    insert. The stored per-asset figures (uses, won deals) are left as they were: no report reads
    them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_new_usage AS "
            "SELECT g AS n, a.ids[1 + ((LEAST(floor(power(1 - random(), -1 / 1.2::float8))::bigint - 1, a.n - 1) "
            "* 7919) %% a.n)::int] AS asset_id, d.ids[x.di] AS deal_id, r.ids[1 + floor(random() * r.n)::int] AS user_id, "
            "(ARRAY['shared', 'presented', 'sent', 'heard', 'buyer_viewed'])[1 + floor(random() * 5)::int] AS action, "
            "((d.anchors[x.di] - (floor(random() * 126)::int - 5))::timestamp + interval '12 hours') "
            "AT TIME ZONE 'UTC' AS used_at "
            "FROM generate_series(1, %s) g "
            "CROSS JOIN (SELECT array_agg(id ORDER BY id) ids, count(*) n FROM content_asset) a "
            "CROSS JOIN (SELECT array_agg(id ORDER BY id) ids, array_agg(COALESCE(close_date, CURRENT_DATE) "
            "ORDER BY id) anchors, count(*) n FROM content_deal) d "
            "CROSS JOIN (SELECT array_agg(user_id) ids, count(*) n FROM (SELECT DISTINCT user_id FROM content_usage) u) r "
            "CROSS JOIN LATERAL (SELECT 1 + floor(random() * d.n + g * 0)::int AS di) x",
            [count],
        )
        cursor.execute(
            "UPDATE bench_new_usage b SET action = 'shared' FROM ("
            "SELECT n FROM (SELECT n, row_number() OVER (PARTITION BY asset_id, deal_id ORDER BY n) AS k "
            "FROM bench_new_usage WHERE action = 'buyer_viewed') v WHERE k > 1 UNION "
            "SELECT b.n FROM bench_new_usage b JOIN content_usage u ON u.asset_id = b.asset_id "
            "AND u.deal_id = b.deal_id AND u.action = 'buyer_viewed' WHERE b.action = 'buyer_viewed'"
            ") twice WHERE b.n = twice.n"
        )
        # Indexes and foreign keys are set aside for the load and built or checked once after it
        # (a foreign key checked row by row, 9,000,000 times, takes longer than the load).
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'content_usage' "
            "AND indexname <> 'content_usage_pkey'"
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'content_usage'::regclass AND contype = 'f'"
        )
        foreign_keys = cursor.fetchall()
        for name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE content_usage DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(
            "INSERT INTO content_usage (asset_id, deal_id, user_id, action, stage_id, used_at, note, created_at) "
            "SELECT asset_id, deal_id, user_id, action, NULL, used_at, '', now() FROM bench_new_usage ORDER BY n"
        )
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE content_usage ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("DROP TABLE bench_new_usage")


def ensure_data(args):
    generate = models.Asset.objects.count() < args.assets
    in_python = args.usages if connection.vendor != "postgresql" else min(args.usages, PYTHON_USAGES)
    in_sql = args.usages - max(in_python, 0 if generate else models.Usage.objects.count())
    if not generate and in_sql <= 0:
        return
    print(f"Generating data: {args.assets} assets, {args.deals} deals, {args.usages} uses ...", flush=True)
    began = time.perf_counter()
    if generate and not args.own_data and "generate_synthetic" in get_commands():
        call_command(
            "generate_synthetic",
            assets=args.assets,
            deals=args.deals,
            usages=in_python,
            requests=args.requests,
            searches=args.searches,
        )
    elif generate:
        own_data(
            assets=args.assets,
            deals=args.deals,
            usages=in_python,
            requests=args.requests,
            searches=args.searches,
        )
    if in_sql > 0:
        with transaction.atomic():
            more_usages_in_sql(in_sql)
        print(f"  {in_sql:,} more uses in SQL: {time.perf_counter() - began:.1f} s", flush=True)
    # Fresh statistics for the planner; on PostgreSQL VACUUM also sets the visibility map, without
    # which no index-only scan pays off and every report is several times slower.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"  done in {time.perf_counter() - began:.1f} s", flush=True)


def timed(function, repeat, before=None):
    runs, queries = [], 0
    for _ in range(repeat):
        if before:
            before()
        reset_queries()  # with DEBUG on, a full query log would make the capture read zero
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            function()
            runs.append(time.perf_counter() - began)
        queries = len(captured)
    return statistics.median(runs), max(runs), queries


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--deals", type=int, default=50_000)
    parser.add_argument("--usages", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--searches", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--days", type=int, default=90, help="The report period, ending today.")
    parser.add_argument("--own-data", action="store_true", help="Use the bulk generator in this script.")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    ensure_data(args)
    setup_test_environment()
    manager, _ = get_user_model().objects.get_or_create(username="bench-manager")
    manager.groups.add(Group.objects.get(name="Managers"))
    client = Client()
    client.force_login(manager)
    today = timezone.localdate()
    params = {"start": (today - datetime.timedelta(days=args.days - 1)).isoformat(), "end": today.isoformat()}
    filters = ReportFilters.from_params(params)

    counts = (models.Asset.objects.count(), models.Deal.objects.count(), models.Usage.objects.count())
    print(
        f"\n{connection.vendor}: {counts[0]:,} assets, {counts[1]:,} deals, {counts[2]:,} uses; "
        f"period {params['start']} .. {params['end']}; median and max of {args.repeat} runs\n"
    )
    print(f"| {'report':<14}| function median | function max | API median | API max | queries |")
    print("|---------------|---------------:|-------------:|-----------:|--------:|--------:|")
    for name, report in REPORTS.items():
        f_median, f_max, f_queries = timed(lambda report=report: report(filters), args.repeat)
        url = f"/api/v1/reports/{name}/"
        # A new data version before each call, so the API is timed computing the report, not
        # serving it from the report cache.
        a_median, a_max, _ = timed(lambda url=url: client.get(url, params), args.repeat, before=bump_data_version)
        print(
            f"| {name:<14}| {f_median * 1000:>11.0f} ms | {f_max * 1000:>9.0f} ms | {a_median * 1000:>7.0f} ms "
            f"| {a_max * 1000:>4.0f} ms | {f_queries:>7} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
