"""What a query says beyond its words: the kind of asset the rep named ("case study healthcare":
case studies about healthcare) and the exact name of a competitor or a customer, whose own battle
card or case study then comes first. The words for each kind are data, in kind_words.json."""

import json
from functools import cache
from pathlib import Path

from django.db import connection

from ..models import AssetKind
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


# The battle cards of the competitor and the case studies of the customer named `%s` (twice: the
# name as typed, then upper-cased), the first PINNED_LIMIT found: the competitor's links, then the
# case studies' index on their upper-cased customer (its condition, kind = 'case_study', written as
# the index has it). The two kinds never overlap, so the lists are joined as they come and the
# statement stops at the limit. Written once: building and compiling it through the ORM was most of
# its cost, on every search that names anything.
_PINNED_SQL = (
    "SELECT a.id FROM content_asset_competitors l JOIN content_asset a ON a.id = l.asset_id "  # noqa: S608
    "WHERE l.competitor_id IN (SELECT id FROM content_competitor WHERE upper(name) = upper(%s)) "
    f"AND a.kind = '{AssetKind.BATTLE_CARD}' "
    f"UNION ALL SELECT a.id FROM content_asset a WHERE a.kind = '{AssetKind.CASE_STUDY}' AND upper(a.customer) = %s "
    f"LIMIT {PINNED_LIMIT}"
)


def pinned_ids(parsed: ParsedQuery) -> tuple[int, ...]:
    """The ids of the battle cards of the competitor, and of the case studies of the customer, whose
    name is the whole query (case and spacing aside): one query, by indexes (the competitor links;
    the case studies' upper-cased customer names)."""
    name = exact_name(parsed)
    if not name:
        return ()
    with connection.cursor() as cursor:
        cursor.execute(_PINNED_SQL, [name, name.upper()])
        return tuple(sorted(pk for (pk,) in cursor.fetchall()))
