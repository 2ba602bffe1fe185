"""The query language reps type, parsed once for both backends: words, "quoted phrases",
-exclusions and `or` (the websearch syntax of PostgreSQL), plus the word being typed for
search-as-you-type."""

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
PREFIX_MIN_LENGTH = 3


@dataclass(frozen=True)
class Clause:
    """One unit of the query: a word or phrase (`words`), possibly excluded; `or_before` joins it
    to the clause before with OR instead of AND."""

    words: tuple[str, ...]
    excluded: bool = False
    phrase: bool = False
    or_before: bool = False
    # The clause as typed ('-"security review"'), so that a query can be rebuilt without one clause.
    source: str = field(default="", compare=False)


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    clauses: tuple[Clause, ...] = field(default_factory=tuple)
    # The last bare word when the rep is still typing it (no trailing space): matched as a prefix.
    typing: str = ""
    # The raw query before that word.
    head: str = ""

    @property
    def positive(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.excluded)

    @property
    def words(self) -> list[str]:
        return [w for c in self.positive for w in c.words]

    def __bool__(self):
        return bool(self.positive)


# PostgreSQL's English configuration drops these (Snowball's list); the SQLite translation drops
# them too so that both databases match the same documents.
STOP_WORDS = frozenset(
    [
        "i",
        "me",
        "my",
        "myself",
        "we",
        "our",
        "ours",
        "ourselves",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "he",
        "him",
        "his",
        "himself",
        "she",
        "her",
        "hers",
        "herself",
        "it",
        "its",
        "itself",
        "they",
        "them",
        "their",
        "theirs",
        "themselves",
        "what",
        "which",
        "who",
        "whom",
        "this",
        "that",
        "these",
        "those",
        "am",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "having",
        "do",
        "does",
        "did",
        "doing",
        "a",
        "an",
        "the",
        "and",
        "but",
        "if",
        "or",
        "because",
        "as",
        "until",
        "while",
        "of",
        "at",
        "by",
        "for",
        "with",
        "about",
        "against",
        "between",
        "into",
        "through",
        "during",
        "before",
        "after",
        "above",
        "below",
        "to",
        "from",
        "up",
        "down",
        "in",
        "out",
        "on",
        "off",
        "over",
        "under",
        "again",
        "further",
        "then",
        "once",
        "here",
        "there",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "no",
        "nor",
        "not",
        "only",
        "own",
        "same",
        "so",
        "than",
        "too",
        "very",
        "s",
        "t",
        "can",
        "will",
        "just",
        "don",
        "should",
        "now",
    ]
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in WORD.findall(text))


def parse(text: str) -> ParsedQuery:
    text = (text or "")[:300]
    still_typing = bool(text) and not text[-1].isspace()
    raw = text.strip()
    clauses: list[Clause] = []
    pending_or = False
    tokens = list(_TOKEN.finditer(raw))
    for match in tokens:
        minus, quoted, bare = match.groups()
        if bare is not None and bare.lower() == "or":
            pending_or = bool(clauses)
            continue
        if bare is not None:
            excluded = bare.startswith("-") and len(bare) > 1
            words = _words(bare[1:] if excluded else bare)
            phrase = len(words) > 1
        else:
            excluded = bool(minus)
            words = _words(quoted)
            phrase = True
        if not words:
            continue
        clauses.append(Clause(words, excluded, phrase, pending_or and not excluded, match.group(0)))
        pending_or = False
    typing = ""
    if still_typing and clauses and tokens:
        last = clauses[-1]
        bare = tokens[-1].group(3)
        if (
            bare is not None
            and not last.excluded
            and bare.lower() != "or"
            and len(last.words) == 1
            and len(last.words[0]) >= PREFIX_MIN_LENGTH
            and last.words[0].isalnum()
        ):
            typing = last.words[0]
            head = raw[: tokens[-1].start()]
    return ParsedQuery(raw, tuple(clauses), typing, head if typing else "")


def without(parsed: ParsedQuery, dropped: set[int]) -> ParsedQuery:
    """The query without the clauses at these positions, parsed again from what the rep typed (the
    word still being typed stays a prefix only when it is kept). Queries with `or` are left whole."""
    if any(c.or_before for c in parsed.clauses):
        return parsed
    kept = [c.source for i, c in enumerate(parsed.clauses) if i not in dropped]
    last_kept = (len(parsed.clauses) - 1) not in dropped
    return parse(" ".join(kept) + ("" if parsed.typing and last_kept else " "))


def any_word(parsed: ParsedQuery) -> ParsedQuery:
    """The same query with its positive words joined by OR: what matches at least one of them."""
    words = list(dict.fromkeys(w for w in parsed.words if w not in STOP_WORDS))
    return parse(" or ".join(words) + " ")


def trigrams(word: str) -> set[str]:
    """PostgreSQL pg_trgm's trigrams of one word: padded with two spaces before, one after."""
    padded = f"  {word.lower()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


# How close a library word must be to a query word to replace it: pg_trgm's similarity, shared
# trigrams over all trigrams ("batle" / "battle" 0.62, "pricng" / "pricing" 0.5).
SPELLING_THRESHOLD = 0.45


def is_dictionary_word(word: str) -> bool:
    """Words of 3 to 40 letters make the dictionary that corrects misspelt query words."""
    return word.isalpha() and 3 <= len(word) <= 40


def dictionary_words(*texts: str) -> set[str]:
    return {w for text in texts for w in _words(text or "") if is_dictionary_word(w)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity() of two words."""
    grams_a, grams_b = trigrams(a), trigrams(b)
    return len(grams_a & grams_b) / len(grams_a | grams_b) if grams_a or grams_b else 0.0


def word_similarity(query: str, text: str) -> float:
    """How much of the query's trigrams the text contains (0..1), like pg_trgm's word_similarity
    without its contiguous-extent refinement."""
    query_grams = set().union(*(trigrams(w) for w in _words(query))) if _words(query) else set()
    if not query_grams:
        return 0.0
    text_grams = set().union(*(trigrams(w) for w in _words(text))) if _words(text) else set()
    return len(query_grams & text_grams) / len(query_grams)
