"""PostgreSQL: each asset's search vector moves to a narrow search row (`content_asset_search`)
with the asset's visibility and support columns (copied by triggers) and the ids of its stages,
personas and competitors, all GIN-indexed where searched; the old vector column and its index on
content_asset go. SQLite keeps its FTS5 tables; the model is the unmanaged view of the row."""

import django.db.models.deletion
from django.db import migrations, models

from content.search import postgres


def _content_type_id(apps):
    content_type = (
        apps.get_model("contenttypes", "ContentType").objects.filter(app_label="content", model="asset").first()
    )
    return content_type.pk if content_type else 0


def create_rows(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in postgres.CREATE_SQL:
        schema_editor.execute(statement)
    postgres.update_index(None, _content_type_id(apps))
    for statement in postgres.OLD_LAYOUT_DROP_SQL:
        schema_editor.execute(statement)


def drop_rows(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in postgres.OLD_LAYOUT_CREATE_SQL:
        schema_editor.execute(statement % {"ct": _content_type_id(apps)})
    for statement in postgres.DROP_SQL:
        if "content_search_word" not in statement and "asset_title_trgm" not in statement:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0006_report_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="AssetSearchRow",
            fields=[
                (
                    "asset",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="content.asset",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("in_review", "In review"),
                            ("published", "Published"),
                            ("archived", "Archived"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("case_study", "Case study"),
                            ("battle_card", "Battle card"),
                            ("one_pager", "One-pager"),
                            ("objection", "Objection entry"),
                            ("deck", "Deck"),
                            ("email_template", "Email template"),
                            ("comparison_guide", "Comparison guide"),
                        ],
                        max_length=20,
                    ),
                ),
                ("published_at", models.DateTimeField(null=True)),
                ("expires_on", models.DateField(null=True)),
                ("review_by", models.DateField(null=True)),
                ("won_deal_count", models.IntegerField(default=0)),
            ],
            options={"db_table": "content_asset_search", "managed": False},
        ),
        migrations.RunPython(create_rows, drop_rows),
    ]
