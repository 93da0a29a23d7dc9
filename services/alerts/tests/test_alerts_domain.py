"""The aggregates: sources' health and backoff, items' revisions, saved-search matching."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecbm_alerts.domain.entry import CallStatus, Entry, ItemKind
from ecbm_alerts.domain.item import Item, ItemRevised, NotAFundingCall
from ecbm_alerts.domain.relevance import relevance
from ecbm_alerts.domain.source import (
    Health,
    Source,
    SourceFailed,
    SourceKind,
    SourceNotActive,
    next_poll_after,
)
from ecbm_alerts.domain.subscription import (
    Candidate,
    Rhythm,
    SavedSearch,
    SearchIndex,
    matches,
)


def a_source() -> Source:
    return Source.add(
        "s1", name="Feed", kind=SourceKind.FEED, url="https://x.example/feed",
        item_kind=ItemKind.POLICY_DOCUMENT, query="", interval_minutes=60, added_by="ed",
    )  # fmt: skip


def test_a_failing_source_is_degraded_backs_off_and_recovers() -> None:
    source = a_source()
    source.failed("HTTP 500")
    source.failed("timed out")
    assert (source.health, source.last_error) == (Health.DEGRADED, "timed out")
    assert source.wait_before_next_poll() == timedelta(hours=4)
    assert isinstance(source.collect_new_events()[-1], SourceFailed)

    source.fetched('"v2"', "", entries=3, new_items=1)
    assert (source.health, source.failures, source.etag) == (Health.OK, 0, '"v2"')


def test_backoff_never_exceeds_a_day() -> None:
    assert next_poll_after(timedelta(minutes=30), 50) == timedelta(hours=24)


def test_only_an_active_source_can_be_paused() -> None:
    source = a_source()
    source.pause()
    with pytest.raises(SourceNotActive):
        source.pause()
    source.resume()
    assert source.state.value == "active"


def a_call(**facts: object) -> Entry:
    fields: dict[str, object] = {
        "kind": ItemKind.FUNDING_CALL,
        "title": "Mentoring for inclusive education",
        "identifier": "ERASMUS-1",
        "status": CallStatus.OPEN,
        "deadlines": (date(2027, 3, 12),),
        **facts,
    }
    return Entry(**fields)  # type: ignore[arg-type]


def test_a_moved_deadline_and_a_new_status_are_revisions() -> None:
    item = Item.collect("i1", "funding_call:ERASMUS-1", a_call(), "s1", relevance("mentoring"))
    item.collect_new_events()

    changes = item.merge(a_call(deadlines=(date(2027, 4, 1),), status=CallStatus.CLOSED), "s2")

    assert changes == ("deadline_moved", "status_changed")
    revised = item.collect_new_events()[0]
    assert isinstance(revised, ItemRevised)
    assert item.facts.next_deadline == date(2027, 4, 1)
    assert item.merge(a_call(deadlines=(date(2027, 4, 1),), status=CallStatus.CLOSED), "s2") == ()
    assert item.collect_new_events() == []  # same facts, same source: nothing new


def test_a_deadline_is_reminded_once_and_only_for_calls() -> None:
    call = Item.collect("i1", "k", a_call(), "s1", relevance(""))
    assert call.remind(date(2027, 3, 12), 30) and not call.remind(date(2027, 3, 12), 30)
    doc = Item.collect("i2", "k2", Entry(kind=ItemKind.NETWORK, title="x"), "s1", relevance(""))
    with pytest.raises(NotAFundingCall):
        doc.remind(date(2027, 3, 12), 7)


WORDS = ["mentoring", "youth", "erasmus", "school", "refugees", "skills", "call", "network"]
searches = st.builds(
    SavedSearch,
    id=st.uuids().map(str),
    person_id=st.just("p"),
    name=st.just("s"),
    words=st.frozensets(st.sampled_from(WORDS), max_size=2),
    kinds=st.frozensets(st.sampled_from([k.value for k in ItemKind]), max_size=2),
    topics=st.frozensets(st.sampled_from(["education", "health"]), max_size=1),
    countries=st.frozensets(st.sampled_from(["BE", "PT"]), max_size=1),
    rhythm=st.just(Rhythm.DAILY),
    best_only=st.booleans(),
    organisation_kind=st.sampled_from(["", "PUBLIC_BODY", "RESEARCH_INSTITUTION"]),
)
candidates = st.builds(
    Candidate,
    kind=st.sampled_from([k.value for k in ItemKind]),
    words=st.frozensets(st.sampled_from(WORDS), max_size=5),
    topics=st.frozensets(st.sampled_from(["education", "health"]), max_size=2),
    countries=st.frozensets(st.sampled_from(["BE", "PT", "NL"]), max_size=1),
    relevance=st.floats(0, 1),
    audiences=st.frozensets(st.sampled_from(["PUBLIC_BODY", "FUNDER"]), max_size=2),
)


@settings(max_examples=200)
@given(st.lists(searches, max_size=30), candidates)
def test_the_index_finds_exactly_the_searches_that_match(
    saved: list[SavedSearch], item: Candidate
) -> None:
    expected = {s.id for s in saved if matches(s, item)}
    assert {s.id for s in SearchIndex(saved).matching(item)} == expected


def test_an_item_for_the_subscribers_kind_of_organisation_weighs_more_for_them() -> None:
    item = Candidate(kind="funding_call", words=frozenset(), topics=frozenset(),
                     countries=frozenset(), relevance=0.5,
                     audiences=frozenset({"RESEARCH_INSTITUTION"}))  # fmt: skip
    search = SavedSearch(id="s", person_id="p", name="n", words=frozenset(), kinds=frozenset(),
                         topics=frozenset(), countries=frozenset(), rhythm=Rhythm.DAILY,
                         best_only=True)  # fmt: skip
    by_kind = {
        kind: matches(replace(search, organisation_kind=kind), item)
        for kind in ("", "RESEARCH_INSTITUTION", "MENTORING_ORGANISATION")
    }
    assert by_kind == {"": False, "RESEARCH_INSTITUTION": True, "MENTORING_ORGANISATION": False}
    noise = replace(item, relevance=0.3)
    everything = replace(search, best_only=False, organisation_kind="MENTORING_ORGANISATION")
    assert not matches(everything, noise)  # 0.3 - 0.15: noise for an NGO
    assert matches(replace(everything, organisation_kind=""), noise)
