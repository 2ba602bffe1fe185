"""Running a parser over an untrusted file in a child process bounded in memory, CPU and wall time,
so that a hostile upload can exhaust only that process. Text extraction (content/extraction.py) and
file previews (content/previews.py) both parse files this way; the limits are the EXTRACT_* settings."""

import math
import subprocess
import sys

from django.conf import settings


class IsolatedFailure(Exception):
    """The child did not finish; the message says why, in words for the asset page."""


# The child's first lines, before the parser's module is imported: its limits, then the module as
# `python -m` would run it. Set by the child itself rather than by a hook between fork and exec, which
# is not safe in a process with threads (a test server, a job runner) and sometimes failed there.
BOOTSTRAP = """\
import resource, runpy, sys
memory, seconds, module = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
sys.argv = [module, *sys.argv[4:]]
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


def run_isolated(module: str, args: list[str], data: bytes, *, timeout: float, doing: str = "reading it") -> bytes:
    """`python -m module *args` with `data` on its standard input, bounded by the EXTRACT_* limits; its
    standard output, or IsolatedFailure saying what `doing` ran into (too slow, too much memory, an
    error)."""
    memory = settings.EXTRACT_MEMORY_MB * 1024 * 1024
    seconds = max(1, math.ceil(settings.EXTRACT_TIMEOUT_SECONDS))
    try:
        result = subprocess.run(
            [sys.executable, "-c", BOOTSTRAP, str(memory), str(seconds), module, *args],
            input=data,
            capture_output=True,
            timeout=timeout,
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
