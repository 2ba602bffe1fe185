"""Semantic search in tests: switched on by the `semantic` fixture, with a small stand-in encoder
(words hashed into 384 dimensions: fast, deterministic, and it counts what it encodes) or, with
`real_encoder`, the MiniLM model itself for the tests about meaning."""

import hashlib
import re

import numpy as np
import pytest

from content.semantic import index, runtime

WORD = re.compile(r"\w+")


class CountingEncoder:
    """Bag-of-words vectors: texts sharing words are near. `encoded` lists every text encoded."""

    model_name = "counting-test-encoder"
    dimensions = 384

    def __init__(self, model_version: str = "counting-1"):
        self.model_version = model_version
        self.encoded: list[str] = []

    def encode(self, texts, *, batch_size: int = 32) -> np.ndarray:
        self.encoded.extend(texts)
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in WORD.findall(text.lower()):
                slot = int(hashlib.md5(word.encode()).hexdigest()[:8], 16) % self.dimensions  # noqa: S324
                vectors[row, slot] += 1.0
            norm = np.linalg.norm(vectors[row])
            vectors[row] = vectors[row] / norm if norm else vectors[row]
            if not norm:
                vectors[row, 0] = 1.0
        return vectors


def _fresh_state():
    index.in_process_index().reset()
    index.forget_backend()
    runtime.clear_query_cache()


@pytest.fixture
def semantic(settings):
    """Semantic search on, with a fresh in-process index and query cache."""
    settings.SEMANTIC_SEARCH = True
    _fresh_state()
    yield
    _fresh_state()


@pytest.fixture
def counting_encoder(semantic, monkeypatch):
    encoder = CountingEncoder()
    monkeypatch.setattr("content.semantic.encoder.get_encoder", lambda: encoder)
    return encoder


@pytest.fixture
def real_encoder(semantic):
    from content.semantic.encoder import EncoderUnavailable, get_encoder

    try:
        return get_encoder()
    except EncoderUnavailable as exc:  # the model package is part of the install (Makefile)
        pytest.fail(f"the encoder should load here: {exc}")
