"""The rollup of asset-deal pairs: the uses of each asset in each deal, their count, the first and the
last, the first a rep logged and the buyer's view, kept exact by triggers on the usage table as the
daily rollups of migrations 0025 and 0028 are, so that every write counts (the services, bulk
inserts, COPY, cascading deletes, updates). Existing uses are rolled up at once. The usage report
counts a page's distinct deals from it, and effectiveness the deals each asset supported: a row per
asset and deal instead of every use.

An added use adds to the count and moves the first and last times out to it. A removed use takes one
off the count (the pair goes at zero) and, only when its time was one of the pair's four times, has
them read again from the pair's remaining uses. An update is a removal of the old row then an
addition of the new one; the times read again already include the new row, and adding it to them
again changes nothing. PostgreSQL: statement triggers over the transition tables, the pairs locked
in key order first. SQLite: the same, one row at a time. The SQL is the one of this migration's
day, copied here: it calls no code of the app."""

import django.db.models.deletion
from django.db import migrations, models

KEYS = "asset_id, deal_id"
FIGURES = "use_count, first_used, last_used, first_logged, first_viewed"
TIMES = "first_used, last_used, first_logged, first_viewed"

# PostgreSQL ---------------------------------------------------------------------------------------

_PG_PAIR = "d.asset_id = c.asset_id AND d.deal_id = c.deal_id"
_PG_TIMES = (
    "MIN({t}.used_at) AS first_used, MAX({t}.used_at) AS last_used, "
    "MIN({t}.used_at) FILTER (WHERE {t}.action <> 'buyer_viewed') AS first_logged, "
    "MIN({t}.used_at) FILTER (WHERE {t}.action = 'buyer_viewed') AS first_viewed"
)


def _pg_add(rows: str) -> str:
    return (
        f"INSERT INTO content_usagedeal ({KEYS}, {FIGURES}) "
        f"SELECT n.asset_id, n.deal_id, COUNT(*), {_PG_TIMES.format(t='n')} FROM {rows} GROUP BY 1, 2 ORDER BY 1, 2 "
        f"ON CONFLICT ({KEYS}) DO UPDATE SET use_count = content_usagedeal.use_count + EXCLUDED.use_count, "
        # LEAST and GREATEST leave out a NULL
        "first_used = LEAST(content_usagedeal.first_used, EXCLUDED.first_used), "
        "last_used = GREATEST(content_usagedeal.last_used, EXCLUDED.last_used), "
        "first_logged = LEAST(content_usagedeal.first_logged, EXCLUDED.first_logged), "
        "first_viewed = LEAST(content_usagedeal.first_viewed, EXCLUDED.first_viewed);"
    )


def _pg_remove(rows: str) -> str:
    pairs = f"SELECT o.asset_id, o.deal_id, COUNT(*) AS n FROM {rows} GROUP BY 1, 2"
    # the pairs one of whose four times went with a removed use
    edges = (
        f"SELECT DISTINCT o.asset_id, o.deal_id FROM (SELECT o.asset_id, o.deal_id, o.used_at FROM {rows}) o "
        "JOIN content_usagedeal d ON d.asset_id = o.asset_id "
        "AND d.deal_id = o.deal_id WHERE o.used_at IN (d.first_used, d.last_used, d.first_logged, d.first_viewed)"
    )
    again = (
        f"SELECT u.asset_id, u.deal_id, {_PG_TIMES.format(t='u')} FROM content_usage u "
        f"JOIN ({edges}) c ON u.asset_id = c.asset_id AND u.deal_id = c.deal_id GROUP BY 1, 2"
    )
    return (
        # the rows locked in key order first, as the upsert locks them, so two writers never wait on each other
        f"PERFORM 1 FROM content_usagedeal d, ({pairs}) c WHERE {_PG_PAIR} "
        "ORDER BY d.asset_id, d.deal_id FOR UPDATE OF d;\n"
        f"UPDATE content_usagedeal d SET ({TIMES}) = (c.first_used, c.last_used, c.first_logged, c.first_viewed) "
        f"FROM ({again}) c WHERE {_PG_PAIR};\n"
        f"DELETE FROM content_usagedeal d USING ({pairs}) c WHERE {_PG_PAIR} AND d.use_count <= c.n;\n"
        f"UPDATE content_usagedeal d SET use_count = d.use_count - c.n FROM ({pairs}) c WHERE {_PG_PAIR};"
    )


