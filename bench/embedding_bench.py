"""Sentence encoder: load time, single-query latency, batch throughput and memory, on one thread.

    python bench/embedding_bench.py [--quantization int8|fp32] [--passages 1000]

Builds the cached graph first if it is missing (timed separately, in a child process so its memory
does not count), then in this process: loads the encoder, encodes the ~200 queries of
bench/data/sales_queries.txt one at a time (warm-up pass, then timed: p50 / p95), encodes
--passages passages of 200 words cut from the demo library's text in batches of 32, and prints the
resident memory before loading, after loading and after the passages. Targets: p95 <= 5 ms per
query, <= 300 MB resident growth.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quantization", choices=["int8", "fp32"], default=semantic.QUANTIZATION)
    parser.add_argument("--passages", type=int, default=1000)
    args = parser.parse_args()

    ensure_graph(args.quantization)
    texts, queries_ = passages(args.passages), queries()
    base = resident_mb()
    started = time.perf_counter()
    encoder = semantic.load_encoder(quantization=args.quantization)
    load_seconds = time.perf_counter() - started
    after_load = resident_mb()
    print(f"model                     {encoder.model_name} ({encoder.model_version}), 1 thread")
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

    started, cpu_started = time.perf_counter(), time.thread_time()
    encoder.encode(texts, batch_size=32)
    seconds, cpu_seconds = time.perf_counter() - started, time.thread_time() - cpu_started
    words = statistics.mean(len(text.split()) for text in texts)
    print(
        f"passages ({len(texts)} x {words:.0f} words) {len(texts) / seconds:.1f} passages/s wall, "
        f"{len(texts) / cpu_seconds:.1f} per CPU second (batch 32)"
    )
    after_passages = resident_mb()
    print(
        f"resident memory           {base:.0f} MB before load, +{after_load - base:.0f} MB after load, "
        f"+{after_passages - base:.0f} MB after {len(texts)} passages"
    )
    print(f"load average              {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
