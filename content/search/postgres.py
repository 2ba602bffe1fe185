"""PostgreSQL backend: a stored, weighted tsvector column on content_asset (GIN-indexed), queried
with websearch_to_tsquery('english', ...), and pg_trgm word similarity over titles for typos.

The column is not a model field: it is created by a vendor-aware migration and written only by
`update_index`, so forms, serializers and SQLite never see it.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, Expression, F, Value

from ..models.assets import AssetQuerySet
from .paging import COUNT_CAP
from .query import SPELLING_THRESHOLD, ParsedQuery, is_dictionary_word
from .ranking import blend_sql, order_sql

_TAXONOMY_SQL = """
  coalesce((SELECT string_agg(t.name, ' ') FROM taggit_taggeditem ti JOIN taggit_tag t ON t.id = ti.tag_id
            WHERE ti.object_id = a.id AND ti.content_type_id = %(ct)s), '') || ' ' ||
  coalesce((SELECT string_agg(p.name, ' ') FROM content_asset_personas ap JOIN content_persona p
            ON p.id = ap.persona_id WHERE ap.asset_id = a.id), '') || ' ' ||
  coalesce((SELECT string_agg(c.name, ' ') FROM content_asset_competitors ac JOIN content_competitor c
            ON c.id = ac.competitor_id WHERE ac.asset_id = a.id), '')
"""
# The document, for matching. Weights: title A; summary, tag, persona and competitor names B;
# body C; text extracted from the file D.
_VECTOR_SQL = (
    "setweight(to_tsvector('english', coalesce(a.title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(a.summary, '') || ' ' || " + _TAXONOMY_SQL + "), 'B') || "
    "setweight(to_tsvector('english', coalesce(a.body, '')), 'C') || "
    "setweight(to_tsvector('english', coalesce(a.file_text, '')), 'D')"
)
# The ids of an asset's stages, personas and competitors, denormalised next to its vector so that a
# filtered search ("pricing" at the evaluating stage) is two GIN index conditions combined, instead
# of a join through a link table for every text match.
TERM_ARRAYS = {
    "stage": ("stage_ids", "content_asset_stages", "funnelstage_id", "content_funnelstage"),
    "persona": ("persona_ids", "content_asset_personas", "persona_id", "content_persona"),
    "competitor": ("competitor_ids", "content_asset_competitors", "competitor_id", "content_competitor"),
}
TERM_COLUMNS_SQL = [
    f"ALTER TABLE content_asset ADD COLUMN IF NOT EXISTS {column} integer[] NOT NULL DEFAULT '{{}}'"
    for column, *_ in TERM_ARRAYS.values()
]
# stage, persona and competitor filters
TERM_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS asset_term_ids ON content_asset USING gin (stage_ids, persona_ids, competitor_ids)"
)
# idempotent: migration 0004 creates the index on a new database, 0006 adds the term arrays to one
# indexed before them
# The words of the library (titles, summaries, bodies, taxonomy names), with a trigram index: a
# misspelt query word is corrected against them before any title is scanned ("batle" → "battle").
WORDS_TABLE = "content_search_word"
WORDS_SQL = [
    f"CREATE TABLE IF NOT EXISTS {WORDS_TABLE} (word varchar(40) PRIMARY KEY)",
    f"CREATE INDEX IF NOT EXISTS search_word_trgm ON {WORDS_TABLE} USING gin (word gin_trgm_ops)",
]
CREATE_SQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE content_asset ADD COLUMN IF NOT EXISTS search_vector tsvector",
    *TERM_COLUMNS_SQL,
    *WORDS_SQL,
    # A search reads the row of every match: keep rows narrow by moving long texts out of line
    # (body, summary, file text) and keep the vectors inline, uncompressed, so neither matching
    # nor ranking pays a de-TOAST per row (the tail latency of broad queries).
    "ALTER TABLE content_asset ALTER COLUMN search_vector SET STORAGE MAIN, "
    "ALTER COLUMN body SET STORAGE EXTERNAL, "
    "ALTER COLUMN summary SET STORAGE EXTERNAL, ALTER COLUMN file_text SET STORAGE EXTERNAL",
    "ALTER TABLE content_asset SET (toast_tuple_target = 1600)",
    # full-text match of the library search and the assets API
    "CREATE INDEX IF NOT EXISTS asset_search_vector ON content_asset USING gin (search_vector)",
    # typo tolerance: title word similarity ("batle card")
    "CREATE INDEX IF NOT EXISTS asset_title_trgm ON content_asset USING gin (title gin_trgm_ops)",
    TERM_INDEX_SQL,
]
DROP_SQL = [
    f"DROP TABLE IF EXISTS {WORDS_TABLE}",
    "DROP INDEX IF EXISTS asset_term_ids",
    *[f"ALTER TABLE content_asset DROP COLUMN IF EXISTS {column}" for column, *_ in TERM_ARRAYS.values()],
    "DROP INDEX IF EXISTS asset_title_trgm",
    "DROP INDEX IF EXISTS asset_search_vector",
    "ALTER TABLE content_asset RESET (toast_tuple_target)",
    "ALTER TABLE content_asset DROP COLUMN IF EXISTS search_vector",
]


def tsquery_sql(parsed: ParsedQuery):
    """The websearch query, with the word still being typed matched as a prefix."""
    if not parsed.typing:
        return "websearch_to_tsquery('english', %s)", [parsed.raw]
    joiner = "||" if parsed.clauses[-1].or_before else "&&"
    return (
        f"(websearch_to_tsquery('english', %s) {joiner} to_tsquery('english', %s))",
        [parsed.head, f"{parsed.typing}:*"],
    )


# A broad query ("pricing") matches a tenth of the library; ranking every match costs a ts_rank per
# row. Only the RANK_CANDIDATES matches with the most won-deal support are ranked by text: as many as
# the capped count shows (and one more, which tells that there are more), more than any rep pages
# through, and the ones the blend would favour anyway.
RANK_CANDIDATES = COUNT_CAP + 1


class TextMatch(Expression):
    """`search_vector @@ query` on whatever alias the asset table has (also inside subqueries)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, parsed: ParsedQuery):
        super().__init__()
        self.parsed = parsed

    def as_sql(self, compiler, connection):
        alias = next(iter(compiler.query.alias_map))
        tsquery, params = tsquery_sql(self.parsed)
        return f"{compiler.quote_name_unless_alias(alias)}.search_vector @@ {tsquery}", params


