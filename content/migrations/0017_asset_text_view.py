"""On SQLite, a view over the full-text table (created by 0004) so that searches join it through
the ORM: `id` and `asset_id` are the row's id (the asset's) behind a unary +, which keeps SQLite
from probing the full-text table once per asset (the match runs first, then each match's asset is
read by primary key); `document` is the FTS5 column MATCH takes; `relevance` is -bm25 with the
weights title 10, summary 4, taxonomy 4, body 2, file text 1. Nothing on PostgreSQL. The SQL is
copied here, not imported: migrations are history."""

import django.db.models.deletion
from django.db import migrations, models

CREATE_VIEW_SQL = (
    "CREATE VIEW IF NOT EXISTS content_asset_text AS SELECT +rowid AS id, +rowid AS asset_id, "
    "content_asset_fts AS document, -bm25(content_asset_fts, 10.0, 4.0, 4.0, 2.0, 1.0) AS relevance "
    "FROM content_asset_fts"
)
DROP_VIEW_SQL = "DROP VIEW IF EXISTS content_asset_text"


def create_view(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE_VIEW_SQL)


def drop_view(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP_VIEW_SQL)


class Migration(migrations.Migration):
    dependencies = [("content", "0016_share_links")]

    operations = [
        migrations.RunPython(create_view, drop_view),
        migrations.CreateModel(
            name="AssetText",
            fields=[
                ("id", models.IntegerField(primary_key=True, serialize=False)),
                (
                    "asset",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="full_text",
                        to="content.asset",
                    ),
                ),
                ("document", models.TextField()),
                ("relevance", models.FloatField()),
            ],
            options={"db_table": "content_asset_text", "managed": False},
        ),
    ]
