"""PostgreSQL: each asset's search vector moves to a narrow search row (`content_asset_search`)
with the asset's visibility and support columns (copied by triggers) and the ids of its stages,
personas and competitors, all GIN-indexed where searched; the old vector column and its index on
content_asset go. SQLite keeps its FTS5 tables; the model is the unmanaged view of the row.

The SQL is the one of this migration's day, copied here: the live backend (content/search/postgres.py)
keeps its own copy and may change without changing what this migration does."""

import django.db.models.deletion
from django.db import migrations, models

# The new layout (as 0004 creates it on a new database), and every asset's search row --------------

_PG_TAXONOMY_SQL = """
  coalesce((SELECT string_agg(t.name, ' ') FROM taggit_taggeditem ti JOIN taggit_tag t ON t.id = ti.tag_id
            WHERE ti.object_id = a.id AND ti.content_type_id = %(ct)s), '') || ' ' ||
  coalesce((SELECT string_agg(p.name, ' ') FROM content_asset_personas ap JOIN content_persona p
            ON p.id = ap.persona_id WHERE ap.asset_id = a.id), '') || ' ' ||
  coalesce((SELECT string_agg(c.name, ' ') FROM content_asset_competitors ac JOIN content_competitor c
            ON c.id = ac.competitor_id WHERE ac.asset_id = a.id), '')
"""
_PG_VECTOR_SQL = (
    "setweight(to_tsvector('english', coalesce(a.title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(a.summary, '') || ' ' || " + _PG_TAXONOMY_SQL + "), 'B') || "
    "setweight(to_tsvector('english', coalesce(a.body, '')), 'C') || "
    "setweight(to_tsvector('english', coalesce(a.file_text, '')), 'D')"
)
_PG_TRIGGERS = {
    "content_asset_search_insert": "AFTER INSERT ON content_asset FOR EACH ROW",
    "content_asset_search_update": "AFTER UPDATE OF status, kind, published_at, expires_on, review_by, "
    "won_deal_count ON content_asset FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.kind IS "
    "DISTINCT FROM NEW.kind OR OLD.published_at IS DISTINCT FROM NEW.published_at OR OLD.expires_on IS DISTINCT "
    "FROM NEW.expires_on OR OLD.review_by IS DISTINCT FROM NEW.review_by OR OLD.won_deal_count IS DISTINCT FROM "
    "NEW.won_deal_count)",
    "content_asset_search_delete": "AFTER DELETE ON content_asset FOR EACH ROW",
    "content_asset_search_truncate": "AFTER TRUNCATE ON content_asset FOR EACH STATEMENT",
}
PG_CREATE_SQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE TABLE IF NOT EXISTS content_asset_search (
        asset_id integer PRIMARY KEY,
        search_vector tsvector,
        status varchar(20) NOT NULL,
        kind varchar(20) NOT NULL,
        published_at timestamp with time zone NULL,
        expires_on date NULL,
        review_by date NULL,
        won_deal_count integer NOT NULL DEFAULT 0,
        stage_ids integer[] NOT NULL DEFAULT '{}',
        persona_ids integer[] NOT NULL DEFAULT '{}',
        competitor_ids integer[] NOT NULL DEFAULT '{}'
    )""",
    "ALTER TABLE content_asset_search ALTER COLUMN search_vector SET STORAGE MAIN",
    "CREATE INDEX IF NOT EXISTS asset_search_row_vector ON content_asset_search USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS asset_search_row_terms ON content_asset_search "
    "USING gin (stage_ids, persona_ids, competitor_ids)",
    "CREATE INDEX IF NOT EXISTS asset_title_trgm ON content_asset USING gin (title gin_trgm_ops)",
    """
CREATE OR REPLACE FUNCTION content_asset_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM content_asset_search WHERE asset_id = OLD.id;
  ELSIF TG_OP = 'TRUNCATE' THEN
    TRUNCATE content_asset_search;
  ELSE
    INSERT INTO content_asset_search (asset_id, status, kind, published_at, expires_on, review_by, won_deal_count)
    VALUES (NEW.id, NEW.status, NEW.kind, NEW.published_at, NEW.expires_on, NEW.review_by, NEW.won_deal_count)
    ON CONFLICT (asset_id) DO UPDATE SET status = EXCLUDED.status, kind = EXCLUDED.kind, published_at = EXCLUDED.published_at, expires_on = EXCLUDED.expires_on, review_by = EXCLUDED.review_by, won_deal_count = EXCLUDED.won_deal_count;
  END IF;
  RETURN NULL;
