"""Template helpers of the library search: facet and page links that keep the other parameters,
and the plural of an asset kind."""

from django import template

from content.models import AssetKind

register = template.Library()


def _with(context, changes):
    params = context["request"].GET.copy()
    for name in context.get("filter_errors") or ():  # values the search left out stay out of its links
        params.pop(name, None)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def facet_link(context, name, value, active=False):
    """The current search with facet `name` set to `value`, or removed when it is already active.
    A new filter starts again at page 1 and is a new search."""
    return _with(context, {name: None if active else value, "page": None, "log": None})


@register.simple_tag(takes_context=True)
def page_link(context, number, log=None):
    """Another page of the same search; `log` (the search's log) keeps attributing clicks to it."""
    log_id = log.get("pk") if isinstance(log, dict) else getattr(log, "pk", None)
    return _with(context, {"page": number, "log": log_id})


@register.filter
def kind_plural(kind):
    """ "case_study" -> "Case studies", "deck" -> "Decks"."""
    label = dict(AssetKind.choices).get(kind, kind)
    return label[:-1] + "ies" if label.endswith("y") else label + "s"
