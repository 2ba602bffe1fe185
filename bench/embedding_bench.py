"""Sentence encoder: load time, single-query latency, batch throughput, memory, and the
throughput of `manage.py embed_assets --rebuild` on the synthetic library.

    python bench/embedding_bench.py [--quantization int8|fp32] [--passages 1000] [--words 180]
                                    [--workers 1 2] [--threads 1] [--index-assets 1000]

Builds the cached graph first if it is missing (timed separately, in a child process so its memory
does not count), then in this process: loads the encoder, encodes the ~200 queries of
bench/data/sales_queries.txt one at a time (warm-up pass, then timed: p50 / p95), encodes
--passages passages of --words words (the passage size, content/semantic/passages.py) cut from the
demo library's text, once per --workers count (1: this process, with --threads onnxruntime
threads; more: `embed_assets --workers`' process pool), and prints the passages' word-piece
length, passages per second of wall time and per CPU second (the processes' own CPU time, which a
busy machine inflates less), the time 176,000 passages (100,000 assets) would take at that rate,
and the resident memory before loading, after loading and after the passages (for a pool, each
process's peak). --quantization picks the graph of the passages part (the queries always run the
int8 graph the web workers use; `embed_assets` runs float32).

--index-assets N (in the database DATABASE_URL names: give it a scratch one) generates the synthetic
library (`generate_synthetic`, bench/search_bench.py's data set) up to N assets if it has fewer,
then runs `embed_assets --rebuild` once per --workers count over its published assets, database
writes included, and prints passages per second and the time 100,000 assets would take at that
rate (their passages in proportion: a projection, not a run of 100,000).

Targets: p95 <= 5 ms per query, <= 300 MB resident growth, re-embedding 100,000 assets <= 20
minutes on 2 cores.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _stats import percentile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enablement.settings")

import django  # noqa: E402

django.setup()

from content.demo import read_demo  # noqa: E402
from content.semantic import encoder as semantic  # noqa: E402
from content.semantic.bulk import EncoderPool  # noqa: E402
from content.semantic.passages import PASSAGE_WORDS  # noqa: E402

LIBRARY_PASSAGES = 176_000  # 100,000 assets (bench/search_bench.py's data set)
LIBRARY_ASSETS = 100_000


def resident_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def queries() -> list[str]:
    lines = (ROOT / "bench" / "data" / "sales_queries.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def passages(count: int, words: int = 200) -> list[str]:
    """200-word windows over the demo library's prose, each starting at a different word."""
    text = []
    for _kind, spec in read_demo().assets:
        text.extend(str(value) for value in spec.values() if isinstance(value, str))
    stream = " ".join(text).split()
    stride = max(1, (len(stream) - words) // count)
    return [" ".join(stream[i * stride : i * stride + words]) for i in range(count)]


def ensure_graph(quantization: str) -> None:
    path = semantic.graph_path(semantic.cache_dir(), quantization)
    if path.exists():
        print(f"graph (cached)            {path.name}, {path.stat().st_size / 1e6:.0f} MB")
        return
    started = time.perf_counter()
    code = f"from content.semantic.encoder import load_encoder; load_encoder(quantization={quantization!r})"
    subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"], check=True, cwd=ROOT, env=os.environ
    )
    print(f"graph built (first use)   {time.perf_counter() - started:.1f} s, {path.stat().st_size / 1e6:.0f} MB")


def pool_cpu_seconds(pool, fallback: float) -> float:
    """The pool processes' CPU time (alive children are not in os.times()), from /proc."""
    total = 0.0
    try:
        for pid in pool.process_ids():
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return fallback
    return total or fallback


