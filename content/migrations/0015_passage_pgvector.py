"""A pgvector column and HNSW index on passages, on PostgreSQL only and only where the `vector`
extension can be installed; elsewhere vectors stay in `content_passage.vector` (float32 bytes) and
are searched in process. The SQL is copied here, not imported: migrations are history."""

from django.db import migrations

DIMENSIONS = 384


def _vector_available(cursor) -> bool:
    cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
    return cursor.fetchone() is not None


def add_vector_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if not _vector_available(cursor):
            return
        cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
        cursor.execute(f"ALTER TABLE content_passage ADD COLUMN IF NOT EXISTS embedding vector({DIMENSIONS})")
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS passage_embedding_hnsw ON content_passage USING hnsw (embedding vector_ip_ops)"
        )


def drop_vector_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS passage_embedding_hnsw")
        cursor.execute("ALTER TABLE content_passage DROP COLUMN IF EXISTS embedding")


class Migration(migrations.Migration):
    dependencies = [("content", "0014_semantic_passages")]

    operations = [migrations.RunPython(add_vector_column, drop_vector_column)]
