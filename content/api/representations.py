"""Assets' API representations, kept while nothing they show changes.

Turning an asset into JSON (DRF copies the serializer's fields for each request and runs each
field's conversion) is most of an asset API call and a third of a search. The representation
depends only on what the key below holds, so a kept one is exact, never a lagging copy:

- the asset's row as of this request: `updated_at` (every save moves it) and the figures that are
  written without a save (uses, won deals, influenced revenue; content.support);
- its taxonomy as the page read it (a rename, a reordered stage or a changed relation shows here);
- the names of its owner and of its verifier;
- the time: today's date and time zone (review state, dates as written) and whether its release
  time is still ahead (a scheduled asset);
- the scheme and host the request was made to (links are absolute);
- the serializer's fields (a release that changes them does not read what the one before kept).

Each request still reads, through the asking user's visibility rule, what the key needs of its
assets (their stamps: STAMP_FIELDS, one narrow query for a page; for a page of a ranked search or
one asset by id, a statement compiled once, the rule applied per asset: `ranked_stamps`) and their
taxonomy (one query); only the assets not kept are read whole (one more query, its queryset built
only then) and converted. A page of a kept search is keyed by the library version its ranking was
found under instead of its assets' taxonomy, which it reads only when the page is not kept whole:
every change to an asset's stages, personas, competitors or tags moves that version (the search
index follows them), and so does every save of a stage (its slug and its place in the funnel).
Nothing the key leaves out is shown: file previews and the search columns are the only fields
written without a save. A search's best passage depends on the query and is added for each
request. Kept at most SEARCH_CACHE_SECONDS; 0 turns keeping off.
"""

import weakref

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import timezone

from ..asset_selectors import attach_taxonomy
from ..caching import digest
from ..models import Asset
from ..permissions import openable_assets
from ..search.paging import among_ids
from ..semantic.fusion import attach_passages

KEY_PREFIX = "enablement:asset-json:"
PAGE_PREFIX = "enablement:asset-page-json:"
# What a representation shows besides the row's other columns and its taxonomy, as field paths:
# read from a fetched asset (`_read`), or alone in one narrow query for a page (`stamps`).
STAMP_FIELDS = (
    "pk",
    "updated_at",
    "usage_count",
    "won_deal_count",
    "influenced_revenue",
    "influenced_revenue_by_currency",
    "published_at",
    "owner__username",
    "verified_by__username",
    "verified_by__first_name",
    "verified_by__last_name",
)
_PUBLISHED_AT = STAMP_FIELDS.index("published_at")
# What says who may see the asset (`openable_assets`, the rule of `visible_assets` for a list in hand),
# read with the stamps of a ranked page (`ranked_stamps`); not part of the key (a save moves them).
VISIBILITY_FIELDS = ("status", "published_at", "expires_on")


class Stamp:
    """An asset as far as its representation's key goes: the STAMP_FIELDS values of one row."""

    get_absolute_url = Asset.get_absolute_url  # where a passage of it links to
    is_released, is_expired = Asset.is_released, Asset.is_expired  # with VISIBILITY_FIELDS read

    def __init__(self, values: dict):
        self.values = values
        self.pk = values["pk"]

    def __getattr__(self, name):
        if name in VISIBILITY_FIELDS and name in self.values:
            return self.values[name]
        raise AttributeError(name)


class _StampStatement:
    """The STAMP_FIELDS and VISIBILITY_FIELDS of assets by id, as `values()` reads them, in SQL
    compiled once per connection and number of ids (on PostgreSQL the ids are one array parameter,
    so one statement serves every page). Building and compiling that queryset for each page cost
    more CPU than running it (0.7 ms of 1.3 for a page of 20). Each run binds the page's ids in
    place of the ones it was compiled with and converts the rows with the queryset's own
    converters."""

    def __init__(self):
        self._compiled = weakref.WeakKeyDictionary()  # connection -> {number of ids: statement}

    def _statement(self, connection, count: int):
        statements = self._compiled.setdefault(connection, {})
        if count not in statements:
            placeholders = list(range(-count, 0))  # ids no row has
            queryset = among_ids(Asset.objects.using(connection.alias), placeholders)
            queryset = queryset.values(*STAMP_FIELDS, *(name for name in VISIBILITY_FIELDS if name not in STAMP_FIELDS))
            compiler = queryset.query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            # where each parameter's value comes from: the whole list of ids, or one of them
            binding = [None if param == placeholders else placeholders.index(param) for param in params]
            names = [*queryset.query.values_select, *queryset.query.annotation_select]
            statements[count] = (compiler, sql, binding, names)
        return statements[count]

    def __call__(self, ids: list[int], using: str) -> dict:
        """{id: values} of the assets of `ids` that exist."""
        if not ids:
            return {}
        connection = connections[using]
        compiler, sql, binding, names = self._statement(connection, len(ids))
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(ids) if at is None else ids[at] for at in binding])
            rows = cursor.fetchall()
        found = (dict(zip(names, row, strict=True)) for row in compiler.results_iter(results=[rows]))
        return {values["pk"]: values for values in found}


_stamps_of = _StampStatement()


