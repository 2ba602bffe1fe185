"""`make capacity`: how many requests per second the app serves before it slows down.

The app runs as `make serve` runs it (DEBUG=0, collected static files, gunicorn with --workers sync
workers) on PostgreSQL. An open-loop generator offers requests at a constant arrival rate, whatever
the answers' speed, and measures each answer from the moment its request was due (so a slow server
cannot slow the generator down and hide its own queueing). The rate steps up, by --factor each
--step-seconds, until the p95 passes --p95-ms or an error appears. The knee is the highest rate
that held: p95 within the limit, no error, and at least 95% of the offered requests answered within
the step.

Workloads: the mixed one of `make load` (reps search, open assets, log usage, open the buyer page;
managers read reports) and each endpoint alone, beside /healthz measured in the same run as the
ceiling of the stack (gunicorn, middleware and this generator; no database).

Data sets: --dataset demo (`manage.py load_demo`, the `make run` data) and --dataset bench (100,000
assets, 50,000 deals, 1,000,000 usages, generated on first run and reused, as `make bench`). A run
deletes the uses and links it wrote when it ends (and those an interrupted run left), so that every
run meets the same data: the uses would pile up otherwise, and the reports and the asset page count
them.

Usage: python bench/capacity.py [--dataset demo|bench] [--only search,asset_api] [--workers 3]
"""

import argparse
import asyncio
import json
import os
import random
import re
import runpy
import secrets
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from _server import ROOT, CookieClient, free_port, manage, start_gunicorn, tokens_for
from _stats import percentile
from load import ensure_database, query

PASSWORD = "capacity-pass-2026"
NOTE = "Capacity run"  # on the uses and links a run writes, which it deletes when it ends
QUERIES = [
    "pricing objection",
    "security review",
    "case study healthcare",
    "battle card",
    "roi",
    "implementation timeline",
    "invoice automation",
    "integration erp",
    "procurement",
    "compliance",
    "onboarding",
    "cfo",
    "total cost",
    "legal wants to redline our contract",
    "approval workflow",
]
HTTPS = {"X-Forwarded-Proto": "https"}
DATASETS = {
    "demo": "postgres://postgres@127.0.0.1:5432/enablement_capacity_demo",
    "bench": "postgres://postgres@127.0.0.1:5432/enablement_bench",
}
BENCH_SIZE = {"assets": 100_000, "deals": 50_000, "usages": 1_000_000}
# The workloads a run measures besides /healthz, each a method of Workload.
WORKLOADS = ("mixed", "search", "asset_page", "asset_api", "log_usage", "report_api", "buyer_page")
# The mixed workload's shares, as in bench/locustfile.py (9 reps to 1 manager) plus the buyer page.
MIXED = {"search": 54, "asset_page": 27, "log_usage": 18, "buyer_page": 10, "report_api": 10, "asset_api": 10}


