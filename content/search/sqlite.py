"""SQLite backend: an FTS5 table (porter stemming, bm25) and a trigram FTS5 table over titles for
typos, both keyed by the asset id and kept in step by `update_index` / `remove_from_index`."""

import json
from dataclasses import replace

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Lookup
from django.db.models.expressions import RawSQL

from ..models import Asset, AssetText
from .paging import COUNT_CAP, RankedAssets
from .query import (
    SPELLING_THRESHOLD,
    STOP_WORDS,
    ParsedQuery,
    dictionary_words,
    is_dictionary_word,
    similarity,
    trigrams,
    word_similarity,
)
from .ranking import ORDERINGS_BY_COLUMN, RANK_CANDIDATES, blended, order_queryset

FTS_TABLE = "content_asset_fts"
TOKENIZE = "porter unicode61 remove_diacritics 2"  # the full-text table's: words as their stems
TRIGRAM_TABLE = "content_asset_trgm"
# The terms of the full-text index (each a stem), read in order (fts5vocab; migration 0032).
TERMS_TABLE = "content_asset_fts_terms"
# The words of the library, and a trigram FTS5 table over them, to correct misspelt query words;
# each word with its stem, the term the full-text index holds for it (migration 0032).
WORDS_TABLE = "content_search_word"
WORDS_TRIGRAM_TABLE = "content_search_word_trgm"
WORDS_SQL = [
    f"CREATE TABLE IF NOT EXISTS {WORDS_TABLE} (word varchar(40) PRIMARY KEY, stem varchar(40))",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {WORDS_TRIGRAM_TABLE} USING fts5(word, tokenize='trigram')",
]
# Where words are turned into their stems by the full-text table's own tokenizer (`stems`): a
# table of this connection's, never written to the database file.
STEMMER_TABLE = "content_search_stemmer"
STEMMER_SQL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{STEMMER_TABLE} USING fts5(word, tokenize='{TOKENIZE}')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{STEMMER_TABLE}_terms USING fts5vocab(temp, {STEMMER_TABLE}, 'instance')",
]
# The relevance of a match (AssetText.relevance, a view made by migration 0016) is -bm25 with the
# weights title 10, summary 4, taxonomy 4, body 2, file text 1: the ratios of PostgreSQL's weights
# A, B, B, C, D.

CREATE_SQL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    f"title, summary, taxonomy, body, file_text, tokenize='{TOKENIZE}')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TERMS_TABLE} USING fts5vocab({FTS_TABLE}, 'row')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TRIGRAM_TABLE} USING fts5(title, tokenize='trigram')",
    *WORDS_SQL,
    # Deletes are kept in step by the database itself, whoever deletes (ORM, cascade, raw SQL).
    "CREATE TRIGGER IF NOT EXISTS content_asset_fts_delete AFTER DELETE ON content_asset BEGIN "  # noqa: S608
    f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id; DELETE FROM {TRIGRAM_TABLE} WHERE rowid = old.id; END",
]
DROP_SQL = [
    f"DROP TABLE IF EXISTS {WORDS_TRIGRAM_TABLE}",
    f"DROP TABLE IF EXISTS {WORDS_TABLE}",
    "DROP TRIGGER IF EXISTS content_asset_fts_delete",
    f"DROP TABLE IF EXISTS {TERMS_TABLE}",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
    f"DROP TABLE IF EXISTS {TRIGRAM_TABLE}",
]

_TAXONOMY_SQL = """
coalesce((SELECT group_concat(t.name, ' ') FROM taggit_taggeditem ti JOIN taggit_tag t ON t.id = ti.tag_id
          WHERE ti.object_id = a.id AND ti.content_type_id = %(ct)s), '') || ' ' ||
coalesce((SELECT group_concat(p.name, ' ') FROM content_asset_personas ap JOIN content_persona p
          ON p.id = ap.persona_id WHERE ap.asset_id = a.id), '') || ' ' ||
coalesce((SELECT group_concat(c.name, ' ') FROM content_asset_competitors ac JOIN content_competitor c
          ON c.id = ac.competitor_id WHERE ac.asset_id = a.id), '')
"""


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def fts_query(parsed: ParsedQuery) -> str:
    """The websearch syntax translated to FTS5: implicit AND, OR, NOT, "phrases", prefix*."""
    parts: list[str] = []
    leading_exclusions: list[str] = []
    last_positive = parsed.positive[-1] if parsed.positive else None
    for clause in parsed.clauses:
        words = [w for w in clause.words if w not in STOP_WORDS] if not clause.phrase else list(clause.words)
        if not words:
            continue
        if clause.phrase:
            term = _quote(" ".join(words))
        else:
            term = _quote(words[0])
            if clause is last_positive and parsed.typing:
                term += "*"
        if clause.excluded:
            (parts if parts else leading_exclusions).append(f"NOT {term}")
            continue
        if clause.or_before and parts:
            parts.append(f"OR {term}")
        else:
            parts.append(term)
        if leading_exclusions:
            # FTS5's NOT needs a left operand: "-legacy pricing" becomes "pricing NOT legacy".
            parts.extend(leading_exclusions)
            leading_exclusions.clear()
    return " ".join(parts)


