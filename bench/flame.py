"""`make flame`: where a workload's time goes, as a flame graph of the app's workers under load.

The app runs as `make capacity` runs it (DEBUG=0, gunicorn's sync workers, PostgreSQL, the demo
data); the same open-loop generator offers one workload (mixed, search, asset_page, asset_api,
log_usage, report_api, buyer_page) at a constant rate below the knee, while py-spy samples every
worker (only while it holds the GIL, so what it shows is CPU, not waiting on the database). It
writes the flame graph as an SVG (open it in a browser: a frame's width is its share of the
workers' CPU, hover for the figures) and prints:

- the CPU each request cost, split between the app's workers, PostgreSQL and the generator
  (read from /proc over the sampled window; the generator shares the machine);
- the share of the workers' samples by layer (the leaf frame's package: the database driver,
  Django's ORM, its templates, DRF, JSON, the app's own code...);
- the app's own functions with the largest inclusive share.

py-spy reads other processes' memory: run it as root or with CAP_SYS_PTRACE.

Usage: python bench/flame.py [--workload search] [--rate 80] [--seconds 20] [--out bench/out]
"""

import argparse
import asyncio
import html
import os
import re
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from pathlib import Path

from _server import ROOT, free_port, start_gunicorn
from capacity import DATASETS, WORKLOADS, forget_the_run, percentile, set_up, settle, step, workload_for

# The layer a leaf frame belongs to, by the first of these its file path contains.
LAYERS = (
    ("psycopg/", "database driver (psycopg)"),
    ("django/db/", "Django ORM"),
    ("django/template", "Django templates"),
    ("rest_framework/", "DRF"),
    ("django_filters/", "django-filter"),
    ("json/", "JSON"),
    ("django/core/cache", "cache"),
    ("pickle", "cache"),
    ("gunicorn/", "gunicorn"),
    ("django/", "Django (other)"),
    ("content/", "the app (content/)"),
)


def parse_stacks(lines) -> Counter:
    """py-spy's collapsed stacks ("frame;frame;... count") of the workers' request handling, as
    {tuple of frames: samples}; the master process and samples outside a request are left out."""
    stacks = Counter()
    for line in lines:
        stack, _, count = line.rstrip().rpartition(" ")
        if not count.isdigit():
            continue
        frames = tuple(stack.split(";"))
        for i, frame in enumerate(frames):
            if frame.startswith("SyncWorker.handle_request") or frame.startswith("handle_request"):
                stacks[frames[i:]] += int(count)
                break
    return stacks


def layer_of(frame: str) -> str:
    where = frame.rsplit("(", 1)[-1]
    return next((name for part, name in LAYERS if part in where), "other (standard library, C)")


def layer_shares(stacks: Counter) -> list[tuple[str, float]]:
    total = sum(stacks.values()) or 1
    layers = Counter()
    for frames, count in stacks.items():
        layers[layer_of(frames[-1])] += count
    return [(name, 100 * n / total) for name, n in layers.most_common()]


def app_functions(stacks: Counter, top: int = 15) -> list[tuple[str, float]]:
    """The app's functions (content/) by inclusive share: the samples with the function anywhere
    on their stack, each sample counted once per function. Middleware, which wraps every request,
    is left out."""
    total = sum(stacks.values()) or 1
    inclusive = Counter()
    for frames, count in stacks.items():
        for frame in set(frames):
            if "(content/" in frame and "Middleware." not in frame:
                inclusive[frame] += count
    return [(frame, 100 * n / total) for frame, n in inclusive.most_common(top)]


def flame_svg(stacks: Counter, title: str, width: int = 1400, row: int = 17) -> str:
    """A flame graph: the root at the bottom, each frame as wide as its samples, children in name
    order; hover shows the frame and its share."""
    tree = {}
    for frames, count in stacks.items():
        node = tree
        for frame in frames:
            entry = node.setdefault(frame, [0, {}])
            entry[0] += count
            node = entry[1]
    total = sum(stacks.values()) or 1
    depth = max((len(frames) for frames in stacks), default=1)
    height = (depth + 3) * row
    rects = []

    def lay(node, x, level):
        for frame in sorted(node):
            count, children = node[frame]
            w = width * count / total
            if w >= 0.3:
                y = height - (level + 1) * row - row
                hue = 20 + zlib.crc32(frame.split(" (")[0].encode()) % 40  # the same each run
                label = html.escape(frame)
                share = f"{100 * count / total:.1f}%"
                text = frame.split(" (")[0]
                shown = html.escape(text[: int(w / 7)]) if w > 28 else ""
                rects.append(
                    f'<g><title>{label}: {share}</title><rect x="{x:.1f}" y="{y}" width="{w:.1f}" '
                    f'height="{row - 1}" fill="hsl({hue},85%,60%)"/>'
                    f'<text x="{x + 3:.1f}" y="{y + row - 5}">{shown}</text></g>'
                )
                lay(children, x, level + 1)
            x += w

    lay(tree, 0.0, 0)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="monospace" font-size="11">'
        f'<text x="4" y="14" font-size="13">{html.escape(title)}</text>' + "".join(rects) + "</svg>\n"
    )


