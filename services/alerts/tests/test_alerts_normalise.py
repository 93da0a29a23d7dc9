"""Normalising and deduplicating: canonical URLs, titles, relevance (with hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ecbm_alerts.application.ingest import Deduplicator
from ecbm_alerts.domain.entry import (
    Entry,
    ItemKind,
    canonical_url,
    item_key,
    normalised_title,
    title_block,
)
from ecbm_alerts.domain.relevance import relevance

paths = st.lists(st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True), min_size=1, max_size=4)
languages = st.sampled_from(["en", "fr", "de", "nl", "EN", "FR"])


@given(paths, languages, languages)
def test_language_versions_of_a_page_share_one_canonical_url(
    path: list[str], one: str, other: str
) -> None:
    tail = "/".join(path)
    first = canonical_url(f"https://www.example.eu/{one}/{tail}?utm_source=rss#top")
    second = canonical_url(f"http://example.eu/{other}/{tail}/?lang={other}")
    assert first == second
    assert canonical_url(first) == first  # idempotent


def test_different_documents_keep_different_urls() -> None:
    a = canonical_url("https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32026H06401")
    b = canonical_url("https://eur-lex.europa.eu/legal-content/FR/TXT/?uri=CELEX:32026H06401")
    c = canonical_url("https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:52026DC0530")
    assert a == b != c


@given(st.text(max_size=300))
def test_relevance_is_bounded_and_deterministic(text: str) -> None:
    score = relevance(text)
    assert 0.0 <= score.score <= 1.0
    assert relevance(text) == score


def test_mentoring_scores_in_every_language_and_noise_does_not() -> None:
    for text in (
        "Youth mentoring for early school leavers",
        "Le mentorat des réfugiés et l'inclusion sociale",
        "Mentoring für Geflüchtete und Arbeitsmarktintegration",
        "Maatjesprojecten: mentoring voor leerlingen in het onderwijs",
    ):
        assert not relevance(text).noise, text
    assert relevance("Fisheries quotas for the Baltic Sea").noise
    assert relevance("Mentoring refugees into employment").topics == (
        "labour-market-integration",
        "social-inclusion",
    )


VOCABULARY = ["mentoring", "youth", "call", "Europe", "2027", "skills", "inclusion", "school"]
titles = st.lists(st.sampled_from(VOCABULARY), min_size=3, max_size=7)


@given(titles, st.sampled_from(["", "!", " ", "  -- "]), st.booleans())
def test_a_title_differing_in_case_accents_or_punctuation_is_the_same_item(
    words: list[str], noise: str, upper: bool
) -> None:
    title = " ".join(words)
    stored = Entry(kind=ItemKind.NETWORK, title=title, url="https://a.example/1")
    copy = Entry(
        kind=ItemKind.NETWORK,
        title=(title.upper() if upper else title) + noise,
        url="https://b.example/elsewhere",
    )
    dedupe = Deduplicator([], threshold=92)
    dedupe.remember("i1", "network", item_key(stored), canonical_url(stored.url),
                    _block(stored.title), normalised_title(stored.title))  # fmt: skip
    assert dedupe.find(copy, item_key(copy)) == "i1"


def test_identifiers_are_never_merged_by_title() -> None:
    one = Entry(kind=ItemKind.FUNDING_CALL, title="Mentoring call", identifier="A-1")
    two = Entry(kind=ItemKind.FUNDING_CALL, title="Mentoring call", identifier="A-2")
    dedupe = Deduplicator([], threshold=92)
    dedupe.remember("i1", "funding_call", item_key(one), "", _block(one.title),
                    normalised_title(one.title))  # fmt: skip
    assert dedupe.find(two, item_key(two)) is None
    assert dedupe.find(one, item_key(one)) == "i1"


def _block(title: str) -> str:
    return title_block(title)


def test_whom_an_item_addresses_is_read_in_every_language() -> None:
    for text in (
        "Mentoring programmes of universities and research organisations",
        "Appel aux universités : le mentorat des doctorants",
        "Mentoring an Hochschulen und Forschungseinrichtungen",
        "Mentoring aan universiteiten en hogescholen",
    ):
        assert relevance(text).audiences == ("RESEARCH_INSTITUTION",), text
    assert relevance("Kommunen und Vereine im Mentoring").audiences == (
        "MENTORING_ORGANISATION",
        "PUBLIC_BODY",
    )
    assert relevance("Youth mentoring for early school leavers").audiences == ()
