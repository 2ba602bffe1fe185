# The assets with won-deal support, by id, on SQLite: a text search lists them once and keeps the
# matches among them (content/search/sqlite.py, `_candidates`), instead of reading every match's
# asset to find the few with support. A partial index: an asset enters it with its first won deal.
# PostgreSQL picks its candidates from its own search rows and does not need it.

from django.db import migrations

from content.migration_operations import RunSQLOnSQLite


class Migration(migrations.Migration):
    dependencies = [("content", "0030_asset_expires_on_help")]

    operations = [
        RunSQLOnSQLite(
            'CREATE INDEX IF NOT EXISTS "asset_supported" ON "content_asset" ("id") WHERE "won_deal_count" > 0',
            'DROP INDEX IF EXISTS "asset_supported"',
        )
    ]
