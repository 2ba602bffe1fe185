"""Amounts on pages, always with their currency and always through `content.money.format_money`:
single amounts, {currency: amount} totals, and figures kept in the reporting currency. The short
forms are for places without room (result cards, calendar badges)."""

from decimal import InvalidOperation

from django import template

from ..money import format_amounts, format_money, reporting_currency

register = template.Library()


def _money(amount, currency, *, short):
    if amount is None or amount == "":
        return "—"
    try:
        return format_money(amount, currency, short=short)
    except (InvalidOperation, TypeError, ValueError):
        return ""


@register.filter
def money(amount, currency):
    """{{ deal.amount|money:deal.currency }} -> "$241,000"."""
    return _money(amount, currency, short=False)


@register.filter
def money_short(amount, currency):
    """{{ deal.amount|money_short:deal.currency }} -> "$241k"."""
    return _money(amount, currency, short=True)


@register.filter
def amounts(totals, empty=None):
    """{"USD": "5000.00", "EUR": "1200.00"} -> "$5,000 · €1,200"."""
    return format_amounts(totals, empty=empty)


@register.filter
def amounts_short(totals, empty=None):
    """{"USD": "84000.00"} -> "$84k"."""
    return format_amounts(totals, short=True, empty=empty)


@register.filter
def reporting_amount(value):
    """A figure kept in the reporting currency (business impact): "$8,000", "$0" when there is none."""
    return format_money(value or 0, reporting_currency())
