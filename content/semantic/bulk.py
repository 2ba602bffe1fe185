"""Bulk encoding on several cores (`manage.py embed_assets --workers N`): one single-threaded
encoder per process, each encoding an equal share of every call's texts. Processes rather than
onnxruntime threads: a run of a few passages has too little work to split between threads, and
threads of one run wait for each other on a busy machine."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from .encoder import DIMENSIONS, QUANTIZATION, load_encoder

_worker_encoder = None


def _start_worker(directory: str, quantization: str) -> None:
    global _worker_encoder
    _worker_encoder = load_encoder(Path(directory), quantization=quantization)


def _encode_share(texts: list[str], batch_size: int) -> np.ndarray:
    return _worker_encoder.encode(texts, batch_size=batch_size)


class EncoderPool:
    """Encodes like `Encoder` (same graph, same vectors) with `workers` processes. The graph must
    be built already (the parent's encoder loaded it); close() ends the processes."""

    def __init__(self, encoder, *, workers: int, directory: Path, quantization: str = QUANTIZATION) -> None:
        if workers < 2:
            raise ValueError("an EncoderPool needs at least 2 workers")
        self.model_name, self.dimensions = encoder.model_name, encoder.dimensions
        self.model_version = encoder.model_version
        self.workers = workers
        # spawn: a fork would copy the parent's database connections and threads
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(str(directory), quantization),
        )

    def encode(self, texts, *, batch_size: int = 32) -> np.ndarray:
        texts = list(texts)
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        # Dealt by length, so every process gets as many long texts as the others.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        shares = [share for share in (order[worker :: self.workers] for worker in range(self.workers)) if share]
        runs = [(share, self._pool.submit(_encode_share, [texts[i] for i in share], batch_size)) for share in shares]
        for share, run in runs:
            vectors[share] = run.result()
        return vectors

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)
