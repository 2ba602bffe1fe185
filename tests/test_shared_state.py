"""State every worker must agree on lives in a store they all see: two processes, one database
(no Redis), share the report data version and the sign-in failure counts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def shared_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    for command in (["migrate", "--noinput"], ["createcachetable"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def in_a_process(env, code: str) -> str:
    """Run `code` in a fresh Django process (a worker of its own) and return what it printed last."""
    script = "import django; django.setup()\n" + code
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "enablement.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_a_data_change_in_one_worker_invalidates_the_reports_of_another(shared_database):
    read = "from content.caching import data_version; print(data_version())"
    before = int(in_a_process(shared_database, read))
    in_a_process(shared_database, "from content.caching import bump_data_version; bump_data_version(); print('ok')")
    assert int(in_a_process(shared_database, read)) == before + 1


def test_sign_in_failures_in_one_worker_count_in_another(shared_database):
    env = {**shared_database, "LOGIN_MAX_FAILURES": "3"}
    sign_in = (
        "from django.test import Client; "
        "print(Client().post('/login/', {{'username': '{user}', 'password': 'guess'}}).status_code)"
    )
    # Each failure in a process of its own, as three workers would see them.
    assert [in_a_process(env, sign_in.format(user="dana")) for _ in range(3)] == ["200", "200", "429"]
    assert in_a_process(env, sign_in.format(user="dana")) == "429"
    assert in_a_process(env, sign_in.format(user="someone-else")) == "200"
