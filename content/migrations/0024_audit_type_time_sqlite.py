# The audit log filtered by object type alone, newest first, on SQLite: the object index (type, id,
# time) finds the type's events but leaves them to be sorted (389.7 ms at 1M events); (type, time)
# reads them in order (the row id, the tie-breaker, is part of every SQLite index). PostgreSQL does
# not get it: its planner serves that filter from the time index within the target, and every index
# is paid for by every write to the biggest table.

from django.db import migrations

CREATE = 'CREATE INDEX IF NOT EXISTS "audit_type_time" ON "content_auditevent" ("content_type_id", "timestamp")'
DROP = 'DROP INDEX IF EXISTS "audit_type_time"'


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("content", "0023_slack")]

    operations = [migrations.RunPython(create_index, drop_index)]
