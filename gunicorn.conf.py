"""gunicorn's settings for `make serve` and `make capacity` (read from the working directory;
command-line flags override them)."""

import multiprocessing
import os


def _workers() -> int:
    """WEB_WORKERS, else one sync worker per core plus one (a worker waiting on the database leaves
    its core to the extra one), at most 9, since each worker that runs a hybrid search holds the
    sentence encoder (about 225 MB). More workers than that share the cores among more requests at
    once and finish each later: on 2 cores with PostgreSQL beside them, `make capacity` held the
    mixed workload at 86-114 req/s with 3 workers against 71-94 with 5 (104 against 78 with Redis).
    Raise it where the database has cores of its own."""
    value = os.environ.get("WEB_WORKERS", "").strip()
    if not value:
        return min(multiprocessing.cpu_count() + 1, 9)
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"WEB_WORKERS must be a whole number of at least 1, not {value!r}.")
    return int(value)


workers = _workers()


def post_worker_init(worker):
    """Once a worker has loaded the app, its modules, URLs and views, move every object alive then
    out of the garbage collector's sight (gc.freeze): they live as long as the worker, and a full
    collection walked them all, pausing the worker for 100-170 ms every few thousand requests
    (the slowest 5% of answers under load were those pauses). Collections then walk only what
    requests allocate."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view and what it imports
    gc.collect()
    gc.freeze()
