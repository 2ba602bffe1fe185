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
    # The related manager reads each passage's asset id: without it, one more query per passage.
    fields = ("asset", "ordinal", "text", "page")
    # one asset's passages: by ordinal (the model's order, by asset first, would join the assets)
    passages = list(asset.passages.only(*fields).order_by("ordinal")) if state and state.passage_count else []
    error = state.error if state and state.error and can(user, "edit_assets") else ""
    return {"passages": [p for p in passages if p.ordinal > 0], "embedding_error": error}


def _has_embedding(asset) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return asset.embedding is not None
    except ObjectDoesNotExist:
        return False


def _query_words(query: str) -> set[str]:
    return {w.lower() for w in WORD.findall(query or "") if w.lower() not in STOP_WORDS and len(w) > 1}


def excerpt(text: str, query: str, width: int = 320) -> str:
    """About `width` characters of `text`, around the first query word it contains."""
    if len(text) <= width:
        return text
    lowered = text.lower()
    found = [i for i in (lowered.find(w) for w in _query_words(query)) if i >= 0]
    start = max(0, min(found) - width // 3) if found else 0
    if start:
        start = text.find(" ", start) + 1 or start
    end = min(len(text), start + width)
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    return ("… " if start else "") + text[start:end].strip() + (" …" if end < len(text) else "")


def highlight(text: str, query: str) -> str:
    """`text` escaped, then the query's words (not stop words) wrapped in <mark>."""
    words = _query_words(query)
    escaped = escape(text)
    if not words:
        return mark_safe(escaped)  # noqa: S308 - escaped above
    alternatives = "|".join(re.escape(escape(w)) for w in sorted(words, key=len, reverse=True))
    # not inside an entity of the escaping ("&lt;" when someone searches for "lt")
    pattern = re.compile(r"(?<![&#\w])(" + alternatives + r")\w*", re.IGNORECASE)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))  # noqa: S308 - escaped above
