"""The sales glossary (sales_glossary.json): words reps say that the library's assets rarely use,
each with the plainer words the assets do use. A query's meaning is taken from the query with the
glossary words of its terms added, so "the champion just left" also means "our main contact";
the keyword search and the words shown to the user are untouched."""

import json
import re
from functools import lru_cache
from pathlib import Path

GLOSSARY_FILE = Path(__file__).with_name("sales_glossary.json")


@lru_cache(maxsize=1)
def _entries(path: Path = GLOSSARY_FILE) -> tuple[tuple[re.Pattern, str], ...]:
    terms = json.loads(path.read_text(encoding="utf-8"))["terms"]
    # Whole words or phrases, any case, any spacing between the words of a phrase.
    return tuple(
        (re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, term.split())) + r"(?!\w)", re.IGNORECASE), meaning)
        for term, meaning in terms.items()
    )


def expand(query: str) -> str:
    """The query with the meanings of its glossary terms appended in brackets, or the query as is."""
    meanings = [meaning for pattern, meaning in _entries() if pattern.search(query)]
    return f"{query} ({'; '.join(dict.fromkeys(meanings))})" if meanings else query
