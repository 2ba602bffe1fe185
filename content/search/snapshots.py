"""A search's ranking, kept while the library does not change.

Ranking a text search (the keyword match, the query's vector against the passages, their fusion and
the blend with won-deal support and freshness) is most of a search's cost, and its outcome depends
only on what the library holds, the words, filters and mode, who is asking (the assets their role
may see) and the day (freshness). `run_search` keeps that outcome, the ranked ids and what the page
says of them, keyed by all of these and by the library version (content/caching.py), which every
write that can change a ranking moves: the search index and the vectors (their only writers), an
asset saved or deleted, won-deal support recomputed. Logging a use does not move it.

The page's assets are still read for each request, through the asking user's visibility rule, so
their figures (uses, won deals, review state) are as of the request. The version the ranking was
found under is handed on with it (`SearchResult.library_version`): the API keeps the page's
representation by it rather than by its assets' taxonomy (content/api/representations.py). A
ranking is kept until the next asset released at a set time becomes visible
(`Asset.objects.next_release`), which then joins the results at once, and at most
SEARCH_CACHE_SECONDS (default 600), which bounds the memory.
"""

import dataclasses

from django.conf import settings
from django.utils import timezone

from ..caching import cache_key, keep, kept, library_version
from ..models import Asset
from ..permissions import asset_audience, visible_assets
from . import SearchResult  # this module is imported at the end of the package's __init__
from .paging import RankedAssets

UNKEPT = ("assets", "library_version")  # the ids are kept on their own; the version is the key's


def _key(user, params) -> tuple[str | None, int | None]:
    """(the key of this search's ranking, the library version it holds); (None, None) when not keepable."""
    audience = asset_audience(user)
    if not audience or not params.q.strip() or settings.SEARCH_CACHE_SECONDS <= 0:
        return None, None
    version = library_version()
    key = cache_key("search", [audience, vars(params), timezone.localdate()], lambda: version)  # its fields: strings
    return key, version


def kept_search(user, params):
    """(the SearchResult kept for this user's audience and `params`, or None: not kept; its key, None
    when not keepable; the library version the key holds, which the result's page may be kept by)."""
    key, version = _key(user, params)
    ranking = kept(key) if key else None
    if ranking is None:
        return None, key, version
    ids, found = ranking
    return SearchResult(assets=RankedAssets(lambda: visible_assets(user), ids), **found), key, version


def keep_search(key, result) -> None:
    """Keep a ranked result (a text match, its ids at hand) under `key`; other results, and one
    without the semantic half because the model was unavailable, are not kept."""
    if key is None or not isinstance(result.assets, RankedAssets) or result.semantic_note:
        return
    found = {f.name: getattr(result, f.name) for f in dataclasses.fields(result) if f.name not in UNKEPT}
    keep(key, (result.assets.ids, found), settings.SEARCH_CACHE_SECONDS, until=Asset.objects.next_release())
