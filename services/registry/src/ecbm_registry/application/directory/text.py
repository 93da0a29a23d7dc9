"""Search text: folding, query words and the full-text query strings built from them.

Programmes are written in many languages, so there is no stemming: text and queries are
case- and accent-folded the same way ("Jugendförderung" finds "jugendforderung"), split
into letters-and-digits words, and every query word must match the start of a word.
Query strings are built from such words only, so no input can break their syntax.
"""

from __future__ import annotations

import re
import unicodedata

MAX_QUERY_WORDS = 8
MAX_WORD_LENGTH = 40
SNIPPET_LENGTH = 200
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case without accents: the form both the index and the queries use."""
    if text.isascii():  # no compatibility forms, case folding is lower(), no marks
        return text.lower()
    # Compatibility forms first ("℠" → "SM"), then case, then once more: case folding
    # may produce new combining marks ("İ" → "i" + dot above).
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def query_words(query: str) -> tuple[str, ...]:
    """The distinct folded words of ``query``, at most MAX_QUERY_WORDS, each cut to length."""
    words = (w[:MAX_WORD_LENGTH] for w in _WORD.findall(fold(query)))
    return tuple(dict.fromkeys(words))[:MAX_QUERY_WORDS]


def postgresql_tsquery(words: tuple[str, ...]) -> str:
    """For ``to_tsquery('simple', …)``: every word, as a prefix."""
    return " & ".join(f"{word}:*" for word in words)


def sqlite_match(words: tuple[str, ...]) -> str:
    """For FTS5 ``MATCH``: every word, as a quoted prefix."""
    return " AND ".join(f'"{word}"*' for word in words)


def snippet(description: str, words: tuple[str, ...], length: int = SNIPPET_LENGTH) -> str:
    """About ``length`` characters of ``description`` around the first word that matches.

    Folding keeps the length of most scripts' text, so positions in the folded text are
    used on the original; when it does not (rare ligatures), the start is shown.
    """
    text = " ".join(description.split())
    if len(text) <= length:
        return text
    start = 0
    folded = fold(text)
    if len(folded) == len(text):
        hits = [m.start() for w in words if (m := re.search(rf"\b{re.escape(w)}", folded))]
        if hits:
            start = max(0, min(hits) - length // 4)
            while start > 0 and not text[start - 1].isspace():
                start -= 1
    cut = text[start : start + length]
    if start + length < len(text):
        cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return ("… " if start else "") + cut + (" …" if start + len(cut) < len(text) else "")


def search_name(display_name: str) -> str:
    return fold(display_name)


def search_body(description: str, organisation_name: str, city: str) -> str:
    return fold(" ".join((description, organisation_name, city)))
