"""Asset search: one interface over a backend per database (the public surface is `__all__`).

`run_search` answers a library page or an API call: the ranked assets plus what the facets and
the analytics need. PostgreSQL and SQLite backends live in `postgres.py` and `sqlite.py`; the
query language in `query.py`; the ranking blend in `ranking.py`.
"""

from dataclasses import dataclass, field, replace

from django.db.models import Case, F, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from ..permissions import visible_assets
from .indexing import backend, rebuild_index, update_index
from .intent import named_kind, pinned_ids
from .query import STOP_WORDS, WORD, ParsedQuery, any_word, parse
from .ranking import Boosts, blend_params, blend_sql
from .ranking import order_queryset as _order

ORDERINGS = {
    "relevance": "Relevance",
    "newest": "Newest",
    "most_used": "Most used",
    "best_support": "Best win support",
}
FILTERS = ("kind", "stage", "persona", "competitor", "tag", "status")
TERM_FILTERS = ("stage", "persona", "competitor")
TYPO_THRESHOLD = 0.6  # pg_trgm's default word similarity threshold, applied on both databases
TYPO_LIMIT = 50
PARTIAL_LIMIT = 100  # the closest partial matches listed when no asset has every word
SEARCH_MODES = {"hybrid": "Keywords and meaning", "semantic": "Meaning only", "keyword": "Keywords only"}


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    kind: str = ""
    stage: str = ""
    persona: str = ""
    competitor: str = ""
    tag: str = ""
    status: str = ""
    ordering: str = "relevance"  # relevance | newest | most_used | best_support
    mode: str = "hybrid"  # hybrid | semantic | keyword (see content/semantic/fusion.py)

    def filters(self) -> dict[str, str]:
        """The active filters (not the query nor the ordering), as recorded in the search log."""
        return {name: getattr(self, name) for name in FILTERS if getattr(self, name)}  # in the fields' order

    def is_search(self) -> bool:
        return bool(self.q.strip() or self.filters())


@dataclass
class SearchResult:
    assets: object  # the ranked assets: a QuerySet, or a RankedAssets read like one (a text match)
    params: SearchParams
    text_filter: Q  # selects the text matches, alias-safe so facets can reuse it in subqueries
    typo_matched: bool = False  # nothing matched as typed; these are the closest matches
    corrected_query: str = ""  # the query with misspelt words corrected, when that is what matched
    # The number of matches when the search already knows it (exact up to COUNT_CAP + 1), so the
    # paginator need not count them again; None: the paginator counts.
    match_count: int | None = None
    # The stage, persona and competitor filters as the backend resolved them (see `_filtered`).
    terms: dict = field(default_factory=dict)
    # No asset has every word: these match some of them, those with the most words first.
    partial_match: bool = False
    # The kind the rep's words named ("case study healthcare"): a filter (`params.kind`), or a
    # boost when nothing of that kind is related (`kind_widened`).
    named_kind: str = ""
    kind_widened: bool = False
    # The battle cards or case studies the query named exactly, pinned first (hybrid keeps them first).
    pinned: tuple = ()
    # {asset id: its best passage hit} when semantic search took part (content/semantic/fusion.py)
    passages: dict = field(default_factory=dict)
    semantic_note: str = ""  # why semantic search did not take part, when it should have
    # The library version the ranking was kept (or looked up) under; None when it is not keepable.
    # Every change to an asset's stages, personas, competitors or tags moves it, so a page of this
    # result can be kept by it instead of by its assets' taxonomy (content/api/representations.py).
    library_version: int | None = None

    def __post_init__(self):
        # Results are listed, never read in full: the text extracted from an asset's file (a whole
        # document's worth) is searched but not shown, so no page of results reads it.
        self.assets = self.assets.without_file_text()


def has_terms(parsed: ParsedQuery) -> bool:
    return any(c.phrase or any(w not in STOP_WORDS for w in c.words) for c in parsed.positive)


def resolve_terms(params: SearchParams) -> dict:
    """The active stage, persona and competitor filters, resolved once per search by the backend."""
    return backend().resolve_terms({facet: getattr(params, facet) for facet in TERM_FILTERS if getattr(params, facet)})


def _tagged(name: str):
    from taggit.models import TaggedItem

    return TaggedItem.objects.filter(
        tag__name=name, content_type__app_label="content", content_type__model="asset"
    ).values("object_id")


def _filtered(queryset, params: SearchParams, terms: dict, skip: str = ""):
    """Apply the non-text filters (all but `skip`, for the facet that counts its own values)."""
    if params.kind and skip != "kind":
        queryset = queryset.filter(kind=params.kind)
    for facet, term in terms.items():
        if skip != facet:
            queryset = backend().filter_by_term(queryset, facet, term)
    if params.tag and skip != "tag":
        queryset = queryset.filter(pk__in=_tagged(params.tag))
    if params.status and skip != "status":
        queryset = queryset.filter(status=params.status)
    return queryset