END $$""",
    *[f"DROP TRIGGER IF EXISTS {name} ON content_asset" for name in _PG_TRIGGERS],
    *[
        f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION content_asset_search_sync()"
        for name, when in _PG_TRIGGERS.items()
    ],
    "CREATE TABLE IF NOT EXISTS content_search_word (word varchar(40) PRIMARY KEY)",
    "CREATE INDEX IF NOT EXISTS search_word_trgm ON content_search_word USING gin (word gin_trgm_ops)",
]
PG_DROP_SQL = [
    "DROP TABLE IF EXISTS content_search_word",
    *[f"DROP TRIGGER IF EXISTS {name} ON content_asset" for name in _PG_TRIGGERS],
    "DROP FUNCTION IF EXISTS content_asset_search_sync()",
    "DROP TABLE IF EXISTS content_asset_search",
    "DROP INDEX IF EXISTS asset_title_trgm",
]
# Every asset's search row, then every word of the library (words of 3 to 40 letters).
PG_INDEX_SQL = [
    "TRUNCATE content_asset_search",
    "INSERT INTO content_asset_search (asset_id, search_vector, status, kind, published_at, expires_on, review_by, "
    "won_deal_count, stage_ids, persona_ids, competitor_ids) "
    f"SELECT a.id, {_PG_VECTOR_SQL}, a.status, a.kind, a.published_at, a.expires_on, a.review_by, a.won_deal_count, "
    "ARRAY(SELECT l.funnelstage_id FROM content_asset_stages l WHERE l.asset_id = a.id ORDER BY l.funnelstage_id), "
    "ARRAY(SELECT l.persona_id FROM content_asset_personas l WHERE l.asset_id = a.id ORDER BY l.persona_id), "
    "ARRAY(SELECT l.competitor_id FROM content_asset_competitors l WHERE l.asset_id = a.id ORDER BY l.competitor_id) "
    "FROM content_asset a  "
    "ON CONFLICT (asset_id) DO UPDATE SET search_vector = EXCLUDED.search_vector, status = EXCLUDED.status, "
    "kind = EXCLUDED.kind, published_at = EXCLUDED.published_at, expires_on = EXCLUDED.expires_on, "
    "review_by = EXCLUDED.review_by, won_deal_count = EXCLUDED.won_deal_count, stage_ids = EXCLUDED.stage_ids, "
    "persona_ids = EXCLUDED.persona_ids, competitor_ids = EXCLUDED.competitor_ids",
    "TRUNCATE content_search_word",
    "INSERT INTO content_search_word (word) SELECT DISTINCT w FROM content_asset a, unnest(tsvector_to_array("
    "to_tsvector('simple', coalesce(a.title, '') || ' ' || coalesce(a.summary, '') || ' ' || "
    "coalesce(a.body, '') || ' ' || " + _PG_TAXONOMY_SQL + "))) w WHERE w ~ '^[[:alpha:]]{3,40}$'  "
    "ON CONFLICT DO NOTHING",
]

# Before this migration the vector was a column of content_asset itself ---------------------------

OLD_LAYOUT_DROP_SQL = [
    "DROP INDEX IF EXISTS asset_search_vector",
    "ALTER TABLE content_asset DROP COLUMN IF EXISTS search_vector",
]
OLD_LAYOUT_CREATE_SQL = [
    "ALTER TABLE content_asset ADD COLUMN IF NOT EXISTS search_vector tsvector",
    f"UPDATE content_asset a SET search_vector = {_PG_VECTOR_SQL}",
    "CREATE INDEX IF NOT EXISTS asset_search_vector ON content_asset USING gin (search_vector)",
]


def _content_type_id(apps):
    content_type = (
        apps.get_model("contenttypes", "ContentType").objects.filter(app_label="content", model="asset").first()
    )
    return content_type.pk if content_type else 0


def create_rows(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in PG_CREATE_SQL:
        schema_editor.execute(statement)
    with schema_editor.connection.cursor() as cursor:
        for statement in PG_INDEX_SQL:
            cursor.execute(statement % {"ct": _content_type_id(apps)})
    for statement in OLD_LAYOUT_DROP_SQL:
        schema_editor.execute(statement)


def drop_rows(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in OLD_LAYOUT_CREATE_SQL:
        schema_editor.execute(statement % {"ct": _content_type_id(apps)})
    for statement in PG_DROP_SQL:
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
