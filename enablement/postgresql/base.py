"""Django's PostgreSQL backend, with its connection health check run at most once every
HEALTH_CHECK_SECONDS per connection (the database setting; `DB_HEALTH_CHECK_SECONDS`, default 1),
and JIT compilation off on each new connection unless the setting JIT is true (`DB_JIT`).

With CONN_HEALTH_CHECKS, Django checks a kept connection (a `SELECT 1` round trip) at the start of
every request that uses it. Under load a worker's connection answered another request a few
milliseconds ago, and that check was 4-5% of a search's CPU, in the worker and in PostgreSQL
(`make flame`). Here a connection checked or opened less than HEALTH_CHECK_SECONDS ago counts as
checked, as PgBouncer's `server_check_delay` does (30 s there). A connection that broke within that
time fails its request, as every connection does without health checks; Django then closes it when
the request ends (`close_if_unusable_or_obsolete`) and the next request opens a new one. 0 checks
on every request, Django's own behaviour."""

import time

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    checked_at = float("-inf")  # time.monotonic() when the connection was last known to answer

    def _configure_connection(self, connection):
        commit = super()._configure_connection(connection)
        if self.settings_dict.get("JIT", True):
            return commit
        # A SET, not a connection option: a pooler in front of the database may refuse options.
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        return True

    def connect(self):
        super().connect()
        self.checked_at = time.monotonic()

    def close_if_health_check_failed(self):
        if self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        now = time.monotonic()
        if now - self.checked_at < self.settings_dict.get("HEALTH_CHECK_SECONDS", 0):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
        if self.connection is not None:
            self.checked_at = now
