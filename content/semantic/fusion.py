"""Hybrid ranking: the keyword results and the semantic results fused by reciprocal rank.

    fused(asset) = w_keyword / (K + keyword rank) + W_SEMANTIC / (K + semantic rank)

Ranks start at 1; an asset missing from a list gets nothing from it. The keyword list is ranked
as in keyword mode (text relevance × won-deal support × freshness, see search/ranking.py); the
semantic list by the same blend with a similarity as relevance: the mean of the asset's best
passage's and its heading passage's (title and summary) cosine similarities. So the boosts act
once in each list, and neither list's scale matters. When no asset has every word of the query
(a partial keyword match, typical of a sentence a rep types), the keyword list is weak evidence and
weighs W_KEYWORD_PARTIAL. Semantic hits are published assets only, and pass the same visibility
rules and filters as keyword hits. The query's meaning is taken with its sales-glossary words
added (glossary.py), and embedded once per search (cached per process).
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import FloatField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from ..models import Asset, Passage
from ..search.indexing import backend
from ..search.paging import RankedAssets
from ..search.ranking import blend
from ..search.ranking import order_queryset as _order
from . import glossary, index, runtime

K = 60
W_KEYWORD = 1.0
W_SEMANTIC = 1.0
# With a partial keyword match the keyword list ranks assets by how many of the query's words they
# hold ("they", "want", "first" included), which says little about a sentence. On the relevance set
# (tests/relevance) a sixth of the semantic list's weight put an acceptable asset in the top 3 for
# 12 of 13 reps' own phrasings on both databases (with HEADING_WEIGHT and the glossary), as did a
# quarter (but 10-11 of the 12 held-out phrasings, against 11), against 11 at a half and at 1;
# exact names, kind + topic, typos and topic words unchanged throughout.
W_KEYWORD_PARTIAL = 1.0 / 6
# An asset's semantic similarity: (1 - HEADING_WEIGHT) × its best passage's + HEADING_WEIGHT × its
# heading passage's (passage 0: title, summary, kind fields). A long asset has many passages and so
# many chances of one loosely close passage; its heading says what it is. 0.5 and 0.3 both kept
# the other categories; 0.5 did better on the held-out phrasings.
HEADING_WEIGHT = 0.5
KEYWORD_DEPTH = 200  # keyword results taken into the fusion
PASSAGE_DEPTH = 300  # nearest passages read from the index (several may be one asset's)
FILTERED_PASSAGE_DEPTH = 1000  # more when filters may leave few of them
# Below this cosine similarity a passage is not about the query: such hits would put noise under
# every query. MiniLM scores a rep's loose phrasing of what a passage answers low ("how fast can
# they be live" against the implementation objection: 0.23); on the relevance set (tests/relevance)
# 0.2 puts an acceptable asset in the top 3 for 11 of 13 such queries, against 9 at 0.3 and 10 at
# 0.25 or 0.15. Weighting the keyword list down when it only matched some of the words changed
# nothing there, so both lists weigh the same.
MIN_SIMILARITY = 0.2
MODES = ("hybrid", "semantic", "keyword")


@dataclass(frozen=True)
class PassageMatch:
    """The passage of an asset that best matches the query, as shown under a result."""

    ordinal: int
    text: str
    page: int | None
    score: float


class AssetHit(NamedTuple):
    """An asset found by meaning: its best passage (shown under the result) and its similarity."""

    best: index.Hit
    score: float


def asset_hits(hits: list[index.Hit]) -> dict[int, AssetHit]:
    """{asset id: AssetHit} from the nearest passages (best first), for the assets whose best
    passage reaches MIN_SIMILARITY. A heading passage not among the hits scores at most the
    lowest hit read, which stands in for it."""
    best: dict[int, index.Hit] = {}
    heading: dict[int, float] = {}
    for hit in hits:
        if hit.asset_id not in best:
            best[hit.asset_id] = hit
        if hit.ordinal == 0 and hit.asset_id not in heading:
            heading[hit.asset_id] = hit.score
    floor = hits[-1].score if hits else 0.0
    own, of_heading = 1 - HEADING_WEIGHT, HEADING_WEIGHT
    return {
        asset_id: AssetHit(hit, own * hit.score + of_heading * heading.get(asset_id, floor))
        for asset_id, hit in best.items()
        if hit.score >= MIN_SIMILARITY
    }


def _query_vector(query: str):
    return runtime.query_vector(glossary.expand(query))


def semantic_hits(query: str, *, depth: int = PASSAGE_DEPTH) -> dict[int, AssetHit]:
    """{asset id: AssetHit} for the query, best passage first, above MIN_SIMILARITY."""
    encoder = runtime.encoder()
    return asset_hits(index.nearest(_query_vector(query), depth, model_version=encoder.model_version))


_embedder = ThreadPoolExecutor(max_workers=2, thread_name_prefix="query-embedding")


def start_semantic(query: str, *, filtered: bool):
    """Begin the semantic half of a search; returns a function that waits for its hits. With the
    in-process index, the query is embedded in a thread while the keyword search runs its SQL (the
    model's run releases the GIL), and the matrix is scanned when the hits are asked for, on the
    asking thread, with both cores: the scan takes the GIL back again and again, so in a thread
    beside the keyword search's Python it waited on it (hybrid p50 75 ms in a thread, 55 ms so, at
    100,000 assets on SQLite). The index is brought up to date here first, on this thread's database
    connection. Raises SemanticUnavailable."""
    depth = FILTERED_PASSAGE_DEPTH if filtered else PASSAGE_DEPTH
    encoder = runtime.encoder()
    if index.pgvector_ready():
        return lambda: semantic_hits(query, depth=depth)
    in_process = index.in_process_index()
    in_process.sync(encoder.model_version)
    vector = _embedder.submit(_query_vector, query).result
    return lambda: asset_hits(in_process.search(vector(), depth))


def keyword_ids(result, depth: int = KEYWORD_DEPTH) -> list[int]:
    """The keyword result's assets in rank order, the first `depth` of them."""
    if isinstance(result.assets, RankedAssets):  # PostgreSQL: the ranked ids are at hand, no query
        return result.assets.ids[:depth]
    return list(result.assets.values_list("pk", flat=True)[:depth])