def ranked_stamps(user, ids: list[int]) -> list[dict]:
    """The stamps of the assets of `ids` (a page of a ranked search, or one asset asked for by id),
    in that order, of those that still exist and `user` may see now (the ranking was kept; an asset
    may have been archived since): what `rows.values(*STAMP_FIELDS)` of the ranked page gives, for
    the CPU of running the query alone."""
    found = _stamps_of([int(pk) for pk in ids], Asset.objects.db)
    return [stamp.values for stamp in openable_assets(user, [Stamp(found[pk]) for pk in ids if pk in found])]


def _read(asset, path: str):
    if isinstance(asset, Stamp):
        return asset.values[path]
    for name in path.split("__"):
        if asset is None:
            return None
        asset = getattr(asset, name)
    return asset


def _parts(asset, now, *, taxonomy: bool = True) -> list:
    """What a representation's key holds of the asset: its stamp, its taxonomy (unless left out),
    and whether its release time is still ahead."""
    values = [_read(asset, path) for path in STAMP_FIELDS]
    published_at = values[_PUBLISHED_AT]
    return [values, asset.taxonomy if taxonomy else None, published_at is not None and published_at > now]


def _key(asset, *, shape: str, base: str, now, today, zone: str) -> str:
    return f"{KEY_PREFIX}{asset.pk}:{digest([*_parts(asset, now), today, zone, base, shape], 32)}"


def _moment(serializer) -> dict:
    now = timezone.now()
    request = serializer.context.get("request")
    return {
        "shape": ",".join(serializer.Meta.fields),  # a release that adds or drops a field keeps none of before
        "base": request.build_absolute_uri("/") if request else "",
        "now": now,
        "today": timezone.localdate(now),
        "zone": timezone.get_current_timezone_name(),
    }


def _page_key(page: list, hits: dict, *, shape: str, base: str, now, today, zone: str, version=None) -> str:
    """A whole page's key: what each of its assets' keys holds, in order, and the passage each
    shows (a passage row is never changed, so its id names its text; content/semantic/fusion.py).
    One digest for the page: most searches read a page kept whole and need no asset's own key.

    With the library `version` of a search's ranking, the version stands for the assets' taxonomy,
    which is then not read: every change to what it shows moves the version (an asset's stages,
    personas, competitors or tags through the search index; a stage's slug or order by its save,
    content.signals)."""
    assets = [[stamp.pk, *_parts(stamp, now, taxonomy=version is None)] for stamp in page]
    passages = [[hits[s.pk].passage_id, hits[s.pk].score] if s.pk in hits else None for s in page]
    return PAGE_PREFIX + digest([assets, passages, today, zone, base, shape, version], 32)


def represent(serializer, stamps: list[dict], *, rows, search=None) -> list[dict]:
    """`serializer.to_representation` of the assets read as `stamps` (their STAMP_FIELDS values, in
    order). A page kept whole is one cache read; otherwise those kept come from the cache in one
    more read, only the others' rows are read from `rows` (the queryset the stamps came from, with
    select_related("owner", "verified_by")), in one query, converted and kept. `search` (a
    SearchResult) gives each its best passage, added to every representation and never kept with
    an asset's own (a page kept whole keeps the passages it showed: they are part of its key)."""
    page = [Stamp(values) for values in stamps]
    keys, kept, page_key = {}, {}, None
    seconds = settings.SEARCH_CACHE_SECONDS
    moment = _moment(serializer) if seconds > 0 else None
    hits = getattr(search, "passages", None) or {}
    version = getattr(search, "library_version", None)
    if moment and version is not None:  # a search's page: kept by its library version, no taxonomy read
        page_key = _page_key(page, hits, **moment, version=version)
        whole = cache.get(page_key)
        if whole is not None:
            return whole
    attach_taxonomy(page)
    taxonomy = {stamp.pk: stamp.taxonomy for stamp in page}
    if moment:
        if page_key is None:
            page_key = _page_key(page, hits, **moment)
            whole = cache.get(page_key)
            if whole is not None:
                return whole
        keys = {stamp.pk: _key(stamp, **moment) for stamp in page}
        found = cache.get_many(keys.values())
        kept = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [stamp.pk for stamp in page if stamp.pk not in kept]
    fetched = {}
    if missing:  # a ranked list's ids stay out of the SQL, and its queryset is built only now (search.paging)
        rows = getattr(rows, "unranked", rows)
        fetched = {asset.pk: asset for asset in rows.filter(pk__in=missing).order_by()}
    assets = []
    for stamp in page:
        # an asset that left `rows` since its stamp was read (archived a moment ago) is left out
        asset = fetched.get(stamp.pk) or (stamp if stamp.pk in kept else None)
        if asset is not None:
            asset.taxonomy = taxonomy[stamp.pk]
            assets.append(asset)
    if search is not None:
        attach_passages(assets, search)
    fresh = {}
    results = []
    as_stamped = len(assets) == len(page)  # a page that left an asset out is not kept
    for asset in assets:
        data = kept.get(asset.pk)
        if data is None:
            data = serializer.to_representation(asset)
            if keys:
                key = _key(asset, **moment)
                fresh[key] = {name: value for name, value in data.items() if name != "passage"}
                as_stamped = as_stamped and key == keys[asset.pk]  # nor one whose row moved after its stamp
        else:
            data = {**data, "passage": serializer.get_passage(asset)}
        results.append(data)
    if page_key and as_stamped:
        fresh[page_key] = results
    if fresh:
        cache.set_many(fresh, seconds)
    return results
