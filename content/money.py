"""Amounts of money in several currencies: totals are kept per currency and shown with their
currency, never added across currencies (there is no exchange rate in the product). `format_money`
is the one way an amount is written for people; the API and the CSV keep numbers and codes."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

CENT = Decimal("0.01")
ONE = Decimal("1")
TENTH = Decimal("0.1")

# Symbols that name one currency only (the English CLDR ones); any other currency is written with
# its ISO code: "CHF 1,200".
SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "INR": "₹",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "CNY": "CN¥",
    "HKD": "HK$",
    "MXN": "MX$",
    "BRL": "R$",
    "TWD": "NT$",
    "KRW": "₩",
    "ILS": "₪",
    "VND": "₫",
}


def currency_of_symbol(text: str) -> tuple[str | None, str]:
    """(the currency a symbol in `text` names, `text` without it): "CA$1,200" -> ("CAD", "1,200"),
    "$5" -> ("USD", "5"); (None, text) when it holds none. The longest symbol wins, so "CA$" and
    "R$" are not read as "$". Reads what `format_money` writes."""
    for symbol, code in _BY_SYMBOL:
        if symbol in text:
            return code, text.replace(symbol, "", 1)
    return None, text


_BY_SYMBOL = sorted(((symbol, code) for code, symbol in SYMBOLS.items()), key=lambda pair: -len(pair[0]))

# Compact figures: the smallest unit whose rounded figure stays under a thousand (billions beyond).
SHORT_UNITS = ((Decimal(1_000), "k"), (Decimal(1_000_000), "M"), (Decimal(1_000_000_000), "B"))


def reporting_currency() -> str:
    return settings.REPORTING_CURRENCY


def by_currency(rows) -> dict[str, str]:
    """{currency: total} from (currency, amount) pairs, each total a two-decimal string (JSON keeps
    it exact), sorted by currency code."""
    totals: dict[str, Decimal] = {}
    for currency, amount in rows:
        totals[currency] = totals.get(currency, Decimal("0")) + Decimal(str(amount or 0))
    return {currency: str(totals[currency].quantize(CENT)) for currency in sorted(totals)}


def _figure(amount: Decimal, *, short: bool) -> str:
    """A non-negative amount: "15,500" in whole units, or "15.5k" short."""
    whole = amount.quantize(ONE, rounding=ROUND_HALF_UP)
    if not short or whole < 1_000:
        return f"{whole:,}"
    size, suffix = next(
        (unit for unit in SHORT_UNITS if _tenths(amount / unit[0]) < 1_000),
        SHORT_UNITS[-1],
    )
    return f"{_tenths(amount / size):,}".removesuffix(".0") + suffix


def _tenths(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def format_money(amount, currency: str, *, short: bool = False) -> str:
    """ "$15,500", "€1,200", "CHF 1,200", "-$300"; short: "$15.5k", "$2.8M". Whole units, rounded
    half up; a symbol only where it names one currency, otherwise the ISO code and a space."""
    value = Decimal(str(amount))
    figure = _figure(abs(value), short=short)
    sign = "-" if value < 0 and figure.strip("0,.") else ""
    code = (currency or "").strip().upper()
    prefix = SYMBOLS.get(code) or (f"{code} " if code else "")
    return f"{sign}{prefix}{figure}"


def format_amounts(totals: dict | None, *, short: bool = False, empty: str | None = None) -> str:
    """ "$5,000 · €1,200" (or "$5k · €1.2k" short) for a {currency: amount} dict: the reporting
    currency first, then the others by code; zero totals left out. `empty` is shown when nothing is
    left, by default zero in the reporting currency."""
    first = reporting_currency()
    parts = [
        format_money(amount, currency, short=short)
        for currency, amount in sorted((totals or {}).items(), key=lambda item: (item[0] != first, item[0]))
        if Decimal(str(amount))
    ]
    if parts:
        return " · ".join(parts)
    return format_money(0, first) if empty is None else empty


__all__ = ["by_currency", "format_amounts", "format_money", "reporting_currency"]
