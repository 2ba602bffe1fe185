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
from django.db import transaction

DATA_VERSION_KEY = "enablement:data-version"
LIBRARY_VERSION_KEY = "enablement:library-version"


def _version(key: str) -> int:
    shared = caches["shared"]
    version = shared.get(key)
    if version is None:
        shared.add(key, 1, timeout=None)
        version = shared.get(key, 1)
    return version


def _bump(key: str) -> None:
    shared = caches["shared"]
    try:
        shared.incr(key)
    except ValueError:  # not there yet (or evicted): any new number invalidates old entries
        shared.set(key, _version(key) + 1, timeout=None)


def data_version() -> int:
    return _version(DATA_VERSION_KEY)


def bump_data_version() -> None:
    _bump(DATA_VERSION_KEY)


def library_version() -> int:
    """The version of what a search ranks by: the assets' text, status, taxonomy and vectors, and
    their won-deal support (content/search/snapshots.py). Logging a use does not move it."""
    return _version(LIBRARY_VERSION_KEY)


def library_changed() -> None:
    """Every write that can change a search's results ends here: the search index and the vectors
    (their only writers), an asset saved or deleted, won-deal support recomputed. The version moves
    at once (this process reads its own write) and again when the transaction commits, so that a
    search another process ran on the rows as they were before is not kept afterwards."""
    _bump(LIBRARY_VERSION_KEY)
    transaction.on_commit(lambda: _bump(LIBRARY_VERSION_KEY))


def reports_changed(*, again_on_commit: bool = False) -> None:
    """Every write that can move a report ends here (model signals, bulk writers, commands). The
    version moves at once, so this process reads its own write. A long transaction (an import)
    asks for it `again_on_commit`, so that a report another process computed from the old rows
    while it ran is not served afterwards."""
    bump_data_version()
    if again_on_commit:
        transaction.on_commit(bump_data_version)


def cache_key(namespace: str, params, version) -> str:
    """The key of `params` (anything JSON can write) under `version` (`data_version` or `library_version`)."""
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:24]
    return f"enablement:{namespace}:{version()}:{digest}"


def cached(namespace: str, params, compute, timeout: int | None = None, *, version=data_version):
    """`compute()` once per (namespace, params, version), then from the cache."""
    key = cache_key(namespace, params, version)
    result = cache.get(key)
    if result is None:
        result = compute()
        cache.set(key, result, timeout if timeout is not None else settings.REPORT_CACHE_SECONDS)
    return result
