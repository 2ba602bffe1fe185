"""PostgreSQL backend: a narrow search row per asset (`content_asset_search`) holding a stored,
weighted tsvector (GIN-indexed), the asset's visibility and support columns and the ids of its
stages, personas and competitors (GIN-indexed arrays); queried with websearch_to_tsquery('english',
...); pg_trgm word similarity over titles and a dictionary of the library's words for typos.

Why a row of its own: a broad query ("pricing") matches a tenth of the library, and the search reads
the row of every match to filter it by visibility and pick the best supported. Those rows are a
third as wide as an asset's and carry only the columns the search needs, so that read is cheap; a
stage or persona filter is a second GIN condition on the same row instead of a join.

The table is not a Django-managed table: a vendor-aware migration creates it, triggers on
content_asset copy the asset's status, kind, release dates and support into it on every insert and
update (whoever writes: the ORM, a bulk update, raw SQL), and delete it with the asset; the vector
and the term ids are written by `update_index`, called by the signal receivers and bulk loads.
"""

from django.contrib.postgres.search import SearchQuery
from django.db import connection, transaction
from django.db.models import BigIntegerField, ExpressionWrapper, F, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from ..models.assets import Asset, AssetSearchRow
from .paging import COUNT_CAP, RankedAssets
from .query import SPELLING_THRESHOLD, ParsedQuery, is_dictionary_word
from .ranking import RANK_CANDIDATES, blend_params, blend_sql

