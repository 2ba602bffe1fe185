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

The row is still read for every request, through the asking user's visibility rule; only the
conversion is skipped. Nothing the key leaves out is shown: file previews and the search columns
are the only fields written without a save. A search's best passage depends on the query and is
added for each request. Kept at most SEARCH_CACHE_SECONDS; 0 turns keeping off.
"""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from ..asset_selectors import attach_taxonomy
from ..names import person_name

KEY_PREFIX = "enablement:asset-json:"


def _key(asset, *, shape: str, base: str, now, today, zone: str) -> str:
    verifier = asset.verified_by if asset.verified_by_id else None
    parts = [
        asset.pk,
        asset.updated_at,
        asset.usage_count,
        asset.won_deal_count,
        asset.influenced_revenue,
        asset.influenced_revenue_by_currency,
        asset.taxonomy,
        asset.owner.get_username() if asset.owner_id else None,
        [verifier.get_username(), person_name(verifier)] if verifier else None,
        asset.published_at is not None and asset.published_at > now,
        today,
        zone,
        base,
        shape,
    ]
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}{asset.pk}:{digest}"


def represent(serializer, assets) -> list[dict]:
    """`serializer.to_representation(asset)` of each asset (read with select_related("owner",
    "verified_by")), in order: those kept come from the cache in one read, the others are converted
    and kept. Their taxonomy is read in one query for those that lack it (attach_taxonomy)."""
    assets = list(assets)
    attach_taxonomy([asset for asset in assets if not hasattr(asset, "taxonomy")])
    seconds = settings.SEARCH_CACHE_SECONDS
    if seconds <= 0:
        return [serializer.to_representation(asset) for asset in assets]
    now = timezone.now()
    request = serializer.context.get("request")
    moment = {
        "shape": ",".join(serializer.Meta.fields),  # a release that adds or drops a field keeps none of before
        "base": request.build_absolute_uri("/") if request else "",
        "now": now,
        "today": timezone.localdate(now),
        "zone": timezone.get_current_timezone_name(),
    }
    keys = [_key(asset, **moment) for asset in assets]
    kept = cache.get_many(keys)
    fresh = {}
    results = []
    for asset, key in zip(assets, keys, strict=True):
        data = kept.get(key)
        if data is None:
            data = serializer.to_representation(asset)
            fresh[key] = {name: value for name, value in data.items() if name != "passage"}
        else:
            data["passage"] = serializer.get_passage(asset)
        results.append(data)
    if fresh:
        cache.set_many(fresh, seconds)
    return results