def match_ids_sql(parsed: ParsedQuery):
    tsquery, params = tsquery_sql(parsed)
    return f"SELECT id FROM content_asset WHERE search_vector @@ {tsquery}", params  # noqa: S608


def ranked(queryset, parsed: ParsedQuery, today, ordering: str):
    """(the matches in order, how many there are up to RANK_CANDIDATES), from one candidate query
    that also ranks and sorts them: the page is then read by primary key, and the caller needs no
    existence check nor count query of its own."""
    tsquery, params = tsquery_sql(parsed)
    # "+ 0": no index provides this order, so the planner takes the GIN index and sorts the
    # matches, instead of walking the whole support index and testing every row.
    by_support = (F("won_deal_count") + Value(0)).desc()
    candidates = queryset.filter(TextMatch(parsed)).order_by(by_support, "-id").values("id")
    try:
        inner, inner_params = candidates[:RANK_CANDIDATES].query.sql_with_params()
    except EmptyResultSet:  # a filter that nothing can pass, such as an unknown stage
        return queryset.none(), 0
    # Rank the candidates by text: their vectors read again by primary key (cheaper than carrying
    # every match's vector through the sort by support).
    score = blend_sql(f"ts_rank(a.search_vector, {tsquery})", table="a")
    order = order_sql(ordering, score, "a")
    order_params = [*params, today] if score in order else []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.id FROM ({inner}) c JOIN content_asset a ON a.id = c.id ORDER BY {order}",  # noqa: S608
            [*inner_params, *order_params],
        )
        ids = [row[0] for row in cursor.fetchall()]
    # The candidates passed every filter already: a page of them is read by primary key, in order.
    return RankedQuerySet.of(queryset.model, ids), len(ids)


class RankedQuerySet(AssetQuerySet):
    """The assets of a ranked list of ids, in that order. A slice (a page) reads only the assets of
    that slice: 20 rows by primary key, whatever the number of candidates."""

    ranked_ids = None

    @classmethod
    def of(cls, model, ids: list[int]) -> "RankedQuerySet":
        queryset = cls(model=model)._in_order(ids)
        queryset.ranked_ids = ids
        return queryset

    def _in_order(self, ids):
        return self.extra(  # noqa: S610 - constant SQL
            where=["content_asset.id = ANY(%s)"],
            params=[ids],
            select={"search_position": "array_position(%s::integer[], content_asset.id)"},
            select_params=[ids],
        ).order_by("search_position")

    def _clone(self):
        clone = super()._clone()
        clone.ranked_ids = self.ranked_ids
        return clone

    def _filter_or_exclude(self, negate, args, kwargs):
        clone = super()._filter_or_exclude(negate, args, kwargs)
        clone.ranked_ids = None  # a filter after ranking: slices are ordinary SQL slices again
        return clone

    def __getitem__(self, k):
        if self.ranked_ids is not None and isinstance(k, slice) and self._result_cache is None:
            page = self._in_order(self.ranked_ids[k])
            page.ranked_ids = None
            return page
        return super().__getitem__(k)

    def count(self):
        return len(self.ranked_ids) if self.ranked_ids is not None and self._result_cache is None else super().count()

    def exists(self):
        return bool(self.ranked_ids) if self.ranked_ids is not None and self._result_cache is None else super().exists()