def fuse(
    keyword: list[int], semantic: list[int], *, keyword_weight: float = W_KEYWORD, pinned=()
) -> list[tuple[int, float]]:
    """Reciprocal-rank fusion of two ranked id lists: [(id, fused score)], best first; the `pinned`
    ids (an exact name's own battle card or case study) before all others, as in keyword search."""
    scores: dict[int, float] = {}
    for weight, ranked in ((keyword_weight, keyword), (W_SEMANTIC, semantic)):
        for rank, pk in enumerate(ranked, start=1):
            scores[pk] = scores.get(pk, 0.0) + weight / (K + rank)
    order = {pk: i for i, pk in enumerate(keyword)}
    first = set(pinned)
    return sorted(
        scores.items(), key=lambda item: (item[0] not in first, -item[1], order.get(item[0], len(order)), -item[0])
    )


def start_pending(params):
    """`start_semantic` for a search's parameters; an unavailable model is reported by `combine`."""
    try:
        return start_semantic(params.q, filtered=bool(params.filters()))
    except runtime.SemanticUnavailable as exc:
        reason = exc.reason

        def unavailable():
            raise runtime.SemanticUnavailable(reason)

        return unavailable


def combine(result, *, assets, params, pending=None):
    """The keyword `result` with the semantic hits of its query fused in (mode hybrid) or
    instead (mode semantic). `assets`: the visible, filtered assets the hits must be among;
    `pending`: the semantic half already started (`start_semantic`). Without a working model the
    keyword result comes back, with the reason in `semantic_note`."""
    try:
        if pending is None:
            pending = start_semantic(params.q, filtered=bool(params.filters()))
        hits = pending()
    except runtime.SemanticUnavailable as exc:
        result.semantic_note = f"unavailable: {exc.reason}"
        return result
    today = timezone.localdate()
    allowed = backend().rows_of(assets.published().values_list("pk", "won_deal_count", "review_by"), list(hits))
    scored = {
        pk: blend(hits[pk].score, won_deal_count=won, stale=review_by is not None and review_by < today)
        for pk, won, review_by in allowed
    }
    semantic = sorted(scored, key=lambda pk: (-scored[pk], -pk))
    keyword = [] if params.mode == "semantic" else keyword_ids(result)
    weight = W_KEYWORD_PARTIAL if result.partial_match else W_KEYWORD
    fused = fuse(keyword, semantic, keyword_weight=weight, pinned=result.pinned if keyword else ())
    ids = [pk for pk, _ in fused]
    if params.ordering == "relevance":  # the fused order itself: a page reads its own assets by id
        result.assets = RankedAssets.of(Asset, ids).without_file_text()
    else:
        ranked = Asset.objects.filter(pk__in=ids).annotate(score=_rank_position(ids))
        result.assets = _order(ranked, params.ordering).without_file_text()
    result.match_count = len(ids)
    result.passages = {pk: hits[pk].best for pk in semantic}
    if params.mode == "semantic" or not keyword:
        result.typo_matched, result.corrected_query = False, ""
    result.text_filter = Q(pk__in=ids)
    return result


def _rank_position(ids: list[int]) -> RawSQL:
    """Minus each asset's place in `ids`, as SQL with one parameter (the fused order as `score`,
    higher first): a CASE of hundreds of branches costs more to build in Python than to run."""
    if connection.vendor == "postgresql":
        return RawSQL("-array_position(%s::integer[], content_asset.id)", [ids], output_field=FloatField())  # noqa: S611
    listed = "," + ",".join(str(int(pk)) for pk in ids) + ","
    return RawSQL("-instr(%s, ',' || content_asset.id || ',')", [listed], output_field=FloatField())  # noqa: S611


PASSAGE_KEY = "enablement:passage:{}"


def attach_passages(assets, result) -> list:
    """Give each asset of a page its best-matching passage (`asset.best_passage`, or None): one
    query for the whole page at most, none when the search had no semantic hits or the page's
    passages are kept. A passage row is never changed (an asset's passages are deleted and written
    anew, with new ids), so its text is kept by id; at most SEARCH_CACHE_SECONDS, 0 keeps none."""
    assets = list(assets)
    hits = getattr(result, "passages", None) or {}
    wanted = {hits[a.pk].passage_id: a.pk for a in assets if a.pk in hits}
    seconds = settings.SEARCH_CACHE_SECONDS
    keys = {pk: PASSAGE_KEY.format(pk) for pk in wanted}
    kept = cache.get_many(list(keys.values())) if keys and seconds > 0 else {}
    texts = {pk: kept[key] for pk, key in keys.items() if key in kept}
    if missing := [pk for pk in wanted if pk not in texts]:
        read = (
            Passage.objects.filter(pk__in=missing).order_by().values_list("id", "asset_id", "ordinal", "text", "page")
        )
        fresh = {pk: (asset_id, ordinal, text, page) for pk, asset_id, ordinal, text, page in read}
        texts.update(fresh)
        if seconds > 0:
            cache.set_many({keys[pk]: row for pk, row in fresh.items()}, seconds)
    found = {
        asset_id: PassageMatch(ordinal, text, page, round(hits[asset_id].score, 4))
        for asset_id, ordinal, text, page in texts.values()
    }
    for asset in assets:
        asset.best_passage = found.get(asset.pk)
    return assets
