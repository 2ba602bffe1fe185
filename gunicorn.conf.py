"""gunicorn's settings for `make serve` and `make capacity` (read from the working directory;
command-line flags override them)."""

import multiprocessing
import os


def _workers() -> int:
    """WEB_WORKERS, else two sync workers per core plus one (gunicorn's own advice: a worker waiting
    on the database or on a commit leaves its core to another), at most 9, since each worker that
    runs a hybrid search holds the sentence encoder (about 225 MB)."""
    value = os.environ.get("WEB_WORKERS", "").strip()
    if not value:
        return min(2 * multiprocessing.cpu_count() + 1, 9)
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"WEB_WORKERS must be a whole number of at least 1, not {value!r}.")
    return int(value)


workers = _workers()