_PG_CHANGED = (
    "old_usage o JOIN new_usage n ON n.id = o.id WHERE (o.asset_id, o.deal_id, o.used_at, o.action) "
    "IS DISTINCT FROM (n.asset_id, n.deal_id, n.used_at, n.action)"
)
PG_CREATE_SQL = [
    f"""
CREATE OR REPLACE FUNCTION content_usagedeal_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_pg_add("new_usage n")}
  RETURN NULL;
END $$""",
    f"""
CREATE OR REPLACE FUNCTION content_usagedeal_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_pg_remove("old_usage o")}
  RETURN NULL;
END $$""",
    f"""
CREATE OR REPLACE FUNCTION content_usagedeal_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_pg_remove(_PG_CHANGED)}
  {_pg_add(_PG_CHANGED.replace("old_usage o JOIN new_usage n ON n.id = o.id", "new_usage n JOIN old_usage o ON o.id = n.id"))}
  RETURN NULL;
END $$""",
    """
CREATE OR REPLACE FUNCTION content_usagedeal_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM content_usagedeal;  -- not TRUNCATE: a TRUNCATE of both tables at once is still using it
  RETURN NULL;
END $$""",
    "CREATE TRIGGER content_usagedeal_insert AFTER INSERT ON content_usage REFERENCING NEW TABLE AS new_usage "
    "FOR EACH STATEMENT EXECUTE FUNCTION content_usagedeal_insert()",
    "CREATE TRIGGER content_usagedeal_delete AFTER DELETE ON content_usage REFERENCING OLD TABLE AS old_usage "
    "FOR EACH STATEMENT EXECUTE FUNCTION content_usagedeal_delete()",
    "CREATE TRIGGER content_usagedeal_update AFTER UPDATE ON content_usage "
    "REFERENCING OLD TABLE AS old_usage NEW TABLE AS new_usage "
    "FOR EACH STATEMENT EXECUTE FUNCTION content_usagedeal_update()",
    "CREATE TRIGGER content_usagedeal_truncate AFTER TRUNCATE ON content_usage "
    "FOR EACH STATEMENT EXECUTE FUNCTION content_usagedeal_truncate()",
    f"INSERT INTO content_usagedeal ({KEYS}, {FIGURES}) "
    f"SELECT n.asset_id, n.deal_id, COUNT(*), {_PG_TIMES.format(t='n')} FROM content_usage n GROUP BY 1, 2",
]
PG_DROP_SQL = [
    *[
        f"DROP TRIGGER IF EXISTS content_usagedeal_{name} ON content_usage"
        for name in ("insert", "delete", "update", "truncate")
    ],
    *[f"DROP FUNCTION IF EXISTS content_usagedeal_{name}()" for name in ("insert", "delete", "update", "truncate")],
]

# SQLite -------------------------------------------------------------------------------------------

# Django keeps a time on SQLite as ISO text in UTC, which sorts as the times do.
_SQLITE_TIMES = (
    "min(used_at), max(used_at), min(CASE WHEN action <> 'buyer_viewed' THEN used_at END), "
    "min(CASE WHEN action = 'buyer_viewed' THEN used_at END)"
)


def _sqlite_earlier(column: str) -> str:
    """The earlier of the kept time and the added one; min() of two is NULL when either is."""
    return f"{column} = coalesce(min({column}, excluded.{column}), {column}, excluded.{column})"


def _sqlite_add(row: str) -> str:
    return (
        f"INSERT INTO content_usagedeal ({KEYS}, {FIGURES}) VALUES ({row}.asset_id, {row}.deal_id, 1, "
        f"{row}.used_at, {row}.used_at, CASE WHEN {row}.action <> 'buyer_viewed' THEN {row}.used_at END, "
        f"CASE WHEN {row}.action = 'buyer_viewed' THEN {row}.used_at END) "
        f"ON CONFLICT ({KEYS}) DO UPDATE SET use_count = use_count + 1, first_used = min(first_used, excluded.first_used), "
        f"last_used = max(last_used, excluded.last_used), {_sqlite_earlier('first_logged')}, "
        f"{_sqlite_earlier('first_viewed')};"
    )


def _sqlite_remove(row: str) -> str:
    same = f"asset_id = {row}.asset_id AND deal_id = {row}.deal_id"
    return (
        f"DELETE FROM content_usagedeal WHERE {same} AND use_count <= 1; "
        f"UPDATE content_usagedeal SET use_count = use_count - 1 WHERE {same}; "
        f"UPDATE content_usagedeal SET ({TIMES}) = (SELECT {_SQLITE_TIMES} FROM content_usage WHERE {same}) "
        f"WHERE {same} AND {row}.used_at IN ({TIMES});"
    )


SQLITE_CREATE_SQL = [
    f"CREATE TRIGGER content_usagedeal_insert AFTER INSERT ON content_usage BEGIN {_sqlite_add('NEW')} END",
    f"CREATE TRIGGER content_usagedeal_delete AFTER DELETE ON content_usage BEGIN {_sqlite_remove('OLD')} END",
    "CREATE TRIGGER content_usagedeal_update AFTER UPDATE OF asset_id, deal_id, used_at, action ON content_usage "
    "WHEN OLD.asset_id IS NOT NEW.asset_id OR OLD.deal_id IS NOT NEW.deal_id OR OLD.used_at IS NOT NEW.used_at "
    f"OR OLD.action IS NOT NEW.action BEGIN {_sqlite_remove('OLD')} {_sqlite_add('NEW')} END",
    f"INSERT INTO content_usagedeal ({KEYS}, {FIGURES}) "
    f"SELECT asset_id, deal_id, count(*), {_SQLITE_TIMES} FROM content_usage GROUP BY 1, 2",
]
SQLITE_DROP_SQL = [f"DROP TRIGGER IF EXISTS content_usagedeal_{name}" for name in ("insert", "delete", "update")]


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
        ("content", "0032_search_word_stems"),
    ]

    operations = [
        migrations.CreateModel(
            name="UsageDeal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("use_count", models.PositiveIntegerField()),
                ("first_used", models.DateTimeField()),
                ("last_used", models.DateTimeField()),
                (
                    "first_logged",
                    models.DateTimeField(
                        help_text="The first use a rep logged (every action but a buyer's view).", null=True
                    ),
                ),
                (
                    "first_viewed",
                    models.DateTimeField(help_text="The buyer's first view through a tracked link.", null=True),
                ),
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
                    "deal",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="content.deal",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["asset", "last_used", "first_used", "deal"], name="usagedeal_asset_time"),
                    models.Index(
                        fields=["deal", "asset", "first_logged", "first_viewed"], name="usagedeal_deal_support"
                    ),
                ],
                "constraints": [models.UniqueConstraint(fields=("asset", "deal"), name="usagedeal_pair")],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
