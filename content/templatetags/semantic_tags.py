"""{% passage_html passage query %}: a matching passage, cut around the query and its words marked."""

from django import template

from ..semantic.display import excerpt, highlight

register = template.Library()


@register.simple_tag
def passage_html(passage, query):
    return highlight(excerpt(passage.text, query), query)
