from django import template
from django.urls import NoReverseMatch, reverse

from ..markdown import render_markdown
from ..names import person_name

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


@register.inclusion_tag("includes/nav_link.html", takes_context=True)
def nav_link(context, url_name, label, count=None):
    """A navigation link, marked current when the page is inside its area, with a count badge when
    `count` is given and not zero; nothing when the area is not installed."""
    try:
        href = reverse(url_name)
    except NoReverseMatch:
        return {"href": None}
    path = context["request"].path
    current = path == href or (href != "/" and path.startswith(href) and not _deeper_nav_match(path, href))
    return {"href": href, "label": label, "current": current, "count": count}


NAV_URL_NAMES = (
    "library",
    "deal-prep",
    "deal-list",
    "request-triage",
    "my-requests",
    "assets-due",
    "calendar",
    "reports",
    "definitions",
)


def _deeper_nav_match(path, href):
    """True when another nav entry is a longer prefix of the path (Triage inside Requests)."""
    for name in NAV_URL_NAMES:
        try:
            other = reverse(name)
        except NoReverseMatch:
            continue
        if len(other) > len(href) and other.startswith(href) and path.startswith(other):
            return True
    return False


@register.simple_tag(takes_context=True)
def querystring_with(context, **changes):
    """The current query string with some parameters replaced (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@register.filter
def person(user):
    """A user as every page names them: the full name, else the username; "—" for nobody."""
    return person_name(user or None, nobody="—")
