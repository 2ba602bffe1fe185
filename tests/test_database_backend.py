"""The PostgreSQL backend checks a kept connection's health at most once every HEALTH_CHECK_SECONDS
(enablement/postgresql/base.py); Django's own checked it at the start of every request."""

import time

import pytest
from django.db import connection, connections

from enablement.postgresql.base import DatabaseWrapper


class Connection:
    """Stands in for psycopg's connection: the check itself is the wrapper's `is_usable`."""


@pytest.fixture
def wrapper(monkeypatch):
    def make(*, seconds, usable=True):
        probe = DatabaseWrapper({"HEALTH_CHECK_SECONDS": seconds, "OPTIONS": {}}, alias="probe")
        probe.connection, probe.health_check_enabled, probe.health_check_done = Connection(), True, False
        probe.checks = 0

        def is_usable():
            probe.checks += 1
            return usable

        monkeypatch.setattr(probe, "is_usable", is_usable)
        monkeypatch.setattr(probe, "close", lambda: setattr(probe, "connection", None))
        return probe

    return make


def start_request(probe):
    probe.health_check_done = False  # as close_if_unusable_or_obsolete leaves a kept connection


def test_a_connection_checked_moments_ago_is_not_checked_again(wrapper):
    probe = wrapper(seconds=1)
    probe.close_if_health_check_failed()  # never checked: checked now
    assert probe.checks == 1
    for _ in range(3):
        start_request(probe)
        probe.close_if_health_check_failed()
        assert probe.health_check_done
    assert probe.checks == 1
    assert isinstance(probe.connection, Connection)


def test_a_connection_is_checked_again_once_the_interval_has_passed(wrapper):
    probe = wrapper(seconds=1)
    probe.checked_at = time.monotonic() - 1.5
    probe.close_if_health_check_failed()
    assert probe.checks == 1
    assert time.monotonic() - probe.checked_at < 1  # the check moved the clock on
    start_request(probe)
    probe.close_if_health_check_failed()
    assert probe.checks == 1


def test_a_connection_that_fails_its_check_is_closed_and_not_counted_as_checked(wrapper):
    probe = wrapper(seconds=1, usable=False)
    probe.checked_at = time.monotonic() - 5
    probe.close_if_health_check_failed()
    assert probe.checks == 1
    assert probe.connection is None
    assert probe.checked_at < time.monotonic() - 4


def test_zero_seconds_checks_on_every_request_as_django_does(wrapper):
    probe = wrapper(seconds=0)
    probe.checked_at = time.monotonic()
    for _ in range(3):
        start_request(probe)
        probe.close_if_health_check_failed()
    assert probe.checks == 3


def test_within_one_request_a_connection_is_checked_once_whatever_the_interval(wrapper):
    probe = wrapper(seconds=0)
    for _ in range(4):  # every cursor of the request asks
        probe.close_if_health_check_failed()
    assert probe.checks == 1


def test_no_check_without_health_checks_or_without_a_connection(wrapper):
    probe = wrapper(seconds=0)
    probe.health_check_enabled = False
    probe.close_if_health_check_failed()
    probe.health_check_enabled, probe.connection = True, None
    probe.close_if_health_check_failed()
    assert probe.checks == 0


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the backend of PostgreSQL")
def test_the_app_connects_through_it_and_a_new_connection_counts_as_checked(monkeypatch):
    assert isinstance(connections["default"], DatabaseWrapper)
    assert connections["default"].settings_dict["HEALTH_CHECK_SECONDS"] == 1
    probe = DatabaseWrapper(
        dict(connections["default"].settings_dict), alias="default"
    )  # its own connection, outside the test transaction
    try:
        probe.connect()
        assert probe.health_check_enabled
        assert time.monotonic() - probe.checked_at < 1
        checks = []
        is_usable = probe.is_usable
        monkeypatch.setattr(probe, "is_usable", lambda: checks.append(1) or is_usable())
        for _ in range(2):
            probe.close_if_unusable_or_obsolete()  # what every request starts with
            with probe.cursor() as cursor:
                cursor.execute("SELECT 1")
        assert checks == []
        probe.checked_at -= 2
        probe.close_if_unusable_or_obsolete()
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
        assert checks == [1]
        assert probe.connection is not None
    finally:
        probe.close()


@pytest.mark.django_db
def test_a_new_connection_has_jit_compilation_off_unless_asked(settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's JIT")
    for jit, expected in ((False, "off"), (True, None)):
        probe = DatabaseWrapper({**connection.settings_dict, "JIT": jit}, alias="default")
        try:
            with probe.cursor() as cursor:
                cursor.execute("SHOW jit")
                shown = cursor.fetchone()[0]
                cursor.execute("SELECT reset_val FROM pg_settings WHERE name = 'jit'")
                server = cursor.fetchone()[0]
        finally:
            probe.close()
        assert shown == (expected or server)
    assert connection.settings_dict["JIT"] is False  # the default, DB_JIT unset
