"""The dictionary of the library's words that corrects misspelt query words before a search falls
back to scanning titles: a table with a trigram index on PostgreSQL, a table and a trigram FTS5 table
on SQLite. Filled from the existing assets."""

from django.db import migrations

from content.search import postgres, sqlite


def create_words(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return
    backend = postgres if vendor == "postgresql" else sqlite
    for statement in backend.WORDS_SQL:
        schema_editor.execute(statement)
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            sqlite.add_words(cursor)
            return
        content_type = (
            apps.get_model("contenttypes", "ContentType").objects.filter(app_label="content", model="asset").first()
        )
        postgres.rebuild_words(content_type.pk if content_type else 0, cursor)


def drop_words(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TABLE IF EXISTS {postgres.WORDS_TABLE}")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {sqlite.WORDS_TRIGRAM_TABLE}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {sqlite.WORDS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("content", "0007_search_rows")]

    operations = [migrations.RunPython(create_words, drop_words)]
