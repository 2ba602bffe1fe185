"""Markdown to safe HTML: rendered with Python-Markdown, then sanitised with nh3 (no scripts,
no event handlers, no javascript: URLs), so an asset body can never run code in a rep's browser."""

import functools

import markdown as md
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


# Rendering is a pure function of the text: each worker keeps the HTML of the texts it rendered
# last (an asset page shows the same body to every rep until it is edited). Longer texts are
# rendered each time, so what is kept stays within a few megabytes.
KEPT_TEXTS = 512
KEPT_TEXT_MAX_CHARS = 20_000


def render_markdown(text: str) -> str:
    text = text or ""
    clean = _kept_html(text) if len(text) <= KEPT_TEXT_MAX_CHARS else _html(text)
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 (_html)


def _html(text: str) -> str:
    html = md.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


_kept_html = functools.lru_cache(maxsize=KEPT_TEXTS)(_html)
