"""The model of an asset's row in SQLite's full-text table (created by 0004), so that a search
joins it through the ORM. Not managed: no table is created or dropped on either database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0008_search_words"),
    ]

    operations = [
        migrations.CreateModel(
            name="AssetTextRow",
            fields=[
                (
                    "asset",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="text_row",
                        serialize=False,
                        to="content.asset",
                    ),
                ),
                ("document", models.TextField(db_column="content_asset_fts")),
            ],
            options={
                "db_table": "content_asset_fts",
                "managed": False,
            },
        ),
    ]
