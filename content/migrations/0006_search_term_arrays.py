"""PostgreSQL: the ids of each asset's stages, personas and competitors as integer arrays beside its
search vector, with a GIN index, so that filtered searches combine two index conditions. The index
is built concurrently (no write lock on a big asset table); SQLite keeps filtering through the
link tables."""

from django.db import migrations

from content.search import postgres


def add_term_arrays(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in postgres.TERM_COLUMNS_SQL:
        schema_editor.execute(statement)
    schema_editor.execute(postgres.TERM_INDEX_SQL.replace("CREATE INDEX", "CREATE INDEX CONCURRENTLY", 1))
    schema_editor.execute(postgres.TERM_ARRAYS_UPDATE_SQL)


def drop_term_arrays(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS asset_term_ids")
    for column, *_ in postgres.TERM_ARRAYS.values():
        schema_editor.execute(f"ALTER TABLE content_asset DROP COLUMN IF EXISTS {column}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("content", "0005_asset_verification_interval_bounds")]

    operations = [migrations.RunPython(add_term_arrays, drop_term_arrays)]
