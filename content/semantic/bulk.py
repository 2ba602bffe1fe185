"""Bulk encoding for `manage.py embed_assets`: the bulk graph (`encoder.BULK_QUANTIZATION`, the
faster on batches of passages), one onnxruntime thread per process, on `workers` processes.
Processes rather than threads: threads of one run wait for each other on a busy machine.

`open_bulk_encoder()` gives an object with `submit(texts)` (start encoding, get the vectors later
from `.result()`), so the caller can read and write the database while the processes encode.
"""

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from .encoder import BULK_QUANTIZATION, DIMENSIONS, Encoder, cache_dir, graph_path, load_encoder

# Texts per task handed to a process: small enough that the processes finish a batch together,
# big enough that sending texts and vectors between processes costs nothing (about 1 ms a task).
TEXTS_PER_TASK = 16

_worker_encoder = None


def default_workers() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _start_worker(directory: str, quantization: str) -> None:
    global _worker_encoder
    _worker_encoder = load_encoder(Path(directory), quantization=quantization)


def _encode_in_worker(texts: list[str]) -> np.ndarray:
    return _worker_encoder.encode(texts)


class Deferred:
    """Vectors computed in this process when they are asked for: nothing runs beside the caller."""

    def __init__(self, encoder, texts: list[str]) -> None:
        self._encoder = encoder
        self._texts = texts

    def result(self) -> np.ndarray:
        return np.asarray(self._encoder.encode(self._texts), dtype=np.float32)


class InProcess:
    """Encodes in this process, for one worker or a stand-in encoder."""

    def __init__(self, encoder) -> None:
        self.encoder = encoder
        self.model_version = encoder.model_version
        self.workers = 1

    def submit(self, texts: list[str]) -> Deferred:
        return Deferred(self.encoder, list(texts))

    def encode(self, texts) -> np.ndarray:
        return self.submit(list(texts)).result()

    def close(self) -> None:
        pass


class Pending:
    """Vectors being computed by the pool's processes, assembled in the order of the texts."""

    def __init__(self, count: int, runs: list) -> None:
        self._count = count
        self._runs = runs

    def result(self) -> np.ndarray:
        vectors = np.zeros((self._count, DIMENSIONS), dtype=np.float32)
        for rows, run in self._runs:
            vectors[rows] = run.result()
        return vectors


class EncoderPool:
    """Encodes like `load_encoder(quantization=...)` with `workers` processes. The graph must be
    built already (open_bulk_encoder sees to it); close() ends the processes."""

    def __init__(
        self, *, workers: int, model_version: str, directory: Path, quantization: str = BULK_QUANTIZATION
    ) -> None:
        if workers < 2:
            raise ValueError("an EncoderPool needs at least 2 workers")
        self.model_version = model_version
        self.workers = workers
        # spawn: a fork would copy the parent's database connections and threads
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(str(directory), quantization),
        )

    def submit(self, texts: list[str]) -> Pending:
        """Queues the texts in tasks of similar length (little padding) and returns at once."""
        texts = list(texts)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        runs = []
        for start in range(0, len(order), TEXTS_PER_TASK):
            rows = order[start : start + TEXTS_PER_TASK]
            runs.append((rows, self._pool.submit(_encode_in_worker, [texts[i] for i in rows])))
        return Pending(len(texts), runs)

    def encode(self, texts) -> np.ndarray:
        return self.submit(list(texts)).result()

    def process_ids(self) -> list[int]:
        return list(self._pool._processes or ())  # the executor has no public accessor

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)


def open_bulk_encoder(encoder, *, workers: int, directory: Path | None = None):
    """What `embed_assets` encodes with: for the real model, its bulk graph in this process
    (one worker) or in a pool of processes; any other encoder (a stand-in) as it is, in process.
    The caller closes it."""
    if not isinstance(encoder, Encoder):
        return InProcess(encoder)
    directory = directory or cache_dir()
    if workers == 1:
        return InProcess(load_encoder(directory, quantization=BULK_QUANTIZATION))
    if not graph_path(directory, BULK_QUANTIZATION).exists():
        load_encoder(directory, quantization=BULK_QUANTIZATION)  # built once here, not by every process
    return EncoderPool(workers=workers, model_version=encoder.model_version, directory=directory)