def run_search(*, user, params: SearchParams) -> SearchResult:
    """The assets `user` may see that match `params`, best first, with what facets need. A text
    search's ranking is kept until the library changes (content/search/snapshots.py)."""
    result, key, version = kept_search(user, params)
    if result is None:
        result = _ranked_search(user=user, params=params)
        keep_search(key, result)
    result.library_version = version
    return result


def _ranked_search(*, user, params: SearchParams) -> SearchResult:
    # Fusion step: semantic hits fused with the keyword results (content/semantic/fusion.py); the
    # semantic half starts first and runs beside the keyword search.
    parsed = parse(params.q)
    if params.mode == "keyword" or not has_terms(parsed) or any(c.excluded for c in parsed.clauses):
        return _keyword_search(user=user, params=params)
    from ..semantic import fusion

    pending = fusion.start_pending(params)
    result = _keyword_search(user=user, params=params)
    # The semantic hits pass the same filters, a kind named by the words included (result.params).
    assets = _filtered(visible_assets(user), result.params, result.terms)
    return fusion.combine(result, assets=assets, params=params, pending=pending)


def _keyword_search(*, user, params: SearchParams, _widen: str = "") -> SearchResult:
    """The keyword search: full-text match, then misspelling corrections, then similar titles."""
    today = timezone.localdate()
    asked = params
    parsed, params, kind, boosts = read_intent(parse(params.q), params, widen=_widen)
    terms = resolve_terms(params)
    assets = _filtered(visible_assets(user), params, terms)
    engine = backend()
    if not parsed.clauses or (parsed.positive and not has_terms(parsed)):
        # No query: relevance is the same blend with a neutral text score (support, freshness).
        scored = assets.annotate(score=RawSQL(blend_sql("1.0"), blend_params(today)))  # noqa: S611 - constant SQL
        return SearchResult(_order(scored, params.ordering), params, Q(), terms=terms, named_kind=kind)
    if not parsed.positive:
        # Only exclusions ("-legacy"): everything but what they match.
        anything = ParsedQuery(
            " or ".join('"' + " ".join(c.words) + '"' for c in parsed.clauses),
            tuple(replace(c, excluded=False, phrase=True, or_before=True) for c in parsed.clauses),
        )
        sql, sql_params = engine.match_ids_sql(anything)
        text_filter = ~Q(pk__in=RawSQL(sql, sql_params))  # noqa: S611 - constant SQL
        scored = assets.filter(text_filter).annotate(score=RawSQL(blend_sql("1.0"), blend_params(today)))  # noqa: S611
        return SearchResult(_order(scored, params.ordering), params, text_filter, terms=terms, named_kind=kind)
    rows = _filtered(visible_assets(user, engine.search_rows()), params, terms)

    def text_result(query: ParsedQuery, **found) -> SearchResult | None:
        ranked, match_count = engine.ranked(rows, query, today, params.ordering, boosts)
        if not (match_count or (match_count is None and ranked.exists())):
            return None
        sql, sql_params = engine.match_ids_sql(query)
        text_filter = Q(pk__in=RawSQL(sql, sql_params))  # noqa: S611 - constant SQL
        found = {"named_kind": kind, "pinned": boosts.pinned, **found}
        return SearchResult(ranked, params, text_filter, match_count=match_count, terms=terms, **found)

    if result := text_result(parsed):
        return result
    # Nothing matches as typed: correct misspelt words against the library's words and search again.
    fixes = engine.corrections(parsed.words)
    corrected = parse(correct(parsed.raw + ("" if parsed.typing else " "), fixes)) if fixes else parsed
    typed_fixed = correct(asked.q, fixes).strip() if fixes else ""
    if fixes and (result := text_result(corrected, typo_matched=True, corrected_query=typed_fixed)):
        return result
    # No asset has every word: the assets with the most of them (no dead end while any is related).
    if ids := partial_ids(engine, rows, corrected, today, boosts):
        found = {"typo_matched": bool(fixes), "corrected_query": typed_fixed}
        return _listed(assets, ids, params, terms, partial_match=True, named_kind=kind, **found)
    # Nothing of the kind the rep named is related: every kind, with that kind lifted.
    if kind and not _widen and not asked.kind:
        widened = _keyword_search(user=user, params=asked, _widen=kind)
        widened.kind_widened = True
        return widened
    # Still nothing: the titles closest to the query by trigram similarity.
    candidates = engine.typo_candidates(parsed, TYPO_THRESHOLD, TYPO_LIMIT)
    ids = [pk for pk, _ in candidates]
    whens = " ".join(f"WHEN {int(pk)} THEN {float(sim):.6f}" for pk, sim in candidates)
    relevance = f"CASE content_asset.id {whens} ELSE 0 END" if candidates else "0"
    typo = assets.filter(pk__in=ids).annotate(score=RawSQL(blend_sql(relevance), blend_params(today)))  # noqa: S611
    return SearchResult(
        _order(typo, params.ordering), params, Q(pk__in=ids), typo_matched=True, terms=terms, named_kind=kind
    )