def search_rows():
    """Searches filter the assets themselves (the full-text rows are joined through AssetText)."""
    return Asset.objects.all()


def resolve_terms(slugs: dict[str, str]) -> dict[str, str]:
    return slugs  # filtered by slug through the link tables


def filter_by_term(queryset, facet: str, slug: str):
    """The assets labelled with the stage, persona or competitor of this slug."""
    return getattr(queryset, f"for_{facet}")(slug)


def match_ids_sql(parsed: ParsedQuery):
    return f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [fts_query(parsed)]  # noqa: S608


def can_match(parsed: ParsedQuery) -> bool:
    return bool(fts_query(parsed))


class Match(Lookup):
    """`document MATCH query`: the full-text match of the FTS5 table behind AssetText."""

    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


AssetText._meta.get_field("document").register_lookup(Match)

# A broad query ("pricing") matches a tenth of the library, and its text relevance (bm25, which
# reads each match's column sizes) costs more per match than finding the match: computed for every
# match it was most of a search. As on PostgreSQL (ranking.RANK_CANDIDATES), only the matches with
# the most won-deal support are ranked by text, with any pinned match; they are picked without bm25
# (see `_candidates`).
# The text relevance of a match, as AssetText.relevance (the view of migration 0017) computes it.
RELEVANCE_SQL = f"-bm25({FTS_TABLE}, 10.0, 4.0, 4.0, 2.0, 1.0)"
# What a search reads of each matching asset (visibility, kind, support, dates), keyed by its id
# (migration 0026): a narrow index instead of the asset's whole row.
SEARCH_COLUMNS_INDEX = "asset_search_columns"
# The assets with won-deal support, by id (migration 0031); a search lists them while they are few.
SUPPORTED_INDEX = "asset_supported"
SUPPORTED_LISTED = 5_000


def ranked(queryset, parsed: ParsedQuery, today, ordering: str, boosts=None):
    """(the matching assets in order, how many there are up to COUNT_CAP + 1), from three queries
    by relevance (`_search_facts`, the candidates, their ranking) and one by another order: the
    page is then read by primary key, and the caller needs no existence check nor count query of
    its own. `boosts`: see ranking. The candidates are picked after the filters.

    By relevance, the RANK_CANDIDATES candidates (`_candidates`) and the pinned matches are ranked
    by the blend, bm25 computed for them alone; a word still being typed that no other term of the
    index extends is matched as the word (see `_search_facts`). By another order, every match is
    sorted by it."""
    query = fts_query(parsed)
    if ordering in ORDERINGS_BY_COLUMN:
        return _ids(order_queryset(queryset.filter(full_text__document__match=query), ordering))
    few_supported, whole_word = _search_facts(parsed.typing)
    if whole_word:
        query = fts_query(replace(parsed, typing=""))  # the same matches and scores as the prefix
    ids = _candidates(queryset, query, few_supported=few_supported)
    ids += [int(pk) for pk in (boosts.pinned if boosts else ()) if int(pk) not in ids]
    if not ids:
        return RankedAssets.of(Asset, []), 0
    # The full-text list walked once more, bm25 computed only for the candidates: `+rowid` keeps
    # the list of ids a filter on the rows found, not a lookup of each id (which runs the match again).
    scored = (
        f"(SELECT rowid AS id, {RELEVANCE_SQL} AS relevance FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608
        "AND +rowid IN (SELECT value FROM json_each(%s)))"
    )
    best = _best(queryset, scored, [query, json.dumps(ids)], today=today, boosts=boosts)
    return RankedAssets.of(Asset, best), len(best)


