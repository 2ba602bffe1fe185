"""The search index, per database: PostgreSQL gets a weighted tsvector column with GIN indexes
(full text and title trigrams); SQLite gets FTS5 tables and a delete trigger. Existing assets are
indexed at once."""

from django.db import migrations

from content.search import postgres, sqlite


def _backend(schema_editor):
    vendor = schema_editor.connection.vendor
    return {"postgresql": postgres, "sqlite": sqlite}.get(vendor)


def create_index(apps, schema_editor):
    backend = _backend(schema_editor)
    if backend is None:
        return
    for statement in backend.CREATE_SQL:
        schema_editor.execute(statement)
    content_type = (
        apps.get_model("contenttypes", "ContentType").objects.filter(app_label="content", model="asset").first()
    )
    backend.update_index(None, content_type.pk if content_type else 0)


def drop_index(apps, schema_editor):
    backend = _backend(schema_editor)
    if backend is None:
        return
    for statement in backend.DROP_SQL:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0003_background_jobs"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
