"""Settings come from the environment; production refuses to start insecurely."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-value-0123456789",
    "ALLOWED_HOSTS": "enablement.example.com",
    "DATABASE_URL": "sqlite:////tmp/enablement-check-deploy.sqlite3",
}


def run_manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_no_warnings_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    env = dict(PRODUCTION_ENV)
    env["SECRET_KEY"] = ""
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_database_url_selects_postgresql():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    env = {"DATABASE_URL": "postgres://app:secret@db.example.com:5432/enablement", "DEBUG": "1"}
    result = run_manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "enablement.postgresql"  # Django's, its health check spaced out


POSTGRES_ENV = {"DATABASE_URL": "postgres://app:secret@db.example.com:5432/enablement", "DEBUG": "1"}
DATABASE_OPTIONS = "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}))"


def postgres_setting(code: str, variable: str, value: str):
    """What `code` prints of the settings with DATABASE_URL on PostgreSQL and `variable` set to `value`."""
    return run_manage("shell", "-c", code, env={**POSTGRES_ENV, variable: value})


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        ("", "{'server_side_binding': True, 'prepare_threshold': 5}"),
        ("2", "{'server_side_binding': True, 'prepare_threshold': 2}"),
        ("0", "{}"),
    ],
)
def test_postgresql_prepares_the_statements_a_connection_repeats(threshold, expected):
    result = postgres_setting(DATABASE_OPTIONS, "DB_PREPARE_THRESHOLD", threshold)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


@pytest.mark.parametrize("threshold", ["-1", "five"])
def test_a_prepare_threshold_that_is_no_count_stops_the_app(threshold):
    result = postgres_setting(DATABASE_OPTIONS, "DB_PREPARE_THRESHOLD", threshold)
    assert result.returncode != 0
    assert "DB_PREPARE_THRESHOLD must be" in result.stderr


HEALTH_CHECK_SECONDS = (
    "from django.conf import settings; print(settings.DATABASES['default'].get('HEALTH_CHECK_SECONDS'))"
)


@pytest.mark.parametrize(("seconds", "expected"), [("", "1"), ("30", "30"), ("0", "0")])
def test_a_postgresql_connection_is_checked_at_most_every_so_many_seconds(seconds, expected):
    result = postgres_setting(HEALTH_CHECK_SECONDS, "DB_HEALTH_CHECK_SECONDS", seconds)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


@pytest.mark.parametrize("seconds", ["-1", "soon"])
def test_a_health_check_interval_that_is_no_count_stops_the_app(seconds):
    result = postgres_setting(HEALTH_CHECK_SECONDS, "DB_HEALTH_CHECK_SECONDS", seconds)
    assert result.returncode != 0
    assert "DB_HEALTH_CHECK_SECONDS must be" in result.stderr


def test_sqlite_is_not_given_the_postgresql_options():
    result = run_manage("shell", "-c", DATABASE_OPTIONS, env={"DATABASE_URL": "sqlite:////tmp/x.sqlite3", "DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert "prepare_threshold" not in result.stdout
    engine = run_manage(
        "shell", "-c", HEALTH_CHECK_SECONDS, env={"DATABASE_URL": "sqlite:////tmp/x.sqlite3", "DEBUG": "1"}
    )
    assert engine.stdout.strip().splitlines()[-1] == "None"


def test_sqlite_gets_wal_and_a_busy_timeout():
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "sqlite":
        return  # the PostgreSQL run checks the other branch above
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


def gunicorn_workers(monkeypatch, *, cores, web_workers=None):
    import multiprocessing
    import runpy

    monkeypatch.setattr(multiprocessing, "cpu_count", lambda: cores)
    if web_workers is None:
        monkeypatch.delenv("WEB_WORKERS", raising=False)
    else:
        monkeypatch.setenv("WEB_WORKERS", web_workers)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"]


def test_gunicorn_runs_a_worker_per_core_plus_one_at_most_nine(monkeypatch):
    assert gunicorn_workers(monkeypatch, cores=1) == 2
    assert gunicorn_workers(monkeypatch, cores=2) == 3
    assert gunicorn_workers(monkeypatch, cores=64) == 9
    assert gunicorn_workers(monkeypatch, cores=2, web_workers=" 12 ") == 12


def test_gunicorn_refuses_a_worker_count_that_is_no_whole_number(monkeypatch):
    for bad in ("0", "-2", "three", "2.5"):
        with pytest.raises(SystemExit, match="WEB_WORKERS must be a whole number of at least 1"):
            gunicorn_workers(monkeypatch, cores=2, web_workers=bad)


def test_a_gunicorn_worker_freezes_what_it_loaded_out_of_the_collectors_sight():
    """After loading the app, a worker's long-lived objects (its modules, URLs and views among
    them) are frozen: a full collection no longer walks them."""
    code = (
        "import gc, runpy, sys; import django; django.setup(); "
        "before = gc.get_freeze_count(); "
        "runpy.run_path('gunicorn.conf.py')['post_worker_init'](None); "
        "print(before, gc.get_freeze_count(), 'content.api.assets' in sys.modules)"
    )
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DATABASE_URL"} | {"DEBUG": "1"}
    result = run_manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    before, after, views_loaded = result.stdout.split()[-3:]
    assert before == "0" and int(after) > 50_000 and views_loaded == "True"


def test_without_redis_each_worker_keeps_thousands_of_entries_not_300():
    """Kept asset representations (a few pages of them) must not push the kept searches and reports
    out of a worker's own cache."""
    code = (
        "from django.core.cache import cache; "
        "[cache.set(f'k{i}', i) for i in range(1200)]; "
        "print(sum(cache.get(f'k{i}') is not None for i in range(1200)))"
    )
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DATABASE_URL"} | {"DEBUG": "1", "REDIS_URL": ""}
    result = run_manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "1200"