def cpu_ticks() -> dict[int, tuple[str, int]]:
    """{pid: (what it is, user + system CPU ticks)} of the app's workers, PostgreSQL and this process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if "gunicorn" in command and "enablement.wsgi" in command:
            kind = "app"
        elif int(entry.name) == os.getpid():
            kind = "generator"
        elif command.startswith("postgres:"):  # a backend serving a connection
            kind = "postgres"
        else:
            continue
        found[int(entry.name)] = (kind, int(fields[11]) + int(fields[12]))  # utime, stime
    return found


def cpu_per_request(before, after, requests: int) -> dict[str, float]:
    """ms of CPU per request by kind; a process that started during the window counts whole."""
    hertz = os.sysconf("SC_CLK_TCK")
    spent = Counter()
    for pid, (kind, ticks) in after.items():
        spent[kind] += ticks - before.get(pid, (kind, 0))[1]
    return {kind: 1000 * spent[kind] / hertz / max(1, requests) for kind in ("app", "postgres", "generator")}


async def sample(port, make, args, record):
    """Offer the load while py-spy records; (latencies, errors, CPU per request, py-spy's run)."""
    await settle(port, make, args.workers)
    before = cpu_ticks()
    load = asyncio.create_task(step(port, make, args.rate, args.seconds, args.timeout, 256))
    await asyncio.sleep(0.5)
    profiler = await asyncio.to_thread(record)
    latencies, errors, _, _ = await load
    cpu = cpu_per_request(before, cpu_ticks(), len(latencies))
    return latencies, errors, cpu, profiler


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workload", choices=WORKLOADS, default="mixed")
    parser.add_argument("--rate", type=float, default=80, help="Requests offered per second (below the knee).")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--workers", type=int, default=None, help="Default: as `make serve` (gunicorn.conf.py, WEB_WORKERS)."
    )
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="demo")
    parser.add_argument("--database-url", help="Defaults to the data set's own database.")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--timeout", type=float, default=5)
    args = parser.parse_args()
    if args.workers is None:
        args.workers = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"]
    if not Path("/proc/self/stat").exists():
        raise SystemExit("this script reads the processes' CPU from /proc (Linux)")
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        raise SystemExit("py-spy is missing: pip install -e '.[profile]'")

    env, rep, manager = set_up(args.database_url or DATASETS[args.dataset], args.dataset)
    args.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "stacks.txt"
        server = start_gunicorn(port, env, workers=args.workers, threads=1, log_path=Path(tmp) / "gunicorn.log")

        def record():
            command = [
                py_spy, "record", "--pid", str(server.pid), "--subprocesses", "--gil", "--function",
                "--nonblocking", "--rate", "200", "--duration", str(max(1, int(args.seconds - 1))),
                "--format", "raw", "-o", str(raw),
            ]  # fmt: skip
            return subprocess.run(command, capture_output=True, text=True, check=False)

        try:
            work = workload_for(env, port, rep, manager)
            began = time.perf_counter()
            latencies, errors, cpu, profiler = asyncio.run(sample(port, getattr(work, args.workload), args, record))
            elapsed = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=30)
        forget_the_run(env)
        if profiler.returncode != 0 or not raw.exists():
            print(profiler.stdout, profiler.stderr, sep="\n")
            raise SystemExit("py-spy could not sample the workers (run as root or with CAP_SYS_PTRACE)")
        stacks = parse_stacks(raw.read_text().splitlines())

    title = (
        f"{args.workload} at {args.rate:.0f} req/s for {args.seconds:.0f} s: gunicorn {args.workers} sync workers, "
        f"DEBUG=0, PostgreSQL, {args.dataset} data; {sum(stacks.values())} samples of the workers' CPU"
    )
    svg = args.out / f"flame-{args.workload}.svg"
    svg.write_text(flame_svg(stacks, title))
    print(f"\n{title}\nflame graph: {svg.relative_to(ROOT) if svg.is_relative_to(ROOT) else svg}")
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    print(f"answered {len(latencies)} requests in {elapsed:.0f} s, p50 {p50:.1f} ms, p95 {p95:.1f} ms, {errors} errors")
    print(
        f"CPU per request: app workers {cpu['app']:.2f} ms, PostgreSQL {cpu['postgres']:.2f} ms, "
        f"load generator {cpu['generator']:.2f} ms"
    )
    print("\nthe workers' CPU by layer (the leaf frame's package):")
    for name, share in layer_shares(stacks):
        print(f"  {share:5.1f}%  {name}")
    print("\nthe app's functions, inclusive share of the workers' CPU:")
    for frame, share in app_functions(stacks):
        print(f"  {share:5.1f}%  {re.sub(r' +', ' ', frame)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
