"""The usage rollup: the uses of each asset per day (UTC), stage as logged (0: none) and action, with
the latest use of each, kept exact by triggers on the usage table so that every write counts (the
services, bulk inserts, COPY, cascading deletes, updates). Existing uses are rolled up at once.

PostgreSQL: statement triggers over the transition tables, one grouped upsert per statement. A
removed use decrements its day's row (an increment and a decrement commute, so concurrent writers
need no more than the row lock); when it was the latest of its row, the latest is read again by a
volatile function, which sees what other transactions committed while this one waited for the row.
SQLite: the same, one row at a time (one writer at a time, so no race).

The SQL is the one of this migration's day, copied here: it calls no code of the app."""

from django.db import migrations, models

KEYS = "asset_id, day, stage_id, action"

# PostgreSQL ---------------------------------------------------------------------------------------

_PG_DAY = "(({t}.used_at) AT TIME ZONE 'UTC')::date"


def _pg_cells(rows: str) -> str:
    """The removed uses of `rows` (a transition table, or a join of two), grouped per rollup row."""
    return (
        f"SELECT o.asset_id, {_PG_DAY.format(t='o')} AS day, COALESCE(o.stage_id, 0) AS stage_id, o.action, "
        f"COUNT(*) AS n, MAX(o.used_at) AS latest FROM {rows} GROUP BY 1, 2, 3, 4"
    )


_PG_SAME_ROW = "d.asset_id = c.asset_id AND d.day = c.day AND d.stage_id = c.stage_id AND d.action = c.action"


def _pg_add(rows: str) -> str:
    return (
        f"INSERT INTO content_usageday ({KEYS}, use_count, last_used) "
        f"SELECT n.asset_id, {_PG_DAY.format(t='n')}, COALESCE(n.stage_id, 0), n.action, COUNT(*), MAX(n.used_at) "
        f"FROM {rows} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4 "
        f"ON CONFLICT ({KEYS}) DO UPDATE SET use_count = content_usageday.use_count + EXCLUDED.use_count, "
        "last_used = GREATEST(content_usageday.last_used, EXCLUDED.last_used);"
    )


def _pg_remove(rows: str) -> str:
    cells = _pg_cells(rows)
    return (
        # the rows locked in key order first, as the upsert locks them, so two writers never wait on each other
        f"PERFORM 1 FROM content_usageday d, ({cells}) c WHERE {_PG_SAME_ROW} "
        "ORDER BY d.asset_id, d.day, d.stage_id, d.action FOR UPDATE OF d;\n"
        f"DELETE FROM content_usageday d USING ({cells}) c WHERE {_PG_SAME_ROW} AND d.use_count <= c.n;\n"
        f"UPDATE content_usageday d SET use_count = d.use_count - c.n, last_used = CASE WHEN c.latest >= d.last_used "
        "THEN COALESCE(content_usageday_latest(d.asset_id, d.day, d.stage_id, d.action), d.last_used) "
        f"ELSE d.last_used END FROM ({cells}) c WHERE {_PG_SAME_ROW};"
    )


_PG_CHANGED = (
    "old_usage o JOIN new_usage n ON n.id = o.id WHERE (o.asset_id, o.used_at, o.stage_id, o.action) "
    "IS DISTINCT FROM (n.asset_id, n.used_at, n.stage_id, n.action)"
)
PG_CREATE_SQL = [
    """
CREATE OR REPLACE FUNCTION content_usageday_latest(a bigint, d date, s bigint, act varchar)
RETURNS timestamptz LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN (SELECT MAX(used_at) FROM content_usage WHERE asset_id = a
          AND used_at >= d::timestamp AT TIME ZONE 'UTC' AND used_at < (d + 1)::timestamp AT TIME ZONE 'UTC'
          AND COALESCE(stage_id, 0) = s AND action = act);
END $$""",
    f"""
CREATE OR REPLACE FUNCTION content_usageday_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_pg_add("new_usage n")}
  RETURN NULL;
END $$""",
    f"""
CREATE OR REPLACE FUNCTION content_usageday_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_pg_remove("old_usage o")}
  RETURN NULL;
END $$""",
    f"""
CREATE OR REPLACE FUNCTION content_usageday_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_pg_remove(_PG_CHANGED)}
  {_pg_add(_PG_CHANGED.replace("old_usage o JOIN new_usage n ON n.id = o.id", "new_usage n JOIN old_usage o ON o.id = n.id"))}
  RETURN NULL;
END $$""",
    """
CREATE OR REPLACE FUNCTION content_usageday_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM content_usageday;  -- not TRUNCATE: a TRUNCATE of both tables at once is still using it
  RETURN NULL;
END $$""",
    "CREATE TRIGGER content_usageday_insert AFTER INSERT ON content_usage REFERENCING NEW TABLE AS new_usage "
    "FOR EACH STATEMENT EXECUTE FUNCTION content_usageday_insert()",
    "CREATE TRIGGER content_usageday_delete AFTER DELETE ON content_usage REFERENCING OLD TABLE AS old_usage "
    "FOR EACH STATEMENT EXECUTE FUNCTION content_usageday_delete()",
    "CREATE TRIGGER content_usageday_update AFTER UPDATE ON content_usage "
    "REFERENCING OLD TABLE AS old_usage NEW TABLE AS new_usage "
    "FOR EACH STATEMENT EXECUTE FUNCTION content_usageday_update()",
    "CREATE TRIGGER content_usageday_truncate AFTER TRUNCATE ON content_usage "
    "FOR EACH STATEMENT EXECUTE FUNCTION content_usageday_truncate()",
    f"INSERT INTO content_usageday ({KEYS}, use_count, last_used) "
    f"SELECT n.asset_id, {_PG_DAY.format(t='n')}, COALESCE(n.stage_id, 0), n.action, COUNT(*), MAX(n.used_at) "
    "FROM content_usage n GROUP BY 1, 2, 3, 4",
]
PG_DROP_SQL = [
    *[
        f"DROP TRIGGER IF EXISTS content_usageday_{name} ON content_usage"
        for name in ("insert", "delete", "update", "truncate")
    ],
    *[f"DROP FUNCTION IF EXISTS content_usageday_{name}()" for name in ("insert", "delete", "update", "truncate")],
    "DROP FUNCTION IF EXISTS content_usageday_latest(bigint, date, bigint, varchar)",
]

