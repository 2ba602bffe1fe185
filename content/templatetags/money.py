"""Amounts on pages, always with their currency: {currency: amount} totals, and single figures
kept in the reporting currency (content.money)."""

from django import template

from ..money import format_amounts, reporting_currency

register = template.Library()


@register.filter
def amounts(totals, empty="0"):
    """{"USD": "5000.00", "EUR": "1200.00"} -> "EUR 1,200 · USD 5,000"."""
    return format_amounts(totals, empty=empty)


@register.filter
def amounts_short(totals, empty="0"):
    """{"USD": "84000.00"} -> "USD 84k": short enough for a result card or a calendar badge."""
    return format_amounts(totals, short=True, empty=empty)


@register.filter
def reporting_amount(value):
    """A figure kept in the reporting currency (business impact), with that currency's code."""
    return format_amounts({reporting_currency(): value or 0}, empty=f"{reporting_currency()} 0")