def pool_peak_mb(pool) -> list[float]:
    """Each pool process's peak resident memory (VmHWM), in MB."""
    peaks = []
    for pid in pool.process_ids():
        try:
            with open(f"/proc/{pid}/status") as status:
                peaks += [int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:")]
        except OSError:
            continue
    return peaks


def index_throughput(assets: int, workers_counts: list[int]) -> None:
    """`embed_assets --rebuild` over the synthetic library's published assets, once per workers count."""
    from django.core.management import call_command
    from django.db import connection

    from content.models import Asset, Passage

    call_command("migrate", verbosity=0)
    if Asset.objects.count() < assets:
        call_command("generate_synthetic", assets=assets, deals=100, usages=100, requests=10, searches=10, seed=1)
    published = Asset.objects.published().count()
    total = Asset.objects.count()
    print(f"library                   {connection.vendor}: {total} assets, {published} published")
    for workers in workers_counts:
        before, load = os.times(), os.getloadavg()[0]
        started = time.perf_counter()
        call_command("embed_assets", "--rebuild", "--no-progress", "--workers", str(workers), stdout=sys.stderr)
        seconds = time.perf_counter() - started
        after = os.times()
        cpu_seconds = sum(after[i] - before[i] for i in range(4))  # this process and the reaped pool
        passages = Passage.objects.count()
        rate = passages / seconds
        projected = passages / total * LIBRARY_ASSETS / rate
        print(
            f"embed_assets --rebuild, --workers {workers}: {passages} passages ({passages / total:.2f} per asset) "
            f"in {seconds:.0f} s = {rate:.1f} passages/s wall, {passages / cpu_seconds:.1f} per CPU second; "
            f"100,000 assets in {projected / 60:.0f} min at this rate   (load {load:.1f} -> {os.getloadavg()[0]:.1f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quantization", choices=["int8", "fp32"], default=semantic.BULK_QUANTIZATION)
    parser.add_argument("--passages", type=int, default=1000)
    parser.add_argument("--words", type=int, default=PASSAGE_WORDS)
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument("--threads", type=int, default=1, help="onnxruntime threads with 1 worker")
    parser.add_argument("--index-assets", type=int, default=0, help="time embed_assets on this many assets")
    parser.add_argument("--index-only", action="store_true", help="only the embed_assets part")
    args = parser.parse_args()

    if args.index_assets:
        ensure_graph(semantic.QUANTIZATION)
        ensure_graph(semantic.BULK_QUANTIZATION)
        index_throughput(args.index_assets, args.workers)
        if args.index_only:
            return
    ensure_graph(semantic.QUANTIZATION)
    ensure_graph(args.quantization)
    texts, queries_ = passages(args.passages, args.words), queries()
    base = resident_mb()
    started = time.perf_counter()
    encoder = semantic.load_encoder()
    load_seconds = time.perf_counter() - started
    after_load = resident_mb()
    print(
        f"model                     {encoder.model_name} ({encoder.model_version}); queries int8, 1 thread; "
        f"passages {args.quantization}"
    )
    print(f"load                      {load_seconds * 1000:.0f} ms")

    for query in queries_:  # warm-up: first runs allocate the arena and pick kernels
        encoder.encode([query])
    latencies, cpu_times = [], []
    for query in queries_:
        started, cpu_started = time.perf_counter(), time.thread_time()
        encoder.encode([query])
        latencies.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.thread_time() - cpu_started) * 1000)
    # Wall time is what a user waits; CPU time is the work itself, which a busy machine does not inflate.
    for label, values in (("wall", latencies), ("cpu", cpu_times)):
        print(
            f"single query ({len(queries_)}, {label:4s})  p50 {statistics.median(values):.2f} ms   "
            f"p95 {percentile(values, 0.95):.2f} ms   max {max(values):.2f} ms"
        )

    tokens = [len(ids) for ids in (encoder._tokenizer.encode(text).ids for text in texts)]
    cut = sum(length >= 256 for length in tokens) / len(tokens)
    words = statistics.mean(len(text.split()) for text in texts)
    print(
        f"passages                  {len(texts)} x {words:.0f} words = {statistics.mean(tokens):.0f} word pieces "
        f"on average (max {max(tokens)}; {cut:.0%} cut at the model's 256)"
    )
    for workers in args.workers:
        if workers == 1:
            runner = semantic.load_encoder(quantization=args.quantization, threads=args.threads)
        else:
            runner = EncoderPool(
                workers=workers,
                model_version=encoder.model_version,
                directory=semantic.cache_dir(),
                quantization=args.quantization,
            )
            runner.encode(texts[: 2 * workers])  # the processes start and load the model
        pool_before = pool_cpu_seconds(runner, 0.0) if workers > 1 else 0.0
        before = os.times()
        started = time.perf_counter()
        runner.encode(texts)
        seconds = time.perf_counter() - started
        after = os.times()
        cpu_seconds = sum(after[i] - before[i] for i in range(4))  # this process and its children
        peaks = []
        if workers > 1:
            cpu_seconds = pool_cpu_seconds(runner, cpu_seconds + pool_before) - pool_before
            peaks = pool_peak_mb(runner)
            runner.close()
        rate = len(texts) / seconds
        label = f"{workers} worker{'s' if workers > 1 else ''}" + (f", {args.threads} threads" if workers == 1 else "")
        print(
            f"passages, {label:<17s} {rate:6.1f} passages/s wall, {len(texts) / cpu_seconds:5.1f} per CPU second; "
            f"{LIBRARY_PASSAGES:,} passages in {LIBRARY_PASSAGES / rate / 60:.0f} min   "
            f"(load {os.getloadavg()[0]:.1f})"
            + (f"; peak resident memory per process {', '.join(f'{mb:.0f}' for mb in peaks)} MB" if peaks else "")
        )
    after_passages = resident_mb()
    print(
        f"resident memory           {base:.0f} MB before load, +{after_load - base:.0f} MB after load, "
        f"+{after_passages - base:.0f} MB after {len(texts)} passages"
    )
    print(f"load average              {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
