"""The dictionary of the library's words that corrects misspelt query words before a search falls
back to scanning titles: a table with a trigram index on PostgreSQL, a table and a trigram FTS5 table
on SQLite. Filled from the existing assets.

The SQL is the one of this migration's day, copied here: the live backends
(content/search/postgres.py and sqlite.py) keep their own copy and may change without changing
what this migration does."""

import re

from django.db import migrations

PG_WORDS_SQL = [
    "CREATE TABLE IF NOT EXISTS content_search_word (word varchar(40) PRIMARY KEY)",
    "CREATE INDEX IF NOT EXISTS search_word_trgm ON content_search_word USING gin (word gin_trgm_ops)",
]
_PG_TAXONOMY_SQL = """
  coalesce((SELECT string_agg(t.name, ' ') FROM taggit_taggeditem ti JOIN taggit_tag t ON t.id = ti.tag_id
            WHERE ti.object_id = a.id AND ti.content_type_id = %(ct)s), '') || ' ' ||
  coalesce((SELECT string_agg(p.name, ' ') FROM content_asset_personas ap JOIN content_persona p
            ON p.id = ap.persona_id WHERE ap.asset_id = a.id), '') || ' ' ||
  coalesce((SELECT string_agg(c.name, ' ') FROM content_asset_competitors ac JOIN content_competitor c
            ON c.id = ac.competitor_id WHERE ac.asset_id = a.id), '')
"""
# Every word of the library, words of 3 to 40 letters.
PG_FILL_SQL = [
    "TRUNCATE content_search_word",
    "INSERT INTO content_search_word (word) SELECT DISTINCT w FROM content_asset a, unnest(tsvector_to_array("
    "to_tsvector('simple', coalesce(a.title, '') || ' ' || coalesce(a.summary, '') || ' ' || "
    "coalesce(a.body, '') || ' ' || " + _PG_TAXONOMY_SQL + "))) w WHERE w ~ '^[[:alpha:]]{3,40}$'  "
    "ON CONFLICT DO NOTHING",
]
SQLITE_WORDS_SQL = [
    "CREATE TABLE IF NOT EXISTS content_search_word (word varchar(40) PRIMARY KEY)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS content_search_word_trgm USING fts5(word, tokenize='trigram')",
]
SQLITE_FILL_SQL = ["DELETE FROM content_search_word", "DELETE FROM content_search_word_trgm"]
# The dictionary's words: runs of letters or digits (with inner apostrophes), lower-cased, kept when
# they are 3 to 40 letters.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


def _dictionary_words(*texts):
    words = (w.lower() for text in texts for w in _WORD.findall(text or ""))
    return {w for w in words if w.isalpha() and 3 <= len(w) <= 40}


def sqlite_fill_words(cursor):
    """The word dictionary from the FTS5 table's text (SQLite has no tsvector to split it)."""
    for statement in SQLITE_FILL_SQL:
        cursor.execute(statement)
    cursor.execute("SELECT title, summary, taxonomy, body FROM content_asset_fts")
    words = set()
    for row in cursor.fetchall():
        words |= _dictionary_words(*row)
    rows = [(w,) for w in sorted(words)]
    if rows:
        cursor.executemany("INSERT INTO content_search_word(word) VALUES (%s)", rows)
        cursor.executemany("INSERT INTO content_search_word_trgm(word) VALUES (%s)", rows)


def create_words(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return
    for statement in PG_WORDS_SQL if vendor == "postgresql" else SQLITE_WORDS_SQL:
        schema_editor.execute(statement)
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            sqlite_fill_words(cursor)
            return
        content_type = (
            apps.get_model("contenttypes", "ContentType").objects.filter(app_label="content", model="asset").first()
        )
        for statement in PG_FILL_SQL:
            cursor.execute(statement % {"ct": content_type.pk if content_type else 0})


def drop_words(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS content_search_word")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS content_search_word_trgm")
        schema_editor.execute("DROP TABLE IF EXISTS content_search_word")


class Migration(migrations.Migration):
    dependencies = [("content", "0007_search_rows")]

    operations = [migrations.RunPython(create_words, drop_words)]
