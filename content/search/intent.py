"""What a query says beyond its words: the kind of asset the rep named ("case study healthcare":
case studies about healthcare) and the exact name of a competitor or a customer, whose own battle
card or case study then comes first. The words for each kind are data, in kind_words.json."""

import json
from functools import cache
from pathlib import Path

from django.db.models.functions import Upper

from ..models import Asset, AssetKind, Competitor
from .query import WORD, ParsedQuery, without

KIND_WORDS_FILE = Path(__file__).with_name("kind_words.json")
PINNED_LIMIT = 10


@cache
def kind_phrases() -> dict[tuple[str, ...], str]:
    """{("case", "study"): "case_study", ...}: every spelling of kind_words.json, as query words."""
    data = json.loads(KIND_WORDS_FILE.read_text(encoding="utf-8"))
    phrases = {}
    for kind, spellings in data.items():
        if kind.startswith("_"):
            continue
        if kind not in AssetKind.values:
            raise ValueError(f"{KIND_WORDS_FILE.name}: {kind!r} is not a kind of asset")
        for spelling in spellings:
            phrases[tuple(w.lower() for w in WORD.findall(spelling))] = kind
    return phrases


def named_kind(parsed: ParsedQuery) -> tuple[str, ParsedQuery]:
    """(the kind the query names, the query without those words), or ("", the query) when it names
    none. The first kind phrase wins, its longest spelling ("objection handling" over "objection");
    a phrase must cover whole clauses, not part of a quoted one, and queries with `or` are left alone."""
    clauses = parsed.clauses
    if any(c.or_before for c in clauses):
        return "", parsed
    phrases = kind_phrases()
    longest = max(len(words) for words in phrases)
    for start, first in enumerate(clauses):
        if first.excluded:
            continue
        words, found = (), None
        for end in range(start, len(clauses)):
            if clauses[end].excluded:
                break
            words += clauses[end].words
            if len(words) > longest:
                break
            if words in phrases:
                found = (phrases[words], end)
        if found:
            kind, end = found
            return kind, without(parsed, set(range(start, end + 1)))
    return "", parsed


def exact_name(parsed: ParsedQuery) -> str:
    """The query as a name ("showcase pro"), or "" when it is more than one: exclusions, `or`."""
    if not parsed.positive or len(parsed.clauses) != len(parsed.positive) or len(parsed.clauses) > 6:
        return ""
    if any(c.or_before for c in parsed.clauses):
        return ""
    return " ".join(parsed.words)


def pinned_ids(parsed: ParsedQuery) -> tuple[int, ...]:
    """The ids of the battle cards of the competitor, and of the case studies of the customer, whose
    name is the whole query (case and spacing aside): one query, by indexes (the competitor links;
    the case studies' upper-cased customer names)."""
    name = exact_name(parsed)
    if not name:
        return ()
    rivals = Competitor.objects.filter(name__iexact=name)
    cards = Asset.objects.filter(kind=AssetKind.BATTLE_CARD, competitors__in=rivals).order_by().values_list("pk")
    cases = (
        Asset.objects.filter(kind=AssetKind.CASE_STUDY)
        .alias(customer_upper=Upper("customer"))
        .filter(customer_upper=name.upper())
        .order_by()
        .values_list("pk")
    )
    return tuple(sorted(pk for (pk,) in cards.union(cases)[:PINNED_LIMIT]))
