"""Running a parser over an untrusted file in a child process bounded in memory, CPU and wall time,
so that a hostile upload can exhaust only that process. Text extraction (content/extraction.py) and
file previews (content/previews.py) both parse files this way; the limits are the EXTRACT_* settings."""

import math
import resource
import subprocess
import sys

from django.conf import settings


class IsolatedFailure(Exception):
    """The child did not finish; the message says why, in words for the asset page."""


def _limit_child() -> None:  # runs in the child, before its interpreter starts
    memory = settings.EXTRACT_MEMORY_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    seconds = max(1, math.ceil(settings.EXTRACT_TIMEOUT_SECONDS))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))


def run_isolated(module: str, args: list[str], data: bytes, *, timeout: float, doing: str = "reading it") -> bytes:
    """`python -m module *args` with `data` on its standard input; its standard output, or
    IsolatedFailure saying what `doing` ran into (too slow, too much memory, an error)."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", module, *args],
            input=data,
            capture_output=True,
            timeout=timeout,
            preexec_fn=_limit_child,  # sets resource limits only, before the child's interpreter starts
            cwd=settings.BASE_DIR,
        )
    except subprocess.TimeoutExpired:
        raise IsolatedFailure(f"{doing} took longer than {timeout} s") from None
    if result.returncode != 0:
        if b"MemoryError" in result.stderr:
            raise IsolatedFailure(f"{doing} needed more than {settings.EXTRACT_MEMORY_MB} MB of memory")
        last_line = (result.stderr.decode(errors="replace").strip().splitlines() or ["no reason given"])[-1]
        raise IsolatedFailure(f"the file could not be read ({last_line[:200]})")
    return result.stdout


__all__ = ["IsolatedFailure", "run_isolated"]