# SQLite -------------------------------------------------------------------------------------------


def _sqlite_add(row: str) -> str:
    return (
        f"INSERT INTO content_usageday ({KEYS}, use_count, last_used) VALUES ({row}.asset_id, date({row}.used_at), "
        f"coalesce({row}.stage_id, 0), {row}.action, 1, {row}.used_at) ON CONFLICT ({KEYS}) DO UPDATE SET "
        "use_count = use_count + 1, last_used = max(last_used, excluded.last_used);"
    )


def _sqlite_remove(row: str) -> str:
    same = (
        f"asset_id = {row}.asset_id AND day = date({row}.used_at) AND stage_id = coalesce({row}.stage_id, 0) "
        f"AND action = {row}.action"
    )
    latest = (
        f"SELECT max(u.used_at) FROM content_usage u WHERE u.asset_id = {row}.asset_id "
        f"AND u.used_at >= date({row}.used_at) AND u.used_at < date({row}.used_at, '+1 day') "
        f"AND coalesce(u.stage_id, 0) = coalesce({row}.stage_id, 0) AND u.action = {row}.action"
    )
    return (
        f"DELETE FROM content_usageday WHERE {same} AND use_count <= 1; "
        f"UPDATE content_usageday SET use_count = use_count - 1, last_used = CASE WHEN {row}.used_at >= last_used "
        f"THEN coalesce(({latest}), last_used) ELSE last_used END WHERE {same};"
    )


SQLITE_CREATE_SQL = [
    f"CREATE TRIGGER content_usageday_insert AFTER INSERT ON content_usage BEGIN {_sqlite_add('NEW')} END",
    f"CREATE TRIGGER content_usageday_delete AFTER DELETE ON content_usage BEGIN {_sqlite_remove('OLD')} END",
    "CREATE TRIGGER content_usageday_update AFTER UPDATE OF asset_id, used_at, stage_id, action ON content_usage "
    "WHEN OLD.asset_id IS NOT NEW.asset_id OR OLD.used_at IS NOT NEW.used_at OR OLD.stage_id IS NOT NEW.stage_id "
    f"OR OLD.action IS NOT NEW.action BEGIN {_sqlite_remove('OLD')} {_sqlite_add('NEW')} END",
    f"INSERT INTO content_usageday ({KEYS}, use_count, last_used) "
    "SELECT asset_id, date(used_at), coalesce(stage_id, 0), action, count(*), max(used_at) "
    "FROM content_usage GROUP BY 1, 2, 3, 4",
]
SQLITE_DROP_SQL = [f"DROP TRIGGER IF EXISTS content_usageday_{name}" for name in ("insert", "delete", "update")]


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
        ("content", "0024_audit_type_time_sqlite"),
    ]

    operations = [
        migrations.CreateModel(
            name="UsageDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                (
                    "stage_id",
                    models.IntegerField(help_text="The funnel stage the uses were logged at; 0 when none was."),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("shared", "Shared"),
                            ("presented", "Presented"),
                            ("sent", "Sent"),
                            ("heard", "Heard this objection"),
                            ("buyer_viewed", "Buyer viewed"),
                        ],
                        max_length=12,
                    ),
                ),
                ("use_count", models.PositiveIntegerField()),
                ("last_used", models.DateTimeField()),
                (
                    "asset",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="content.asset",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["day", "asset", "stage_id", "action", "use_count", "last_used"], name="usageday_period"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("asset", "day", "stage_id", "action"), name="usageday_cell")
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
