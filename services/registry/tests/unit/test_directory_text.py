"""Search text: folding, query words and the full-text query strings built from them."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from ecbm_registry.application.directory import text


def test_folding_drops_case_and_accents() -> None:
    assert text.fold("Jugendförderung ÉCOLE Straße") == "jugendforderung ecole strasse"


@given(st.text(st.characters(max_codepoint=127), max_size=200))
def test_ascii_text_folds_as_the_full_unicode_folding_would(value: str) -> None:
    # fold's shortcut for ASCII text, against the folding it stands for
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", value).casefold())
    assert text.fold(value) == "".join(c for c in decomposed if not unicodedata.combining(c))


def test_query_words_are_distinct_folded_words_without_punctuation() -> None:
    assert text.query_words('  Buddy-Up "Gent" buddy & (OR) *') == ("buddy", "up", "gent", "or")
    assert text.query_words("") == ()
    assert text.query_words("a_b") == ("a", "b")


@given(st.text(max_size=300))
def test_any_input_gives_few_short_letter_and_digit_words(query: str) -> None:
    words = text.query_words(query)
    assert len(words) <= text.MAX_QUERY_WORDS and len(set(words)) == len(words)
    for word in words:
        assert word and len(word) <= text.MAX_WORD_LENGTH
        assert all(c.isalnum() for c in word) and text.fold(word) == word


@given(st.text(max_size=300))
def test_query_strings_have_only_the_syntax_we_write(query: str) -> None:
    words = text.query_words(query)
    tsquery = text.postgresql_tsquery(words)
    match = text.sqlite_match(words)
    if not words:
        assert tsquery == match == ""
        return
    word = r"[^\W_]+"
    assert re.fullmatch(rf"{word}:\*( & {word}:\*)*", tsquery)
    assert re.fullmatch(rf'"{word}"\*( AND "{word}"\*)*', match)


@given(st.text(max_size=200))
def test_folding_is_idempotent(value: str) -> None:
    assert text.fold(text.fold(value)) == text.fold(value)


def test_a_snippet_shows_the_part_around_the_first_matching_word() -> None:
    description = " ".join(["filler"] * 80 + ["Ghent", "buddies"] + ["more"] * 80)

    shown = text.snippet(description, ("ghent",))

    assert "Ghent buddies" in shown and shown.startswith("… ") and shown.endswith(" …")
    assert len(shown) <= text.SNIPPET_LENGTH + 4


def test_a_short_description_is_its_own_snippet() -> None:
    assert text.snippet("  Buddy  up\nin Ghent ", ("ghent",)) == "Buddy up in Ghent"


@given(st.text(max_size=1000), st.lists(st.text(min_size=1, max_size=10), max_size=3))
def test_a_snippet_is_bounded_and_taken_from_the_description(
    description: str, raw_words: list[str]
) -> None:
    words = text.query_words(" ".join(raw_words))
    shown = text.snippet(description, words)
    assert len(shown) <= text.SNIPPET_LENGTH + 4
    core = shown.removeprefix("… ").removesuffix(" …")
    assert core in " ".join(description.split())
