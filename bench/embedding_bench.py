"""Sentence encoder: load time, single-query latency, batch throughput and memory.

    python bench/embedding_bench.py [--quantization int8|fp32] [--passages 1000] [--words 180]
                                    [--workers 1 2] [--threads 1]

Builds the cached graph first if it is missing (timed separately, in a child process so its memory
does not count), then in this process: loads the encoder, encodes the ~200 queries of
bench/data/sales_queries.txt one at a time (warm-up pass, then timed: p50 / p95), encodes
--passages passages of --words words (the passage size, content/semantic/passages.py) cut from the
demo library's text, once per --workers count (1: this process, with --threads onnxruntime
threads; more: `embed_assets --workers`' process pool), and prints the passages' word-piece
length, passages per second of wall time and per CPU second (the processes' own CPU time, which a
busy machine inflates less), the time 176,000 passages (100,000 assets) would take at that rate,
and the resident memory before loading, after loading and after the passages. Targets: p95 <= 5 ms
per query, <= 300 MB resident growth, a 176,000-passage re-embed <= 20 minutes on 2 cores.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

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


def resident_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


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
    path = semantic.graph_path(semantic.cache_dir(), semantic.model_version(quantization))
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
        for pid in pool._pool._processes:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, AttributeError):
        return fallback
    return total or fallback


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quantization", choices=["int8", "fp32"], default=semantic.QUANTIZATION)
    parser.add_argument("--passages", type=int, default=1000)
    parser.add_argument("--words", type=int, default=PASSAGE_WORDS)
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument("--threads", type=int, default=1, help="onnxruntime threads with 1 worker")
    args = parser.parse_args()

    ensure_graph(args.quantization)
    texts, queries_ = passages(args.passages, args.words), queries()
    base = resident_mb()
    started = time.perf_counter()
    encoder = semantic.load_encoder(quantization=args.quantization)
    load_seconds = time.perf_counter() - started
    after_load = resident_mb()
    print(f"model                     {encoder.model_name} ({encoder.model_version}), 1 thread for queries")
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
            runner = EncoderPool(encoder, workers=workers, directory=semantic.cache_dir())
            runner.encode(texts[: 2 * workers])  # the processes start and load the model
        before = os.times()
        started = time.perf_counter()
        runner.encode(texts, batch_size=32)
        seconds = time.perf_counter() - started
        after = os.times()
        cpu_seconds = sum(after[i] - before[i] for i in range(4))  # this process and its children
        if workers > 1:
            cpu_seconds = pool_cpu_seconds(runner, cpu_seconds)
            runner.close()
        rate = len(texts) / seconds
        label = f"{workers} worker{'s' if workers > 1 else ''}" + (f", {args.threads} threads" if workers == 1 else "")
        print(
            f"passages, {label:<17s} {rate:6.1f} passages/s wall, {len(texts) / cpu_seconds:5.1f} per CPU second; "
            f"{LIBRARY_PASSAGES:,} passages in {LIBRARY_PASSAGES / rate / 60:.0f} min   "
            f"(load {os.getloadavg()[0]:.1f})"
        )
    after_passages = resident_mb()
    print(
        f"resident memory           {base:.0f} MB before load, +{after_load - base:.0f} MB after load, "
        f"+{after_passages - base:.0f} MB after {len(texts)} passages"
    )
    print(f"load average              {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
