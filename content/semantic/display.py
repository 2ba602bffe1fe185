"""What people see of semantic search: an asset's passages on its page (each with an anchor that
results link to), why its text could not be embedded, and a passage with the query's words marked."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..permissions import can
from ..search.query import STOP_WORDS, WORD


def embedding_context(asset, *, user) -> dict:
    """The asset page's passages (none read when it has none) and, for marketing, the reason its
    text could not be embedded."""
    state = getattr(asset, "embedding", None) if _has_embedding(asset) else None
    passages = list(asset.passages.only("ordinal", "text", "page")) if state and state.passage_count else []
    error = state.error if state and state.error and can(user, "edit_assets") else ""
    return {"passages": [p for p in passages if p.ordinal > 0], "embedding_error": error}


def _has_embedding(asset) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return asset.embedding is not None
    except ObjectDoesNotExist:
        return False


def highlight(text: str, query: str) -> str:
    """`text` escaped, then the query's words (not stop words) wrapped in <mark>."""
    words = {w.lower() for w in WORD.findall(query or "") if w.lower() not in STOP_WORDS and len(w) > 1}
    escaped = escape(text)
    if not words:
        return mark_safe(escaped)  # noqa: S308 - escaped above
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(escape(w)) for w in sorted(words, key=len, reverse=True)) + r")\w*", re.IGNORECASE
    )
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))  # noqa: S308 - escaped above
