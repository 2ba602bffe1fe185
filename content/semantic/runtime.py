"""The encoder as the rest of the app sees it: on or off, why it is off, and query vectors cached
per process. Every caller goes through `encoder()` so a missing or broken model is one
`SemanticUnavailable(reason)`, logged once per process, and search falls back to keywords."""

import logging
import threading
from collections import OrderedDict

import numpy as np
from django.conf import settings

log = logging.getLogger(__name__)

QUERY_CACHE_SIZE = 256
MAX_QUERY_CHARS = 1000  # the model reads 256 tokens at most; a pasted essay is cut, not refused

_warned: set[str] = set()
_lock = threading.Lock()
_query_vectors: OrderedDict = OrderedDict()


class SemanticUnavailable(Exception):
    """Semantic search is off or its model cannot run; `reason` says why, for people."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def encoder():
    """The process's encoder, or SemanticUnavailable (warned in the log once per reason)."""
    if not settings.SEMANTIC_SEARCH:
        raise SemanticUnavailable("semantic search is switched off (SEMANTIC_SEARCH=0)")
    try:
        from .encoder import get_encoder

        return get_encoder()
    except Exception as exc:  # noqa: BLE001 - a missing, corrupt or failing model all mean "keywords only"
        reason = str(getattr(exc, "reason", "") or exc) or type(exc).__name__
        if reason not in _warned:
            _warned.add(reason)
            log.warning("Semantic search unavailable, searching by keywords only: %s", reason)
        raise SemanticUnavailable(reason) from exc


def status() -> dict:
    """{"status": "ok" | "unavailable", "model", "reason"} for the health check."""
    try:
        current = encoder()
    except SemanticUnavailable as exc:
        return {"status": "unavailable", "model": "", "reason": exc.reason}
    return {"status": "ok", "model": current.model_version, "reason": ""}


def query_vector(text: str) -> np.ndarray:
    """The query's embedding, from a small per-process LRU: typing and paging repeat queries."""
    current = encoder()
    key = (current.model_version, " ".join(text.split())[:MAX_QUERY_CHARS])
    with _lock:
        if key in _query_vectors:
            _query_vectors.move_to_end(key)
            return _query_vectors[key]
    try:
        vector = np.asarray(current.encode([key[1]]), dtype=np.float32)[0]
    except Exception as exc:  # noqa: BLE001 - a model that fails at run time is unavailable too
        raise SemanticUnavailable(f"the model failed to encode: {exc}") from exc
    with _lock:
        _query_vectors[key] = vector
        while len(_query_vectors) > QUERY_CACHE_SIZE:
            _query_vectors.popitem(last=False)
    return vector


def clear_query_cache() -> None:
    with _lock:
        _query_vectors.clear()