def _candidates(queryset, query: str, *, few_supported: bool) -> list[int]:
    """The ids of the RANK_CANDIDATES matches among `queryset` with the most won-deal support, the
    newest (highest id) first among equals, from one statement; each match's asset is read by id
    from SEARCH_COLUMNS_INDEX and kept when it passes the filters.

    While few assets have support (`few_supported`: at most SUPPORTED_LISTED, `_search_facts`), the
    statement has two parts, merged here: the supported matches, found by walking the full-text
    list keeping the ids listed by SUPPORTED_INDEX (only they are read) and sorted by support; and
    the newest matches without support, the list walked from its highest id and stopped at
    RANK_CANDIDATES, with no sort.
    Otherwise every match is read and the best kept by a top-N sort by support. Sorting every match
    cost more than reading it: "pricing" (12,000 matches) took 16 ms so, 2.4 ms in two parts."""
    matches = f"(SELECT rowid AS id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"  # noqa: S608
    newest = RawSQL("candidate.id", ()).desc()  # noqa: S611 - constant SQL
    if not few_supported:
        best = queryset.order_by("-won_deal_count", newest).values_list("pk")[:RANK_CANDIDATES]
        return [pk for (pk,) in _joined(best, matches, [query], key="id", index=SEARCH_COLUMNS_INDEX)]
    supported_matches = (
        f"(SELECT rowid AS id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND +rowid IN "  # noqa: S608
        f"(SELECT id FROM {Asset._meta.db_table} INDEXED BY {SUPPORTED_INDEX} WHERE won_deal_count > 0))"
    )
    parts = [
        (queryset.filter(won_deal_count__gt=0).order_by("-won_deal_count", newest), supported_matches),
        (queryset.filter(won_deal_count=0).order_by(newest), matches),
    ]
    statements = []
    for part, source in parts:
        rows = part.values_list("pk", "won_deal_count")[:RANK_CANDIDATES]
        if statement := _joined_sql(rows, source, [query], key="id", index=SEARCH_COLUMNS_INDEX):
            statements.append(statement)
    if not statements:
        return []
    sql = " UNION ALL ".join(f"SELECT * FROM ({sql})" for sql, _, _ in statements)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for _, params, _ in statements for param in params])
        found = cursor.fetchall()
    found.sort(key=lambda row: (-row[1], -row[0]))  # (support, id): the order of both parts
    return [pk for pk, _ in found[:RANK_CANDIDATES]]


def _search_facts(typing: str) -> tuple[bool, bool]:
    """(whether at most SUPPORTED_LISTED assets have won-deal support, whether the word being typed
    is a whole word of the index) from one statement.

    The first: SUPPORTED_INDEX read that far. The second: a word still being typed ("migration",
    no space after it yet) is a prefix, and FTS5 matches a prefix by merging the lists of every term
    that starts with the word's stem ("migrat*"), in each statement of the search and again for
    bm25's weights: the slowest part of a search for a common word ("data migration" at 100,000
    assets: its three full-text walks 22 ms as a prefix, 12 ms as the word). When the word is in
    the library's words (its stem read there, as the index's tokenizer gave it, `stems`) and no
    other term of the index starts with that stem (TERMS_TABLE, read from just after the stem
    itself, so that no term's list is read), the prefix matches exactly the stem's list: the same
    assets, with the same bm25. Typing "time" while "timeline" is in the library stays a prefix."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM (SELECT 1 FROM {Asset._meta.db_table} INDEXED BY {SUPPORTED_INDEX} "  # noqa: S608
            "WHERE won_deal_count > 0 LIMIT %s)), "
            f"EXISTS (SELECT 1 FROM {WORDS_TABLE} w WHERE w.word = %s AND w.stem IS NOT NULL AND NOT EXISTS ("
            f"SELECT 1 FROM {TERMS_TABLE} t WHERE t.term >= w.stem || char(1) AND t.term < w.stem || char(1114111)))",
            [SUPPORTED_LISTED + 1, typing],
        )
        supported, whole_word = cursor.fetchone()
    return supported <= SUPPORTED_LISTED, bool(typing) and bool(whole_word)


def _best(queryset, source: str, params: list, *, today, boosts) -> list[int]:
    """The ids of the first COUNT_CAP + 1 assets of `queryset` that are rows of `source` (SQL of
    full-text matches: their id and relevance), in the blend's order: one statement. Each match's
    asset is read by id from SEARCH_COLUMNS_INDEX and filtered as `queryset` filters; the score is
    `ranking.blended` of the match's relevance, tied by newest, then highest id."""
    score = blended(RawSQL("candidate.relevance", ()), today=today, boosts=boosts)  # noqa: S611 - constant SQL
    best = order_queryset(queryset.alias(score=score), "relevance").values_list("pk")[: COUNT_CAP + 1]
    return [pk for (pk,) in _joined(best, source, params, key="id", index=SEARCH_COLUMNS_INDEX)]


