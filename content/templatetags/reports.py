"""Formatting report cells on the pages: percentages, money, dates, and "not enough data" instead of a
number. The CSV and the API keep the raw values (numbers, codes, ISO dates)."""

import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html

from ..money import format_amounts, format_money, reporting_currency

register = template.Library()

NOT_ENOUGH = "not enough data"


@register.simple_tag
def cell(row, column):
    value = row.get(column.key)
    if value is None:
        if row.get("enough_data") is False and column.type in ("percent", "lift"):
            return NOT_ENOUGH
        return "—"
    if column.key == "title" and row.get("asset_id"):  # an asset's name links to its page
        return format_html('<a href="{}">{}</a>', reverse("asset-detail", args=[row["asset_id"]]), value)
    return format_value(value, column.type)


@register.filter
def on_page(columns):
    """The columns the page shows: ids, usernames and codes the page writes otherwise stay in the API
    and the CSV."""
    return [column for column in columns if column.page]


def format_value(value, kind):
    if kind == "percent":
        return f"{value * 100:.1f}%"
    if kind == "lift":
        return f"{value * 100:+.1f}%"
    if kind == "money":  # the sortable single figure, kept in the reporting currency
        return format_money(value, reporting_currency())
    if kind == "amounts":
        return format_amounts(value, empty="—")
    if kind == "int":
        return intcomma(value)
    if kind == "bool":
        return "yes" if value else "no"
    if kind == "datetime" and isinstance(value, datetime.datetime):
        shown = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.date_format(shown, "DATETIME_FORMAT")
    if kind == "date" and isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


@register.simple_tag
def plain(value, kind="text"):
    return "—" if value is None else format_value(value, kind)


@register.simple_tag(takes_context=True)
def sort_link(context, column):
    """The header link that sorts by `column`: descending first, toggled when already sorted."""
    from .enablement import querystring_with

    report = context["report"]
    direction = "asc" if report.sort == column.key and report.direction == "desc" else "desc"
    return querystring_with(context, sort=column.key, dir=direction, page=None)


@register.simple_tag(takes_context=True)
def aria_sort(context, column):
    report = context["report"]
    if report.sort != column.key:
        return "none"
    return "descending" if report.direction == "desc" else "ascending"