class Workload:
    """Builds the raw HTTP/1.1 request of each endpoint from the data set's ids and credentials."""

    def __init__(self, *, tokens, session, assets, deals, buyer_paths):
        self.tokens, self.session = tokens, session
        self.assets, self.deals, self.buyer_paths = assets, deals, buyer_paths

    def raw(self, method, path, *, headers=None, body=b""):
        lines = [f"{method} {path} HTTP/1.1", "Host: localhost", "Connection: close", "X-Forwarded-Proto: https"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if body:
            lines += [f"Content-Length: {len(body)}"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    def api(self, role="rep"):
        return {"Authorization": f"Token {self.tokens[role]}", "Accept": "application/json"}

    def healthz(self):
        return self.raw("GET", "/healthz")

    def search(self):
        q = urllib.parse.urlencode({"q": random.choice(QUERIES)})
        return self.raw("GET", f"/api/v1/assets/?{q}", headers=self.api())

    def asset_api(self):
        return self.raw("GET", f"/api/v1/assets/{random.choice(self.assets)}/", headers=self.api())

    def asset_page(self):
        return self.raw("GET", f"/assets/{random.choice(self.assets)}/", headers={"Cookie": self.session})

    def log_usage(self):
        body = json.dumps(
            {"asset": random.choice(self.assets), "deal": random.choice(self.deals), "action": "shared", "note": NOTE}
        ).encode()
        return self.raw("POST", "/api/v1/usage/", headers={**self.api(), "Content-Type": "application/json"}, body=body)

    def report_api(self):
        name = random.choice(["usage", "effectiveness", "adoption"])
        return self.raw("GET", f"/api/v1/reports/{name}/", headers=self.api("manager"))

    def buyer_page(self):
        return self.raw("GET", random.choice(self.buyer_paths), headers={"Accept": "text/html"})

    def mixed(self):
        name = random.choices(list(MIXED), weights=list(MIXED.values()))[0]
        return getattr(self, name)()


async def send(port, raw, timeout):
    """The status of one request on its own connection (None when it failed or timed out)."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
        writer.write(raw)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout)
        await asyncio.wait_for(reader.read(), timeout)
        writer.close()
        return int(status_line.split()[1])
    except (TimeoutError, OSError, IndexError, ValueError):
        return None


async def step(port, make, rate, seconds, timeout, in_flight_cap):
    """Offer `rate` requests/s for `seconds`; (latencies ms, errors, statuses, answered in time)."""
    loop = asyncio.get_running_loop()
    latencies, statuses, errors = [], {}, 0
    pending = set()
    in_flight = asyncio.Semaphore(in_flight_cap)
    dropped = 0

    async def one(due, raw):
        nonlocal errors
        async with in_flight:
            status = await send(port, raw, timeout)
        latencies.append((loop.time() - due) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
        if status is None or status >= 400:
            errors += 1

    count = max(1, int(rate * seconds))
    start = loop.time() + 0.05
    for i in range(count):
        due = start + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        if in_flight.locked() and len(pending) > 4 * in_flight_cap:
            dropped += 1  # the server is this far behind: counted as an error, not queued without end
            continue
        task = asyncio.create_task(one(due, make()))
        pending.add(task)
        task.add_done_callback(pending.discard)
    end = start + seconds
    answered_in_step = sum(statuses.values())
    if pending:
        await asyncio.wait(pending, timeout=max(0.1, end + timeout - loop.time()))
    for task in list(pending):
        task.cancel()
    lost = count - dropped - len(latencies)
    return latencies, errors + dropped + lost, statuses, answered_in_step


async def settle(port, make, workers, *, rounds=100):
    """Warm every worker on this workload (first requests load the model, the caches, the
    connections; a run starts by deleting what the last one wrote, which moves the library
    version, so no search's ranking is kept): rounds of twice as many requests at once as there
    are workers, so that each worker answers some (one request after another would mostly reach
    the same worker), at least `rounds` of them and until three rounds in a row each answer within
    250 ms (at most 3 × `rounds`); then wait until the server has drained what an earlier step left
    queued. Every worker keeps its own rankings and pages (without Redis): 100 rounds of 6 are 600
    requests, which reach each of 3 workers with each of the 15 search queries about 13 times. With
    three quick rounds alone, a run could start after 18 requests, and its first step met the rest
    cold: a first step at 250 req/s failed at p95 79-231 ms where the next held at 16-19 ms."""

    async def timed():
        began = time.perf_counter()
        await send(port, make(), timeout=120)
        return time.perf_counter() - began

    quick = 0
    for done in range(1, 3 * rounds + 1):
        slowest = max(await asyncio.gather(*(timed() for _ in range(2 * workers))))
        quick = quick + 1 if slowest < 0.25 else 0
        if quick >= 3 and done >= rounds:
            break
    for _ in range(60):
        began = time.perf_counter()
        await send(port, make(), timeout=120)
        if time.perf_counter() - began < 1:
            return
        await asyncio.sleep(1)


def ramp(port, name, make, args):
    """Step the rate up until the p95 passes the limit or errors appear; the knee and its figures."""
    rate, knee = args.start_rate, None
    asyncio.run(settle(port, make, args.workers))
    print(f"\n{name}: offered req/s, answered req/s, p50 / p95 / p99 ms, errors", flush=True)
    while rate <= args.max_rate:
        latencies, errors, statuses, _ = asyncio.run(
            step(port, make, rate, args.step_seconds, args.timeout, args.in_flight)
        )
        answered = len(latencies) / args.step_seconds
        p50, p95, p99 = (percentile(latencies, s) for s in (0.5, 0.95, 0.99))
        bad = {k: v for k, v in statuses.items() if k is None or k >= 400}
        print(
            f"  {rate:8.0f} {answered:9.1f} {p50:8.1f} {p95:8.1f} {p99:8.1f} {errors:6d}" + (f"  {bad}" if bad else ""),
            flush=True,
        )
        held = p95 <= args.p95_ms and errors == 0 and answered >= 0.95 * rate
        if not held:
            break
        knee = {"rate": rate, "p50": p50, "p95": p95}
        rate = rate * args.factor
    return knee


def prepare(env, dataset):
    """Migrate and fill the data set (reused when it is there), give the roles a password."""
    if dataset == "demo":
        manage("migrate", "--noinput", "-v0", env=env)
        manage("load_demo", "--if-empty", env=env, capture=True)
    else:
        manage("migrate", "--noinput", "-v0", env=env)
        have = int(query(env, "from content.models import Asset; print(Asset.objects.count())"))
        if have < BENCH_SIZE["assets"]:
            print(f"generating the bench data set ({BENCH_SIZE}); reused by later runs", flush=True)
            manage(
                "generate_synthetic",
                f"--assets={BENCH_SIZE['assets']}",
                f"--deals={BENCH_SIZE['deals']}",
                f"--usages={BENCH_SIZE['usages']}",
                "--requests=2000",
                "--searches=20000",
                "--seed=1",
                env=env,
            )
            # passages and vectors for hybrid search, as bench/search_bench.py makes them
            code = (
                "import sys; sys.path.insert(0, 'bench'); import semantic_parts; "
                "semantic_parts.embed_sample(2000); semantic_parts.fill_with_copies(); print('ok')"
            )
            query(env, code)
    code = (
        "from django.contrib.auth import get_user_model; from django.contrib.auth.models import Group; "
        "U = get_user_model(); "
        "rep = U.objects.filter(username='rep').first() or U.objects.filter(groups__name='Sales').order_by('pk')[0]; "
        "mgr = U.objects.filter(username='manager').first() or "
        "U.objects.filter(groups__name='Managers').order_by('pk').first(); "
        f"[(u.set_password('{PASSWORD}'), u.save()) for u in (rep, mgr) if u]; "
        "print(rep.username + ',' + (mgr.username if mgr else rep.username))"
    )
    return query(env, code).split(",")


def set_up(url: str, dataset: str, **settings) -> tuple[dict, str, str]:
    """(the app's environment, the rep, the manager): the app as `make serve` runs it (DEBUG=0, its
    static files collected) on `url`, with `settings` besides, and the data set ready, without
    what an interrupted run left. Sign-in failures and a link's views are not limited."""
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "DATABASE_URL": url,
            "REQUEST_LOG_LEVEL": "WARNING",
            "LOGIN_MAX_FAILURES": "1000",
            # a buyer page answers 429 past this many views of one link a minute: the run shares
            # 5 links among all its views, which that limit would measure instead of the app
            "SHARE_LINK_RATE_PER_MINUTE": "1000000",
            **settings,
        }
    )
    ensure_database(url)
    manage("collectstatic", "--noinput", "-v0", env=env)
    rep, manager = prepare(env, dataset)
    forget_the_run(env)
    return env, rep, manager


def forget_the_run(env) -> None:
    """Delete what runs wrote: the uses they logged, the links they sent and their views."""
    query(
        env,
        "from content.models import ShareLink, Usage; from content.support import refresh_support; "
        f"links = ShareLink.objects.filter(note={NOTE!r}); "
        f"ids = set(Usage.objects.filter(note={NOTE!r}).values_list('asset_id', flat=True)); "
        f"Usage.objects.filter(note={NOTE!r}).delete(); links.delete(); refresh_support(ids); print('ok')",
    )


def workload_for(env, port, rep, manager) -> Workload:
    tokens = tokens_for([rep, manager], env)
    tokens = {"rep": tokens[rep], "manager": tokens[manager]}
    ids = query(
        env,
        (
            "from django.contrib.auth import get_user_model; from content.models import Deal; "
            "from content.permissions import visible_assets; from content.sharing import shareable_assets; "
            f"u = get_user_model().objects.get(username='{rep}'); "
            "a = list(visible_assets(u).released().values_list('id', flat=True)[:200]); "
            "s = [x.id for x in shareable_assets(u, limit=20)]; "
            "d = list(Deal.objects.open().filter(owner=u).values_list('crm_id', flat=True)[:100]); "
            "print(','.join(map(str, a)) + ';' + ','.join(d) + ';' + ','.join(map(str, s)))"
        ),
    )
    assets_part, deals_part, shareable_part = ids.split(";")
    assets, deals = [int(x) for x in assets_part.split(",")], deals_part.split(",")
    shareable = [int(x) for x in shareable_part.split(",") if x]
    if not assets or not deals[0]:
        raise SystemExit(f"the data set has no released asset or open deal for {rep}")

    browser = CookieClient(port)
    status, _, page = browser.call("GET", "/login/", headers=HTTPS)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": rep, "password": PASSWORD, "csrfmiddlewaretoken": csrf})
    status, _, _ = browser.call("POST", "/login/", body=form, headers={**HTTPS, "Referer": "https://localhost/login/"})
    if status != 302:
        raise SystemExit(f"{rep} could not sign in ({status})")
    session = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())

    buyer_paths = []
    for deal in deals[:5]:
        body = json.dumps(
            {"deal": deal, "assets": random.sample(shareable, min(2, len(shareable))), "note": NOTE}
        )
        status, _, text = CookieClient(port).call(
            "POST",
            "/api/v1/share-links/",
            body=body,
            headers={**HTTPS, "Authorization": f"Token {tokens['rep']}", "Content-Type": "application/json"},
        )
        if status != 201:
            print(f"share link for {deal}: {status} {text[:300]}", flush=True)
        else:
            buyer_paths.append("/" + json.loads(text)["url"].split("://", 1)[-1].split("/", 1)[-1])
    if not buyer_paths:
        raise SystemExit("no share link could be created for the buyer page")
    return Workload(tokens=tokens, session=session, assets=assets, deals=deals, buyer_paths=buyer_paths)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="demo")
    parser.add_argument("--database-url", help="Defaults to the data set's own database.")
    parser.add_argument(
        "--workers", type=int, default=None, help="Default: as `make serve` (gunicorn.conf.py, WEB_WORKERS)."
    )
    parser.add_argument("--only", default="", help="Comma-separated workloads (default: all).")
    parser.add_argument("--start-rate", type=float, default=10)
    parser.add_argument("--factor", type=float, default=1.25)
    parser.add_argument("--max-rate", type=float, default=5000)
    parser.add_argument("--step-seconds", type=float, default=8)
    parser.add_argument("--p95-ms", type=float, default=200)
    parser.add_argument("--timeout", type=float, default=5)
    parser.add_argument("--in-flight", type=int, default=256, help="Connections open at once, at most.")
    parser.add_argument(
        "--search-cache-seconds",
        type=int,
        help="SEARCH_CACHE_SECONDS for the app (default: the app's own, 600); 0 ranks every search anew.",
    )
    args = parser.parse_args()
    if args.workers is None:
        args.workers = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"]

    extra = {} if args.search_cache_seconds is None else {"SEARCH_CACHE_SECONDS": str(args.search_cache_seconds)}
    env, rep, manager = set_up(args.database_url or DATASETS[args.dataset], args.dataset, **extra)

    chosen = [n for n in ("healthz", *WORKLOADS) if not args.only or n in args.only.split(",")]
    port = free_port()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        server = start_gunicorn(port, env, workers=args.workers, threads=1, log_path=Path(tmp) / "gunicorn.log")
        try:
            work = workload_for(env, port, rep, manager)
            for name in chosen:
                results[name] = ramp(port, name, getattr(work, name), args)
        finally:
            server.terminate()
            server.wait(timeout=30)

    assets = query(
        env,
        "from content.models import Asset, Usage; "
        "print(f'{Asset.objects.count():,} assets, {Usage.objects.count():,} usages')",
    )
    forget_the_run(env)
    print(
        f"\nCapacity on PostgreSQL, {args.dataset} data ({assets}), gunicorn {args.workers} sync workers, "
        f"DEBUG=0, SEARCH_CACHE_SECONDS={env.get('SEARCH_CACHE_SECONDS', 'default (600)')}; "
        f"knee = highest offered rate with p95 <= {args.p95_ms:.0f} ms and no error"
    )
    print(f"{'workload':<12} {'knee req/s':>10} {'p50 ms':>8} {'p95 ms':>8}")
    for name, knee in results.items():
        if knee is None:
            print(f"{name:<12} {'< ' + format(args.start_rate, '.0f'):>10} {'-':>8} {'-':>8}")
        else:
            print(f"{name:<12} {knee['rate']:10.0f} {knee['p50']:8.1f} {knee['p95']:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
