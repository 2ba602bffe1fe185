"""Cached report figures with invalidation by a data version.

Every change that can move a report (usage logged, a deal created or closed, an asset published, a
request changed) bumps one counter that every worker sees; cached results are keyed by that counter,
so a new won deal changes the report at once without hunting for keys. The counters live in the
database (migration 0029): a sequence each on PostgreSQL, which moves in one statement that waits
for no other transaction and is never rolled back, and a row each of enablement_version elsewhere.
The results live in the default cache (shared with Redis, per process otherwise, where each worker
computes a version once).
"""

import hashlib

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

DATA = "data"
LIBRARY = "library"


def _version(name: str) -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # before its first nextval a sequence's last_value is its start, not yet handed out
            cursor.execute(f"SELECT last_value + is_called::int FROM enablement_{name}_version")  # noqa: S608
        else:
            cursor.execute("SELECT value FROM enablement_version WHERE name = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else 0


def _bump(name: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(%s)", [f"enablement_{name}_version"])
        else:
            cursor.execute(
                "INSERT INTO enablement_version (name, value) VALUES (%s, 1) "
                "ON CONFLICT (name) DO UPDATE SET value = enablement_version.value + 1",
                [name],
            )


def data_version() -> int:
    return _version(DATA)


def bump_data_version() -> None:
    _bump(DATA)


def library_version() -> int:
    """The version of what a search ranks by: the assets' text, status, taxonomy and vectors, and
    their won-deal support (content/search/snapshots.py). Logging a use does not move it."""
    return _version(LIBRARY)


def _library_moved() -> None:
    _bump(LIBRARY)


def _once_on_commit(bump) -> None:
    """`bump` when the open transaction commits, once however many of its writes ask (a board action
    saves several rows). Outside a transaction the write is committed already: nothing to wait for."""
    # run_on_commit: Django's list of (savepoint ids, callback, robust) waiting for this commit
    if connection.in_atomic_block and not any(func is bump for _, func, _ in connection.run_on_commit):
        transaction.on_commit(bump)


def library_changed() -> None:
    """Every write that can change a search's results ends here: the search index and the vectors
    (their only writers), an asset saved or deleted, won-deal support recomputed. The version moves
    at once (this process reads its own write) and again when the transaction commits, so that a
    search another process ran on the rows as they were before is not kept afterwards."""
    _bump(LIBRARY)
    _once_on_commit(_library_moved)


def reports_changed() -> None:
    """Every write that can move a report ends here (model signals, bulk writers, commands). The
    version moves at once, so this process reads its own write; inside a transaction it moves again
    when the transaction commits, so that a report another process computed from the rows as they
    were before (the new version is seen at once, the rows only then) is not served afterwards."""
    bump_data_version()
    _once_on_commit(bump_data_version)


def digest(parts, length: int = 24) -> str:
    """A stable digest of `parts` (anything JSON can write; other values as `str` writes them): the
    same parts, dictionaries in any order, give the same digest in every process."""
    written = orjson.dumps(parts, default=str, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.sha256(written).hexdigest()[:length]


def cache_key(namespace: str, params, version) -> str:
    """The key of `params` (anything JSON can write) under `version` (`data_version` or `library_version`)."""
    return f"enablement:{namespace}:{version()}:{digest(params)}"


def cached(namespace: str, params, compute, timeout: int | None = None, *, version=data_version):
    """`compute()` once per (namespace, params, version), then from the cache."""
    key = cache_key(namespace, params, version)
    result = cache.get(key)
    if result is None:
        result = compute()
        cache.set(key, result, timeout if timeout is not None else settings.REPORT_CACHE_SECONDS)
    return result


def keep(key: str, value, seconds: int, *, until=None) -> None:
    """Keep `value` under `key` for `seconds`, and, when `until` (a moment) is given, only until then."""
    cache.set(key, (value, until), seconds)


def kept(key: str):
    """The value kept under `key` (`keep`); None when none is, or its moment has come."""
    found = cache.get(key)
    if found is None:
        return None
    value, until = found
    return None if until is not None and timezone.now() >= until else value
