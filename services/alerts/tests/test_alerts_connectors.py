"""Connectors: each source shape becomes normalised entries; other documents are refused."""

from __future__ import annotations

from datetime import date

import pytest
from alerts_feeds import fixture

from ecbm_alerts.adapters.connectors import NotAFeed, parse
from ecbm_alerts.domain.entry import CallStatus, ItemKind
from ecbm_alerts.domain.source import SourceKind


def test_rss_entries_take_the_sources_item_kind_and_language() -> None:
    entries = parse(SourceKind.FEED, fixture("policy.rss"), ItemKind.POLICY_DOCUMENT)
    assert [e.kind for e in entries] == [ItemKind.POLICY_DOCUMENT] * 3
    assert entries[0].title.startswith("Council recommendation on youth mentoring")
    assert entries[0].language == "en" and entries[0].published_at is not None
    assert entries[0].keywords == ("education",)


def test_atom_entries_are_read_too() -> None:
    entries = parse(SourceKind.FEED, fixture("network.atom"), ItemKind.NETWORK)
    assert len(entries) == 2 and entries[0].url.startswith("https://network.example.eu/fr/")


def test_eurlex_entries_carry_celex_numbers_and_the_journal_series() -> None:
    entries = parse(SourceKind.EURLEX, fixture("eurlex.rss"), ItemKind.POLICY_DOCUMENT)
    assert [(e.identifier, e.oj_series) for e in entries] == [
        ("32026H06401", "C"),
        ("52026DC0530", "C"),
    ]


def test_procedure_files_carry_stage_committee_and_rapporteurs() -> None:
    first = parse(SourceKind.OEIL, fixture("oeil.json"), ItemKind.PROCEDURE)[0]
    assert (first.identifier, first.committee) == ("2026/0142(COD)", "CULT")
    assert first.stage == "Awaiting committee decision"
    assert [(r.name, r.role) for r in first.rapporteurs] == [
        ("Ana Ferreira", "rapporteur"),
        ("Jan de Vries", "shadow"),
    ]


def test_funding_calls_carry_status_programme_dates_budget_and_keywords() -> None:
    calls = parse(SourceKind.FUNDING, fixture("funding.json"), ItemKind.FUNDING_CALL)
    first, second = calls
    assert first.identifier == "ERASMUS-EDU-2027-PI-MENTOR"
    assert (first.status, first.programme) == (CallStatus.OPEN, "Erasmus+")
    assert (first.opening_date, first.deadlines) == (date(2026, 11, 5), (date(2027, 3, 12),))
    assert first.budget_eur == 8_000_000 and "mentoring" in first.keywords
    assert second.status is CallStatus.FORTHCOMING and len(second.deadlines) == 2
    assert second.url.endswith("topic-details/cerv-2027-citizens-volunteer")


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        (SourceKind.FEED, b"<html><body>Our news page</body></html>"),
        (SourceKind.FEED, b"<rss><channel><item><title>unclosed"),
        (SourceKind.FEED, b"\x00\xff\xfe garbage"),
        (SourceKind.OEIL, b"<rss/>"),
        (SourceKind.FUNDING, b'{"hits": []}'),
    ],
)
def test_a_document_not_in_the_sources_shape_is_not_a_feed(kind: SourceKind, body: bytes) -> None:
    with pytest.raises(NotAFeed):
        parse(kind, body, ItemKind.POLICY_DOCUMENT)
