"""The data and library versions (content/caching.py) move from the shared cache into the database.

PostgreSQL: a sequence each. `nextval` is one statement that never waits for another transaction
(an import's long transaction holds no lock that usage logging would queue behind) and is never
rolled back, so a version never comes round again. Elsewhere (SQLite writes one transaction at a
time): a row each of enablement_version. Both start at the migration's time in seconds, above any
version the shared cache counted before, so no cached entry of before is met again. The SQL is the
one of this migration's day: it calls no code of the app."""

import time

from django.db import migrations

NAMES = ("data", "library")


def create(apps, schema_editor):
    start = int(time.time())
    if schema_editor.connection.vendor == "postgresql":
        for name in NAMES:
            schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS enablement_{name}_version START WITH {start}")
        return
    schema_editor.execute(
        "CREATE TABLE IF NOT EXISTS enablement_version (name varchar(20) NOT NULL PRIMARY KEY, value bigint NOT NULL)"
    )
    for name in NAMES:
        schema_editor.execute(
            "INSERT INTO enablement_version (name, value) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING", [name, start]
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in NAMES:
            schema_editor.execute(f"DROP SEQUENCE IF EXISTS enablement_{name}_version")
    else:
        schema_editor.execute("DROP TABLE IF EXISTS enablement_version")


class Migration(migrations.Migration):
    dependencies = [("content", "0028_usage_rep_rollup")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