def rows_of(rows, ids: list[int]) -> list[tuple]:
    """The rows of `rows` (a values_list of an asset queryset) whose asset is one of `ids`, each
    asset read by primary key: the ids (one JSON parameter) drive the query, joined to the assets
    by CROSS JOIN, which SQLite never reorders. Asked as `id IN (...)` instead, SQLite takes an
    index on status for the more selective-looking condition (a rep sees published assets) and
    tests every published asset against the list. Values are converted as the ORM would."""
    return _joined(rows, "json_each(%s)", [json.dumps([int(pk) for pk in ids])], key="value")


def _joined(rows, source: str, source_params: list, *, key: str, index: str = "") -> list[tuple]:
    """The rows of `rows` (a values_list of an asset queryset) whose asset is a row of `source`
    (SQL of a table or a subquery, named `candidate` here, its asset id in column `key`): the
    source drives the query, each of its rows joined to its asset by id (CROSS JOIN, which SQLite
    never reorders), through `index` when one is named (else by primary key). The source's columns
    may appear in `rows` as RawSQL ("candidate.relevance"). Values are converted as the ORM would."""
    statement = _joined_sql(rows, source, source_params, key=key, index=index)
    if statement is None:
        return []
    sql, params, compiler = statement
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found_rows = cursor.fetchall()
    converters = compiler.get_converters([column for column, *_ in compiler.select[: compiler.col_count]])
    return [tuple(row) for row in compiler.apply_converters(found_rows, converters)] if converters else found_rows


def _joined_sql(rows, source: str, source_params: list, *, key: str, index: str = ""):
    """(the SQL, its parameters, the compiler that made it) of `_joined`; None when `rows` can
    match nothing."""
    compiler = rows.query.get_compiler(using=rows.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    table = connection.ops.quote_name(Asset._meta.db_table)
    head, found, tail = sql.partition(f" FROM {table} ")
    if not found:
        raise ValueError("not a query over the assets")
    by = f" INDEXED BY {connection.ops.quote_name(index)}" if index else ""
    joined = f' FROM {source} AS candidate CROSS JOIN {table}{by} ON {table}."id" = candidate.{key} '  # noqa: S608
    at = head.count("%s")  # the parameters of the select list come first
    return head + joined + tail, [*params[:at], *source_params, *params[at:]], compiler


def _ids(ordered):
    ids = list(ordered.values_list("pk", flat=True)[: COUNT_CAP + 1])
    return RankedAssets.of(Asset, ids), len(ids)


def corrections(words: list[str]) -> dict[str, str]:
    """{misspelt word: the most similar word of the library} for the query words the library does
    not contain: candidates sharing trigrams from the FTS5 trigram table, scored like pg_trgm."""
    words = [w for w in dict.fromkeys(words) if is_dictionary_word(w)]
    if not words:
        return {}
    fixes = {}
    with connection.cursor() as cursor:
        marks = ",".join(["%s"] * len(words))
        cursor.execute(f"SELECT word FROM {WORDS_TABLE} WHERE word IN ({marks})", words)  # noqa: S608
        known = {row[0] for row in cursor.fetchall()}
        for word in words:
            grams = sorted({word[i : i + 3] for i in range(len(word) - 2)})
            if word in known or not grams:
                continue
            cursor.execute(
                f"SELECT word FROM {WORDS_TRIGRAM_TABLE} WHERE {WORDS_TRIGRAM_TABLE} MATCH %s "  # noqa: S608
                f"ORDER BY bm25({WORDS_TRIGRAM_TABLE}) LIMIT 50",
                [" OR ".join(_quote(g) for g in grams)],
            )
            scored = [(similarity(word, found), found) for (found,) in cursor.fetchall()]
            scored = sorted(scored, key=lambda pair: (-pair[0], pair[1]))
            if scored and scored[0][0] >= SPELLING_THRESHOLD:
                fixes[word] = scored[0][1]
    return fixes


def typo_candidates(parsed: ParsedQuery, threshold: float, limit: int) -> list[tuple[int, float]]:
    """Titles sharing most trigrams with the query's words, as (id, similarity) pairs."""
    grams = sorted({g for w in parsed.words for g in trigrams(w) if g.strip() and " " not in g})
    if not grams:
        return []
    match = " OR ".join(_quote(g) for g in grams)
    query = " ".join(parsed.words)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, title FROM {TRIGRAM_TABLE} WHERE {TRIGRAM_TABLE} MATCH %s "  # noqa: S608
            f"ORDER BY bm25({TRIGRAM_TABLE}) LIMIT %s",
            [match, limit * 4],
        )
        rows = cursor.fetchall()
    scored = [(pk, word_similarity(query, title)) for pk, title in rows]
    scored = [(pk, sim) for pk, sim in scored if sim >= threshold]
    scored.sort(key=lambda pair: (-pair[1], -pair[0]))
    return scored[:limit]


