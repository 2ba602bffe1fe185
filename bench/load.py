"""`make load`: the app under gunicorn on 127.0.0.1 with PostgreSQL, driven by a headless locust
from a second process for a bounded time. Prints requests/s, p50/p95/p99 and errors per endpoint,
and checks that every usage the load logged is in the database. Then the buyer-view scenario
(bench/buyer_load.py): --buyer-views buyers open one tracked link at once, and no view may be lost
nor a usage logged twice.

Usage: python bench/load.py [--users 50] [--seconds 60] [--buyer-views 200] [--database-url postgres://...]
       python bench/load.py --buyer-views 200 --seconds 0     # the buyer-view scenario alone
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import buyer_load
from _server import ROOT, app_env, free_port, manage, start_gunicorn, tokens_for

PASSWORD = "load-pass-2026"


def query(env, code):
    return manage("shell", "-c", code, env=env, capture=True).stdout.strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--buyer-views", type=int, default=200, help="0 skips the buyer-view scenario.")
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL",
                                                                 "postgres://postgres@127.0.0.1:5432/enablement_load"))
    args = parser.parse_args()

    env = app_env(DATABASE_URL=args.database_url, REQUEST_LOG_LEVEL="WARNING", LOGIN_MAX_FAILURES="1000")
    ensure_database(args.database_url)
    manage("migrate", "--noinput", "-v0", env=env)
    manage("load_demo", env=env, capture=True)
    code = (
        "from django.contrib.auth import get_user_model; U = get_user_model(); "
        f"[(u.set_password('{PASSWORD}'), u.save()) for u in U.objects.filter(username__in=['rep','manager'])]; "
        "print('ok')"
    )
    query(env, code)
    mixed_ok = run_mixed(args, env) if args.seconds > 0 else True
    buyers_ok = buyer_load.run(env, views=args.buyer_views, workers=args.workers) if args.buyer_views else True
    return 0 if mixed_ok and buyers_ok else 1


def run_mixed(args, env) -> bool:
    tokens = tokens_for(["rep", "manager"], env)
    asset_ids = query(env, "from content.models import Asset; print(','.join(str(i) for i in "
                           "Asset.objects.released().values_list('id', flat=True)[:40]))")
    deal_ids = query(env, "from content.models import Deal; print(','.join(Deal.objects.open()"
                          ".filter(owner__username='rep').values_list('crm_id', flat=True)[:40]))")
    usages_before = int(query(env, "from content.models import Usage; print(Usage.objects.count())"))

    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_gunicorn(port, env, workers=args.workers, threads=4, log_path=Path(tmp) / "gunicorn.log")
        try:
            load_env = dict(env, LOAD_TOKENS=",".join(f"{k}={v}" for k, v in tokens.items()),
                            LOAD_ASSET_IDS=asset_ids, LOAD_DEAL_IDS=deal_ids, LOAD_PASSWORD=PASSWORD)
            subprocess.run(
                [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                 "-u", str(args.users), "-r", str(max(1, args.users // 5)), "-t", f"{args.seconds}s",
                 "--host", f"http://127.0.0.1:{port}", "--csv", f"{tmp}/load", "--only-summary",
                 "--loglevel", "WARNING", "--stop-timeout", "10"],
                cwd=ROOT, env=load_env, check=False,
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        rows = list(csv.DictReader(open(f"{tmp}/load_stats.csv")))  # noqa: SIM115

    print(f"\n{args.users} users for {args.seconds}s, {args.workers} gunicorn workers x 4 threads, PostgreSQL\n")
    print(f"{'endpoint':45} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    logged_ok = 0
    total_errors = 0
    for row in rows:
        name = row["Name"]
        print(f"{name[:45]:45} {row['Request Count']:>8} {row['Failure Count']:>6} "
              f"{float(row['Requests/s']):7.1f} {row['50%']:>7} {row['95%']:>7} {row['99%']:>7}")
        if name.startswith("log usage"):
            logged_ok = int(row["Request Count"]) - int(row["Failure Count"])
        if name != "Aggregated":
            total_errors += int(row["Failure Count"])
    usages_after = int(query(env, "from content.models import Usage; print(Usage.objects.count())"))
    stored = usages_after - usages_before
    print(f"\nusage logged (201): {logged_ok}; new usage rows in the database: {stored}")
    # A write still in flight when the load stops is stored but not counted by the client, so the
    # database may hold a few more rows than were acknowledged; it must never hold fewer.
    lost = max(0, logged_ok - stored)
    print(f"errors: {total_errors}; lost writes: {lost}")
    return total_errors == 0 and lost == 0


def ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    sys.exit(main())