SEARCH_TABLE = "content_asset_search"

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
# facet: (column on the search row, link table, its term column, term table)
TERM_ARRAYS = {
    "stage": ("stage_ids", "content_asset_stages", "funnelstage_id", "content_funnelstage"),
    "persona": ("persona_ids", "content_asset_personas", "persona_id", "content_persona"),
    "competitor": ("competitor_ids", "content_asset_competitors", "competitor_id", "content_competitor"),
}
# The columns the triggers copy from content_asset.
_COPIED = ("status", "kind", "published_at", "expires_on", "review_by", "won_deal_count")
_SYNC_FUNCTION = f"""
CREATE OR REPLACE FUNCTION content_asset_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM {SEARCH_TABLE} WHERE asset_id = OLD.id;
  ELSIF TG_OP = 'TRUNCATE' THEN
    TRUNCATE {SEARCH_TABLE};
  ELSE
    INSERT INTO {SEARCH_TABLE} (asset_id, {", ".join(_COPIED)})
    VALUES (NEW.id, {", ".join("NEW." + c for c in _COPIED)})
    ON CONFLICT (asset_id) DO UPDATE SET {", ".join(f"{c} = EXCLUDED.{c}" for c in _COPIED)};
  END IF;
  RETURN NULL;
END $$"""  # noqa: S608 - fixed names
_CHANGED = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _COPIED)
_TRIGGERS = {
    "content_asset_search_insert": "AFTER INSERT ON content_asset FOR EACH ROW",
    "content_asset_search_update": f"AFTER UPDATE OF {', '.join(_COPIED)} ON content_asset FOR EACH ROW "
    f"WHEN ({_CHANGED})",
    "content_asset_search_delete": "AFTER DELETE ON content_asset FOR EACH ROW",
    "content_asset_search_truncate": "AFTER TRUNCATE ON content_asset FOR EACH STATEMENT",
}
# The words of the library (titles, summaries, bodies, taxonomy names), with a trigram index: a
# misspelt query word is corrected against them before any title is scanned ("batle" → "battle").
WORDS_TABLE = "content_search_word"
WORDS_SQL = [
    f"CREATE TABLE IF NOT EXISTS {WORDS_TABLE} (word varchar(40) PRIMARY KEY)",
    f"CREATE INDEX IF NOT EXISTS search_word_trgm ON {WORDS_TABLE} USING gin (word gin_trgm_ops)",
]
# Idempotent: migration 0004 runs it on a new database, 0006 on one indexed the older way.
CREATE_SQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"""CREATE TABLE IF NOT EXISTS {SEARCH_TABLE} (
        asset_id integer PRIMARY KEY,
        search_vector tsvector,
        status varchar(20) NOT NULL,
        kind varchar(20) NOT NULL,
        published_at timestamp with time zone NULL,
        expires_on date NULL,
        review_by date NULL,
        won_deal_count integer NOT NULL DEFAULT 0,
        stage_ids integer[] NOT NULL DEFAULT '{{}}',
        persona_ids integer[] NOT NULL DEFAULT '{{}}',
        competitor_ids integer[] NOT NULL DEFAULT '{{}}'
    )""",
    # the vector inline and uncompressed: neither matching nor ranking pays a de-TOAST per row
    f"ALTER TABLE {SEARCH_TABLE} ALTER COLUMN search_vector SET STORAGE MAIN",
    # full-text match of the library search and the assets API
    f"CREATE INDEX IF NOT EXISTS asset_search_row_vector ON {SEARCH_TABLE} USING gin (search_vector)",
    # stage, persona and competitor filters
    f"CREATE INDEX IF NOT EXISTS asset_search_row_terms ON {SEARCH_TABLE} "
    "USING gin (stage_ids, persona_ids, competitor_ids)",
    # typo tolerance: title word similarity ("batle card")
    "CREATE INDEX IF NOT EXISTS asset_title_trgm ON content_asset USING gin (title gin_trgm_ops)",
    _SYNC_FUNCTION,
    *[f"DROP TRIGGER IF EXISTS {name} ON content_asset" for name in _TRIGGERS],
    *[f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION content_asset_search_sync()" for name, when in _TRIGGERS.items()],
    *WORDS_SQL,
]
DROP_SQL = [
    f"DROP TABLE IF EXISTS {WORDS_TABLE}",
    *[f"DROP TRIGGER IF EXISTS {name} ON content_asset" for name in _TRIGGERS],
    "DROP FUNCTION IF EXISTS content_asset_search_sync()",
    f"DROP TABLE IF EXISTS {SEARCH_TABLE}",
    "DROP INDEX IF EXISTS asset_title_trgm",
]
# Before 0006 the vector was a column of content_asset itself.
OLD_LAYOUT_DROP_SQL = [
    "DROP INDEX IF EXISTS asset_search_vector",
    "ALTER TABLE content_asset DROP COLUMN IF EXISTS search_vector",
]
OLD_LAYOUT_CREATE_SQL = [
    "ALTER TABLE content_asset ADD COLUMN IF NOT EXISTS search_vector tsvector",
    f"UPDATE content_asset a SET search_vector = {_VECTOR_SQL}",  # noqa: S608 - constant SQL
    "CREATE INDEX IF NOT EXISTS asset_search_vector ON content_asset USING gin (search_vector)",
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


# The search rows and their GIN indexes are small and read all the time, so they stay cached: a
# random read costs about what a sequential one does. With PostgreSQL's default of 4 (which assumes
# spinning disks) the planner scans every search row for a broad query instead of the GIN index,
# 3× slower; the candidate query says so for itself rather than relying on the server's setting.
SEARCH_RANDOM_PAGE_COST = 1.1


def search_query(parsed: ParsedQuery) -> SearchQuery:
    """The websearch query, with the word still being typed matched as a prefix (the query of
    `tsquery_sql`, as an expression)."""
    if not parsed.typing:
        return SearchQuery(parsed.raw, search_type="websearch", config="english")
    query = SearchQuery(parsed.head, search_type="websearch", config="english")
    prefix = SearchQuery(f"{parsed.typing}:*", search_type="raw", config="english")
    return query | prefix if parsed.clauses[-1].or_before else query & prefix


def match_ids_sql(parsed: ParsedQuery):
    tsquery, params = tsquery_sql(parsed)
    return f"SELECT asset_id FROM {SEARCH_TABLE} WHERE search_vector @@ {tsquery}", params  # noqa: S608


def rows_of(rows, ids: list[int]) -> list[tuple]:
    """The rows of `rows` (a values_list of an asset queryset) whose asset is one of `ids`."""
    return list(rows.filter(pk__in=ids))


def search_rows():
    """The search rows, filtered like assets: they carry the visibility columns under the asset's
    names (status, kind, published_at, expires_on), so `visible_assets` and the filters apply."""
    return AssetSearchRow.objects.all()


# The orders of `ranking.order_queryset` on a search row; use and revenue are the asset's own.
_ROW_ORDERS = {
    "newest": (F("published_at").desc(nulls_last=True), F("asset_id").desc()),
    "most_used": (F("asset__usage_count").desc(), F("asset__won_deal_count").desc(), F("asset_id").desc()),
    "best_support": (
        F("asset__won_deal_count").desc(),
        F("asset__influenced_revenue").desc(),
        F("asset__usage_count").desc(),
        F("asset_id").desc(),
    ),
}
_BY_RELEVANCE = (F("score").desc(), F("published_at").desc(nulls_last=True), F("asset_id").desc())


def ranked(rows, parsed: ParsedQuery, today, ordering: str, boosts=None):
    """(the matching assets in order, how many there are up to COUNT_CAP + 1), from one query over
    the search rows that picks the candidates (ranking.RANK_CANDIDATES), ranks and sorts them: the
    page is then read by primary key, and the caller needs no existence check nor count query of
    its own. `boosts`: see ranking. The candidates are picked after the filters."""
    # Support, then id, as one bigint key (asset_id is an integer column, below 2^31): no index
    # provides this order, so the planner takes the GIN index and sorts the matches instead of
    # walking the whole support index and testing every row, and the top-N sort of a broad
    # query's ten thousand matches compares one integer instead of two columns.
    # The factor is a bigint too: as a plain integer it is bound as int4, which wraps 2^31 to -2^31
    # and put the most supported matches last.
    shift = Value(2**31, output_field=BigIntegerField())
    by_support = ExpressionWrapper(
        Cast("won_deal_count", BigIntegerField()) * shift + F("asset_id"), output_field=BigIntegerField()
    ).desc()
    matches = rows.filter(search_vector=search_query(parsed))
    candidates = Q(asset_id__in=matches.order_by(by_support).values("asset_id")[:RANK_CANDIDATES])
    if pinned := [int(pk) for pk in (boosts.pinned if boosts else ())]:
        candidates |= Q(asset_id__in=matches.filter(asset_id__in=pinned).values("asset_id"))
    # Rank the candidates: by text (their vectors read again by primary key: cheaper than carrying
    # every match's vector through the sort by support), support and freshness from the search row;
    # the asset itself is read only to sort by use or revenue.
    chosen = AssetSearchRow.objects.filter(candidates)
    order = _ROW_ORDERS.get(ordering)
    if order is None:
        tsquery, params = tsquery_sql(parsed)
        relevance = f"ts_rank({SEARCH_TABLE}.search_vector, {tsquery})"
        score = blend_sql(relevance, table=SEARCH_TABLE, id_column="asset_id", boosts=boosts)
        chosen = chosen.alias(score=RawSQL(score, [*params, *blend_params(today)]))  # noqa: S611 - constant SQL
        order = _BY_RELEVANCE
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL random_page_cost = {SEARCH_RANDOM_PAGE_COST}")
        ids = list(chosen.order_by(*order).values_list("asset_id", flat=True)[: COUNT_CAP + 1])
    # The candidates passed every filter already: a page of them is read by primary key, in order.
    return RankedAssets.of(Asset, ids), len(ids)


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
    """The assets (or search rows) labelled with this stage, persona or competitor (none for an
    unknown one): `stage_ids @> '{id}'` on a search row, through the search row for an asset."""
    if term_id is None:
        return queryset.none()
    labelled = {f"{TERM_ARRAYS[facet][0]}__contains": [term_id]}
    if queryset.model is AssetSearchRow:
        return queryset.filter(**labelled)
    return queryset.filter(pk__in=AssetSearchRow.objects.filter(**labelled).values("asset_id"))


_TERMS_SQL = ", ".join(
    f"ARRAY(SELECT l.{term} FROM {link} l WHERE l.asset_id = a.id ORDER BY l.{term})"  # noqa: S608
    for _, link, term, _ in TERM_ARRAYS.values()
)
_ROW_COLUMNS = ("search_vector", *_COPIED, *[column for column, *_ in TERM_ARRAYS.values()])
_UPSERT_SQL = (
    f"INSERT INTO {SEARCH_TABLE} (asset_id, {', '.join(_ROW_COLUMNS)}) "  # noqa: S608 - fixed names
    f"SELECT a.id, {_VECTOR_SQL}, {', '.join('a.' + c for c in _COPIED)}, {_TERMS_SQL} FROM content_asset a "
    "{where} "
    f"ON CONFLICT (asset_id) DO UPDATE SET {', '.join(f'{c} = EXCLUDED.{c}' for c in _ROW_COLUMNS)}"
)
# Words of 3 to 40 letters; a word that leaves the library stays in the dictionary until the next
# full rebuild (a correction to it then finds nothing, and the title fallback answers).
_WORDS_INSERT_SQL = (
    f"INSERT INTO {WORDS_TABLE} (word) SELECT DISTINCT w FROM content_asset a, unnest(tsvector_to_array("  # noqa: S608
    "to_tsvector('simple', coalesce(a.title, '') || ' ' || coalesce(a.summary, '') || ' ' || "
    "coalesce(a.body, '') || ' ' || " + _TAXONOMY_SQL + "))) w WHERE w ~ '^[[:alpha:]]{3,40}$' {where} "
    "ON CONFLICT DO NOTHING"
)


def update_index(asset_ids=None, content_type_id=None) -> None:
    """Write the search rows of these assets; all when None: the table is written anew (no dead
    rows left behind by a bulk load; searches wait for the rebuild's transaction)."""
    ct = {"ct": int(content_type_id or 0)}
    with connection.cursor() as cursor:
        if asset_ids is None:
            cursor.execute(f"TRUNCATE {SEARCH_TABLE}")
            cursor.execute(_UPSERT_SQL.replace("{where}", "") % ct)
            rebuild_words(content_type_id, cursor)
            return
        asset_ids = [int(pk) for pk in asset_ids]
        if asset_ids:
            where = "WHERE a.id = ANY(%(ids)s)"
            cursor.execute(_UPSERT_SQL.replace("{where}", where), {**ct, "ids": asset_ids})
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
    """Nothing to do: a trigger deletes the search row with its asset."""