def update_index(asset_ids=None, content_type_id=None) -> None:
    """Rewrite the index rows of the given assets (all when None) in one statement per table."""
    where, params = "", []
    if asset_ids is not None:
        asset_ids = [int(pk) for pk in asset_ids]
        if not asset_ids:
            return
        where = " WHERE a.id IN (" + ",".join(["%s"] * len(asset_ids)) + ")"
        params = asset_ids
    taxonomy = _TAXONOMY_SQL % {"ct": int(content_type_id or 0)}
    with connection.cursor() as cursor:
        remove_from_index(asset_ids, cursor=cursor)
        cursor.execute(
            f"INSERT INTO {FTS_TABLE}(rowid, title, summary, taxonomy, body, file_text) "  # noqa: S608
            f"SELECT a.id, a.title, a.summary, {taxonomy}, a.body, a.file_text FROM content_asset a{where}",
            params,
        )
        cursor.execute(
            f"INSERT INTO {TRIGRAM_TABLE}(rowid, title) SELECT a.id, a.title FROM content_asset a{where}",  # noqa: S608
            params,
        )
        add_words(cursor, asset_ids)


def add_words(cursor, asset_ids=None) -> None:
    """Add the words of these assets (all when None, starting afresh) to the word dictionary."""
    where, params = "", []
    if asset_ids is None:
        cursor.execute(f"DELETE FROM {WORDS_TABLE}")  # noqa: S608
        cursor.execute(f"DELETE FROM {WORDS_TRIGRAM_TABLE}")  # noqa: S608
    else:
        where = " WHERE rowid IN (" + ",".join(["%s"] * len(asset_ids)) + ")"
        params = list(asset_ids)
    cursor.execute(f"SELECT title, summary, taxonomy, body FROM {FTS_TABLE}{where}", params)  # noqa: S608
    words = set()
    for row in cursor.fetchall():
        words |= dictionary_words(*row)
    words = sorted(words)
    new = []
    for start in range(0, len(words), 500):
        chunk = words[start : start + 500]
        marks = ",".join(["%s"] * len(chunk))
        cursor.execute(f"SELECT word FROM {WORDS_TABLE} WHERE word IN ({marks})", chunk)  # noqa: S608
        known = {row[0] for row in cursor.fetchall()}
        new += [w for w in chunk if w not in known]
    if new:
        stem_of = stems(cursor, new)
        cursor.executemany(
            f"INSERT INTO {WORDS_TABLE}(word, stem) VALUES (%s, %s)",  # noqa: S608
            [(w, stem_of.get(w)) for w in new],
        )
        cursor.executemany(f"INSERT INTO {WORDS_TRIGRAM_TABLE}(word) VALUES (%s)", [(w,) for w in new])  # noqa: S608


def stems(cursor, words: list[str]) -> dict[str, str]:
    """{word: the one term the full-text index holds for it} (a word the tokenizer splits in two,
    or drops, has none), as the index's own tokenizer gives it: the words are written to a table
    of this connection's with the same tokenizer, its terms read back, and the table emptied."""
    for statement in STEMMER_SQL:
        cursor.execute(statement)
    cursor.execute(f"DELETE FROM temp.{STEMMER_TABLE}")  # noqa: S608
    cursor.executemany(f"INSERT INTO temp.{STEMMER_TABLE}(rowid, word) VALUES (%s, %s)", list(enumerate(words)))  # noqa: S608
    cursor.execute(f"SELECT doc, term FROM temp.{STEMMER_TABLE}_terms")  # noqa: S608
    terms: dict[int, set[str]] = {}
    for doc, term in cursor.fetchall():
        terms.setdefault(doc, set()).add(term)
    cursor.execute(f"DELETE FROM temp.{STEMMER_TABLE}")  # noqa: S608
    return {words[doc]: found.pop() for doc, found in terms.items() if len(found) == 1}


def remove_from_index(asset_ids=None, cursor=None) -> None:
    if cursor is None:
        with connection.cursor() as own_cursor:
            return remove_from_index(asset_ids, own_cursor)
    for table in (FTS_TABLE, TRIGRAM_TABLE):
        if asset_ids is None:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        elif asset_ids:
            marks = ",".join(["%s"] * len(asset_ids))
            cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", list(asset_ids))  # noqa: S608
    return None
