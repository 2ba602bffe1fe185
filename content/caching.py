"""Cached report figures with invalidation by a data version.

Every change that can move a report (usage logged, a deal created or closed, an asset published, a
request changed) bumps one counter in the shared cache; cached results are keyed by that counter,
so a new won deal changes the report at once without hunting for keys. The counter lives in the
"shared" cache that every worker sees (Redis, or a database table without it); the results in the
default cache (shared with Redis, per process otherwise, where each worker computes a version once).
"""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache, caches

DATA_VERSION_KEY = "enablement:data-version"


def data_version() -> int:
    shared = caches["shared"]
    version = shared.get(DATA_VERSION_KEY)
    if version is None:
        shared.add(DATA_VERSION_KEY, 1, timeout=None)
        version = shared.get(DATA_VERSION_KEY, 1)
    return version


def bump_data_version() -> None:
    shared = caches["shared"]
    try:
        shared.incr(DATA_VERSION_KEY)
    except ValueError:  # not there yet (or evicted): any new number invalidates old entries
        shared.set(DATA_VERSION_KEY, data_version() + 1, timeout=None)


def cached(namespace: str, params: dict, compute, timeout: int | None = None):
    """`compute()` once per (namespace, params, data version), then from the cache."""
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:24]
    key = f"enablement:{namespace}:{data_version()}:{digest}"
    result = cache.get(key)
    if result is None:
        result = compute()
        cache.set(key, result, timeout if timeout is not None else settings.REPORT_CACHE_SECONDS)
    return result