def typo_candidates(parsed: ParsedQuery, threshold: float, limit: int) -> list[tuple[int, float]]:
    query = " ".join(parsed.words)
    if not query:
        return []
    with connection.cursor() as cursor:
        # `<%` uses the GIN trigram index with pg_trgm's default threshold (0.6); the explicit
        # comparison keeps the threshold ours if that default is changed on the server.
        cursor.execute(
            "SELECT id, word_similarity(%s, title) AS sim FROM content_asset "
            "WHERE %s <%% title AND word_similarity(%s, title) >= %s ORDER BY sim DESC, id DESC LIMIT %s",
            [query, query, query, threshold, limit],
        )
        return [(pk, float(sim)) for pk, sim in cursor.fetchall()]


class TermFilter(Expression):
    """`<alias>.stage_ids @> ARRAY[id]` (or persona, competitor) on whatever alias the asset table has."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, facet: str, term_id: int):
        super().__init__()
        self.column, self.term_id = TERM_ARRAYS[facet][0], term_id

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(next(iter(compiler.query.alias_map)))
        return f"{alias}.{self.column} @> ARRAY[%s]::integer[]", [self.term_id]


def resolve_terms(slugs: dict[str, str]) -> dict[str, int | None]:
    """{facet: id} for {facet: slug} (None for an unknown slug), in one query. A literal id lets the
    planner estimate how many assets carry it, and so combine the two GIN indexes when it pays."""
    if not slugs:
        return {}
    parts, params = [], []
    for facet, slug in slugs.items():
        parts.append(f"SELECT %s, id FROM {TERM_ARRAYS[facet][3]} WHERE slug = %s")  # noqa: S608 - fixed table names
        params += [facet, slug]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        found = dict(cursor.fetchall())
    return {facet: found.get(facet) for facet in slugs}


def filter_by_term(queryset, facet: str, term_id: int | None):
    """The assets labelled with this stage, persona or competitor (none for an unknown one)."""
    return queryset.none() if term_id is None else queryset.filter(TermFilter(facet, term_id))


_TERMS_SQL = ", ".join(
    f"{column} = ARRAY(SELECT l.{term} FROM {link} l WHERE l.asset_id = a.id ORDER BY l.{term})"  # noqa: S608
    for column, link, term, _ in TERM_ARRAYS.values()
)


TERM_ARRAYS_UPDATE_SQL = f"UPDATE content_asset a SET {_TERMS_SQL}"  # noqa: S608 - fixed names
# Words of 3 to 40 letters; a word that leaves the library stays in the dictionary until the next
# full rebuild (a correction to it then finds nothing, and the title fallback answers).
_WORDS_INSERT_SQL = (
    f"INSERT INTO {WORDS_TABLE} (word) SELECT DISTINCT w FROM content_asset a, unnest(tsvector_to_array("  # noqa: S608
    "to_tsvector('simple', coalesce(a.title, '') || ' ' || coalesce(a.summary, '') || ' ' || "
    "coalesce(a.body, '') || ' ' || " + _TAXONOMY_SQL + "))) w WHERE w ~ '^[[:alpha:]]{3,40}$' {where} "
    "ON CONFLICT DO NOTHING"
)


def update_index(asset_ids=None, content_type_id=None) -> None:
    ct = {"ct": int(content_type_id or 0)}
    assignments = f"search_vector = {_VECTOR_SQL % ct}, {_TERMS_SQL}"
    with connection.cursor() as cursor:
        if asset_ids is None:
            cursor.execute(f"UPDATE content_asset a SET {assignments}")  # noqa: S608
            rebuild_words(content_type_id, cursor)
            return
        asset_ids = [int(pk) for pk in asset_ids]
        if asset_ids:
            cursor.execute(
                f"UPDATE content_asset a SET {assignments} WHERE a.id = ANY(%s)",  # noqa: S608
                [asset_ids],
            )
            cursor.execute(_WORDS_INSERT_SQL.replace("{where}", "AND a.id = ANY(%(ids)s)"), {**ct, "ids": asset_ids})


def rebuild_words(content_type_id, cursor) -> None:
    """The word dictionary anew from every asset (a full rebuild drops the words no longer used)."""
    cursor.execute(f"TRUNCATE {WORDS_TABLE}")
    cursor.execute(_WORDS_INSERT_SQL.replace("{where}", "") % {"ct": int(content_type_id or 0)})


def corrections(words: list[str]) -> dict[str, str]:
    """{misspelt word: the most similar word of the library} for the query words the library does
    not contain, in one query over the word dictionary's trigram index."""
    words = [w for w in dict.fromkeys(words) if is_dictionary_word(w)]
    if not words:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT q.w, (SELECT d.word FROM {WORDS_TABLE} d WHERE d.word %% q.w "  # noqa: S608 - fixed names
            f"AND similarity(d.word, q.w) >= %s ORDER BY similarity(d.word, q.w) DESC, d.word LIMIT 1) "
            f"FROM unnest(%s::text[]) q(w) WHERE NOT EXISTS (SELECT 1 FROM {WORDS_TABLE} d WHERE d.word = q.w)",
            [SPELLING_THRESHOLD, words],
        )
        return {word: fix for word, fix in cursor.fetchall() if fix}


def remove_from_index(asset_ids=None, cursor=None) -> None:
    """Nothing to do: the vector lives on the asset's own row."""
