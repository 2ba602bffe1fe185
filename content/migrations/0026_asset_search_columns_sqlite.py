# The columns a text search reads from each matching asset on SQLite (visibility, kind, support,
# review and expiry dates), keyed by the asset's id: a search ranking every match of a filtered
# query ("data migration" at one stage: 19,000 matches at 100,000 assets) reads this narrow index
# by id instead of each asset's whole row (title, body and file text), half the time. The search
# names it (content/search/sqlite.py); PostgreSQL reads its own narrow search row instead.

from django.db import migrations

CREATE = (
    'CREATE INDEX IF NOT EXISTS "asset_search_columns" ON "content_asset" '
    '("id", "status", "kind", "published_at", "expires_on", "review_by", "won_deal_count")'
)
DROP = 'DROP INDEX IF EXISTS "asset_search_columns"'


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("content", "0025_usage_rollup")]

    operations = [migrations.RunPython(create_index, drop_index)]
