"""The reps' rollup: the uses of each asset by each rep per day (UTC), kept exact by triggers on the
usage table as the daily rollup of migration 0025 is, so that every write counts (the services, bulk
inserts, COPY, cascading deletes, updates). Existing uses are rolled up at once. The usage report
counts a page's distinct reps from it: a row per rep and day instead of every use.

PostgreSQL: statement triggers over the transition tables, one grouped upsert per statement; a
removed use decrements its row, the rows locked in key order first. SQLite: the same, one row at a
time. The SQL is the one of this migration's day, copied here: it calls no code of the app."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

KEYS = "asset_id, day, user_id"

# PostgreSQL ---------------------------------------------------------------------------------------

_PG_DAY = "(({t}.used_at) AT TIME ZONE 'UTC')::date"
_PG_SAME_ROW = "d.asset_id = c.asset_id AND d.day = c.day AND d.user_id = c.user_id"


def _pg_add(rows: str) -> str:
    return (
        f"INSERT INTO content_usagerepday ({KEYS}, use_count) "
        f"SELECT n.asset_id, {_PG_DAY.format(t='n')}, n.user_id, COUNT(*) FROM {rows} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 "
        f"ON CONFLICT ({KEYS}) DO UPDATE SET use_count = content_usagerepday.use_count + EXCLUDED.use_count;"
    )


def _pg_remove(rows: str) -> str:
    cells = f"SELECT o.asset_id, {_PG_DAY.format(t='o')} AS day, o.user_id, COUNT(*) AS n FROM {rows} GROUP BY 1, 2, 3"
    return (
        # the rows locked in key order first, as the upsert locks them, so two writers never wait on each other
        f"PERFORM 1 FROM content_usagerepday d, ({cells}) c WHERE {_PG_SAME_ROW} "
        "ORDER BY d.asset_id, d.day, d.user_id FOR UPDATE OF d;\n"
        f"DELETE FROM content_usagerepday d USING ({cells}) c WHERE {_PG_SAME_ROW} AND d.use_count <= c.n;\n"
        f"UPDATE content_usagerepday d SET use_count = d.use_count - c.n FROM ({cells}) c WHERE {_PG_SAME_ROW};"
    )


_PG_CHANGED = (
    "old_usage o JOIN new_usage n ON n.id = o.id WHERE (o.asset_id, o.used_at, o.user_id) "
    "IS DISTINCT FROM (n.asset_id, n.used_at, n.user_id)"
)
PG_CREATE_SQL = [
    f"""
CREATE OR REPLACE FUNCTION content_usagerepday_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_pg_add("new_usage n")}
  RETURN NULL;
END $$""",
    f"""
CREATE OR REPLACE FUNCTION content_usagerepday_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_pg_remove("old_usage o")}
  RETURN NULL;
END $$""",
    f"""
CREATE OR REPLACE FUNCTION content_usagerepday_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_pg_remove(_PG_CHANGED)}
  {_pg_add(_PG_CHANGED.replace("old_usage o JOIN new_usage n ON n.id = o.id", "new_usage n JOIN old_usage o ON o.id = n.id"))}
  RETURN NULL;
END $$""",
    """
CREATE OR REPLACE FUNCTION content_usagerepday_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM content_usagerepday;  -- not TRUNCATE: a TRUNCATE of both tables at once is still using it
  RETURN NULL;
END $$""",
    "CREATE TRIGGER content_usagerepday_insert AFTER INSERT ON content_usage REFERENCING NEW TABLE AS new_usage "
    "FOR EACH STATEMENT EXECUTE FUNCTION content_usagerepday_insert()",
    "CREATE TRIGGER content_usagerepday_delete AFTER DELETE ON content_usage REFERENCING OLD TABLE AS old_usage "
    "FOR EACH STATEMENT EXECUTE FUNCTION content_usagerepday_delete()",
    "CREATE TRIGGER content_usagerepday_update AFTER UPDATE ON content_usage "
    "REFERENCING OLD TABLE AS old_usage NEW TABLE AS new_usage "
    "FOR EACH STATEMENT EXECUTE FUNCTION content_usagerepday_update()",
    "CREATE TRIGGER content_usagerepday_truncate AFTER TRUNCATE ON content_usage "
    "FOR EACH STATEMENT EXECUTE FUNCTION content_usagerepday_truncate()",
    f"INSERT INTO content_usagerepday ({KEYS}, use_count) "
    f"SELECT n.asset_id, {_PG_DAY.format(t='n')}, n.user_id, COUNT(*) FROM content_usage n GROUP BY 1, 2, 3",
]
PG_DROP_SQL = [
    *[
        f"DROP TRIGGER IF EXISTS content_usagerepday_{name} ON content_usage"
        for name in ("insert", "delete", "update", "truncate")
    ],
    *[f"DROP FUNCTION IF EXISTS content_usagerepday_{name}()" for name in ("insert", "delete", "update", "truncate")],
]

# SQLite -------------------------------------------------------------------------------------------


def _sqlite_add(row: str) -> str:
    return (
        f"INSERT INTO content_usagerepday ({KEYS}, use_count) VALUES ({row}.asset_id, date({row}.used_at), "
        f"{row}.user_id, 1) ON CONFLICT ({KEYS}) DO UPDATE SET use_count = use_count + 1;"
    )


def _sqlite_remove(row: str) -> str:
    same = f"asset_id = {row}.asset_id AND day = date({row}.used_at) AND user_id = {row}.user_id"
    return (
        f"DELETE FROM content_usagerepday WHERE {same} AND use_count <= 1; "
        f"UPDATE content_usagerepday SET use_count = use_count - 1 WHERE {same};"
    )


SQLITE_CREATE_SQL = [
    f"CREATE TRIGGER content_usagerepday_insert AFTER INSERT ON content_usage BEGIN {_sqlite_add('NEW')} END",
    f"CREATE TRIGGER content_usagerepday_delete AFTER DELETE ON content_usage BEGIN {_sqlite_remove('OLD')} END",
    "CREATE TRIGGER content_usagerepday_update AFTER UPDATE OF asset_id, used_at, user_id ON content_usage "
    "WHEN OLD.asset_id IS NOT NEW.asset_id OR OLD.used_at IS NOT NEW.used_at OR OLD.user_id IS NOT NEW.user_id "
    f"BEGIN {_sqlite_remove('OLD')} {_sqlite_add('NEW')} END",
    f"INSERT INTO content_usagerepday ({KEYS}, use_count) "
    "SELECT asset_id, date(used_at), user_id, count(*) FROM content_usage GROUP BY 1, 2, 3",
]
SQLITE_DROP_SQL = [f"DROP TRIGGER IF EXISTS content_usagerepday_{name}" for name in ("insert", "delete", "update")]


def create_triggers(apps, schema_editor):
    statements = PG_CREATE_SQL if schema_editor.connection.vendor == "postgresql" else SQLITE_CREATE_SQL
    for sql in statements:
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    statements = PG_DROP_SQL if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP_SQL
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0027_usage_asset_time_people"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="UsageRepDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("use_count", models.PositiveIntegerField()),
                (
                    "asset",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="content.asset",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("asset", "day", "user"), name="usagerepday_cell")],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