def read_intent(parsed: ParsedQuery, params: SearchParams, widen: str = ""):
    """(the text query, the params, the kind the words named, the boosts) for a query whose words
    may name a kind of asset (a filter, unless a kind is chosen already or the search `widen`s to
    every kind: then a boost) or be the exact name of a competitor or customer (pinned first)."""
    kind, rest = named_kind(parsed)
    if not kind:
        return parsed, params, "", Boosts(pinned=pinned_ids(parsed))
    if params.kind:  # a chosen kind wins over the words
        return rest, params, "", Boosts(pinned=pinned_ids(rest))
    if widen:
        return rest, params, kind, Boosts(kind=kind, pinned=pinned_ids(rest))
    return rest, replace(params, kind=kind), kind, Boosts(pinned=pinned_ids(rest))


def partial_ids(engine, rows, parsed: ParsedQuery, today, boosts) -> list[int]:
    """The ids of the assets (among `rows`) that match some of the query's words: those matching
    the most words first, then by the usual blend; at most PARTIAL_LIMIT. However many assets
    match one word, only the PARTIAL_LIMIT best word counts and the page's ids leave the database."""
    words = list(dict.fromkeys(w for w in parsed.words if w not in STOP_WORDS))
    if len(words) < 2 or len(parsed.positive) != len(parsed.clauses):
        return []  # one word: nothing partial about it; exclusions: the rep asked for precision
    anything = any_word(parsed)
    found = rows.filter(pk__in=RawSQL(*engine.match_ids_sql(anything)))  # noqa: S611 - constant SQL
    found = found.alias(hits=sum((_matches(engine, parse(word + " ")) for word in words), Value(0)))
    best = list(found.annotate(n=F("hits")).order_by("-n", "-pk").values_list("pk", "n")[:PARTIAL_LIMIT])
    if not best:
        return []
    # The assets above the lowest word count listed, then the best of that count, each by the blend.
    floor = best[-1][1]
    above = {pk: n for pk, n in best if n > floor}
    ids = []
    if above:
        ranked, _ = engine.ranked(found.filter(pk__in=list(above)), anything, today, "relevance", boosts)
        ids = sorted(ranked.values_list("pk", flat=True), key=lambda pk: -above[pk])  # stable: blend within a count
    ranked, _ = engine.ranked(found.filter(hits=floor), anything, today, "relevance", boosts)
    return ids + list(ranked.values_list("pk", flat=True)[: PARTIAL_LIMIT - len(ids)])


def _matches(engine, word: ParsedQuery):
    """1 when the asset (or search row) matches the word, else 0."""
    sql, sql_params = engine.match_ids_sql(word)
    return Case(When(pk__in=RawSQL(sql, sql_params), then=Value(1)), default=Value(0))  # noqa: S611 - constant SQL


def _listed(assets, ids: list[int], params: SearchParams, terms: dict, **found) -> SearchResult:
    """A result of these assets, in this order when sorted by relevance."""
    score = Case(*[When(pk=pk, then=Value(float(len(ids) - i))) for i, pk in enumerate(ids)], default=Value(0.0))
    listed = assets.filter(pk__in=ids).annotate(score=score)
    return SearchResult(_order(listed, params.ordering), params, Q(pk__in=ids), terms=terms, **found)


def correct(text: str, fixes: dict[str, str]) -> str:
    """The query with each misspelt word replaced, its syntax (quotes, -, or, spacing) kept."""
    return WORD.sub(lambda m: fixes.get(m.group(0).lower(), m.group(0)), text)


def search_assets(*, user, params: SearchParams):
    """The assets `user` may see that match `params`, best first (a QuerySet)."""
    return run_search(user=user, params=params).assets


from .analytics import record_search  # noqa: E402
from .facets import facet_counts  # noqa: E402
from .snapshots import keep_search, kept_search  # noqa: E402

__all__ = [
    "ORDERINGS",
    "SEARCH_MODES",
    "SearchParams",
    "SearchResult",
    "facet_counts",
    "rebuild_index",
    "record_search",
    "run_search",
    "search_assets",
    "update_index",
]
