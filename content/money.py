"""Amounts of money in several currencies: totals are kept per currency and shown with their
currency code, never added across currencies (there is no exchange rate in the product)."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.formats import number_format

CENT = Decimal("0.01")


def reporting_currency() -> str:
    return settings.REPORTING_CURRENCY


def by_currency(rows) -> dict[str, str]:
    """{currency: total} from (currency, amount) pairs, each total a two-decimal string (JSON keeps
    it exact), sorted by currency code."""
    totals: dict[str, Decimal] = {}
    for currency, amount in rows:
        totals[currency] = totals.get(currency, Decimal("0")) + Decimal(str(amount or 0))
    return {currency: str(totals[currency].quantize(CENT)) for currency in sorted(totals)}


def _short(amount: Decimal) -> str:
    if amount >= 1_000_000:
        return f"{amount / 1_000_000:.1f}M".replace(".0M", "M")
    if amount >= 1_000:
        return f"{amount / 1_000:.0f}k"
    return f"{amount:.0f}"


def format_amounts(totals: dict | None, *, short: bool = False, empty: str = "0") -> str:
    """ "USD 5,000 · EUR 1,200" (or "USD 5k · EUR 1.2k" short) for a {currency: amount} dict."""
    parts = []
    for currency, amount in sorted((totals or {}).items()):
        value = Decimal(str(amount))
        if not value:
            continue
        whole = value.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        shown = _short(value) if short else number_format(whole, decimal_pos=0, force_grouping=True)
        parts.append(f"{currency} {shown}")
    return " · ".join(parts) or empty


__all__ = ["by_currency", "format_amounts", "reporting_currency"]
