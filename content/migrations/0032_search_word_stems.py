"""On SQLite: each word of the library's dictionary with its stem (the term the full-text index
holds for it, as the index's tokenizer gives it), and the index's terms readable in order (an
fts5vocab table). A search matches a word still being typed as the whole word when no other term
starts with its stem: the same matches as the prefix, without merging the lists of every term
with that prefix (content/search/sqlite.py, `_search_facts`). PostgreSQL needs neither.

The SQL is the one of this migration's day, copied here: the live backend keeps its own copy and
may change without changing what this migration does."""

from django.db import migrations

TOKENIZE = "porter unicode61 remove_diacritics 2"
CREATE_TERMS = "CREATE VIRTUAL TABLE IF NOT EXISTS content_asset_fts_terms USING fts5vocab(content_asset_fts, 'row')"
STEMMER_SQL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.content_search_stemmer USING fts5(word, tokenize='{TOKENIZE}')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.content_search_stemmer_terms "
    "USING fts5vocab(temp, content_search_stemmer, 'instance')",
]


def add_stems(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pragma_table_info('content_search_word')")
        if "stem" not in {name for (name,) in cursor.fetchall()}:
            cursor.execute("ALTER TABLE content_search_word ADD COLUMN stem varchar(40)")
        cursor.execute(CREATE_TERMS)
        cursor.execute("SELECT word FROM content_search_word ORDER BY word")
        words = [word for (word,) in cursor.fetchall()]
        for statement in STEMMER_SQL:
            cursor.execute(statement)
        cursor.execute("DELETE FROM temp.content_search_stemmer")
        cursor.executemany(
            "INSERT INTO temp.content_search_stemmer(rowid, word) VALUES (%s, %s)", list(enumerate(words))
        )
        cursor.execute("SELECT doc, term FROM temp.content_search_stemmer_terms")
        terms = {}
        for doc, term in cursor.fetchall():
            terms.setdefault(doc, set()).add(term)
        cursor.execute("DELETE FROM temp.content_search_stemmer")
        stems = [(found.pop(), words[doc]) for doc, found in terms.items() if len(found) == 1]
        cursor.executemany("UPDATE content_search_word SET stem = %s WHERE word = %s", stems)


def drop_stems(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS content_asset_fts_terms")
        cursor.execute("ALTER TABLE content_search_word DROP COLUMN stem")


class Migration(migrations.Migration):
    dependencies = [("content", "0031_asset_supported_index")]

    operations = [migrations.RunPython(add_stems, drop_stems)]
