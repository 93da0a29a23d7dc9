"""Ranking, whole-pool assignment and the Meet & Match scheduler: invariants (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ecbm_matching.domain.assignment import greedy, optimal
from ecbm_matching.domain.schedule import Meeting, check, schedule, upper_bound
from ecbm_matching.domain.scoring import (
    Blocks,
    Candidate,
    CandidatePool,
    CountryPreference,
    Need,
    Weights,
)

TOPICS = ["migrants", "mentoring", "labour-market", "youth", "evaluation"]
candidates = st.builds(
    Candidate,
    id=st.sampled_from([f"p{i}" for i in range(12)]),
    organisation_id=st.sampled_from(["o1", "o2", ""]),
    country=st.sampled_from(["BE", "FR", "DE"]),
    languages=st.frozensets(st.sampled_from(["en", "fr", "de"])),
    topics=st.dictionaries(st.sampled_from(TOPICS), st.sampled_from(["aware", "expert"])),
    text=st.sampled_from(["", "mentoring migrants into work", "youth evaluation design"]),
    evidence=st.integers(0, 4),
    quality_labels=st.integers(0, 3),
    capacity=st.integers(0, 3),
    load=st.integers(0, 3),
    ratings=st.lists(st.integers(1, 5), max_size=3).map(tuple),
    no_shows=st.integers(0, 2),
)
pools = st.lists(candidates, min_size=1, max_size=10, unique_by=lambda c: c.id)
needs = st.builds(
    Need,
    id=st.just("r1"),
    owner_id=st.sampled_from(["p0", "me"]),
    organisation_id=st.sampled_from(["o1", ""]),
    topics=st.frozensets(st.sampled_from(TOPICS), max_size=3),
    text=st.sampled_from(["", "mentoring of migrants", "evaluation"]),
    languages=st.frozensets(st.sampled_from(["en", "fr"])),
    country=st.sampled_from(["BE", ""]),
    country_preference=st.sampled_from(list(CountryPreference)),
    exclude_same_organisation=st.booleans(),
)


@given(pools, needs, st.frozensets(st.sampled_from([f"p{i}" for i in range(12)])))
@settings(max_examples=60, deadline=None)
def test_scores_lie_in_unit_interval_are_deterministic_and_blocked_never_appear(
    pool: list[Candidate], need: Need, blocked: frozenset[str]
) -> None:
    blocks = Blocks(frozenset(("me", c) for c in blocked) | frozenset(("p0", c) for c in blocked))
    first = CandidatePool(pool).rank(need, Weights(), blocks, k=20)
    again = CandidatePool(pool).rank(need, Weights(), blocks, k=20)
    assert first == again
    by_id = {c.id: c for c in pool}
    for rec in first:
        assert 0.0 <= rec.score <= 1.0
        assert rec.candidate_id not in blocked and rec.candidate_id != need.owner_id
        assert by_id[rec.candidate_id].capacity_left > 0
        if need.exclude_same_organisation and need.organisation_id:
            assert by_id[rec.candidate_id].organisation_id != need.organisation_id
    assert [r.score for r in first] == sorted((r.score for r in first), reverse=True)


@given(pools, needs, st.integers(1, 4))
@settings(max_examples=60, deadline=None)
def test_top_k_is_the_brute_force_ranking_ties_by_id(
    pool: list[Candidate], need: Need, k: int
) -> None:
    """The inverted-index ranking picks what sorting every allowed candidate's score
    (the factor matrix times the weights) by (score, highest first; id) picks."""
    built = CandidatePool(pool)
    weights = Weights(topics=1.0, text=0.0, languages=1.0, country=1.0, evidence=0.0)
    scores = np.clip(weights.vector() @ built.factor_matrix(need), 0.0, 1.0)
    allowed = np.flatnonzero(built.allowed(need, Blocks()))
    expected = sorted(allowed, key=lambda i: (-round(float(scores[i]), 6), built.ids[i]))[:k]
    ranked = built.rank(need, weights, k=k)
    assert [r.candidate_id for r in ranked] == [built.ids[i] for i in expected]
    assert [r.score for r in ranked] == [round(float(scores[i]), 6) for i in expected]


def test_among_many_equal_scores_the_first_ids_are_ranked() -> None:
    ids = [f"p{i:03d}" for i in range(300)]
    pool = CandidatePool([Candidate(id=i, topics={"youth": "expert"}) for i in reversed(ids)])
    ranked = pool.rank(Need(id="r", owner_id="me", topics=frozenset({"youth"})), Weights(), k=3)
    assert [r.candidate_id for r in ranked] == ids[:3]


def test_explanation_names_the_factors() -> None:
    expert = Candidate(
        id="ana",
        country="FR",
        languages=frozenset({"fr", "en"}),
        topics={"labour-market": "expert"},
        text="Labour-market integration of migrants through mentoring",
        evidence=3,
        ratings=(5, 4),
    )
    other = Candidate(id="ben", topics={"youth": "aware"}, text="sports for youth")
    need = Need(
        id="r",
        owner_id="me",
        topics=frozenset({"labour-market"}),
        text="mentoring migrants into jobs",
        languages=frozenset({"fr"}),
        country="BE",
        country_preference=CountryPreference.CROSS,
    )
    best, second = CandidatePool([other, expert]).rank(need, Weights())
    assert best.candidate_id == "ana" and best.score > second.score
    for words in (
        "both work on labour market",
        "speaks fr",
        "another country (FR)",
        "evidence level quasi-experimental",
        "rated 4.5/5 by 2",
        "migrants",
    ):
        assert words in best.explanation


def test_dismissed_candidate_never_returns() -> None:
    pool = CandidatePool([Candidate(id=f"p{i}", topics={"youth": "expert"}) for i in range(3)])
    need = Need(id="r", owner_id="me", topics=frozenset({"youth"}))
    ranked = pool.rank(need, Weights(), Blocks(frozenset({("r", "p1")})))
    assert [r.candidate_id for r in ranked] == ["p0", "p2"]


matrices = st.integers(1, 6).flatmap(
    lambda r: st.integers(1, 6).flatmap(
        lambda c: st.tuples(
            st.lists(st.integers(0, 20), min_size=r * c, max_size=r * c),
            st.lists(st.booleans(), min_size=r * c, max_size=r * c),
            st.lists(st.integers(0, 3), min_size=c, max_size=c),
            st.just((r, c)),
        )
    )
)


@given(matrices, st.sampled_from([None, 1, 2]))
@settings(max_examples=80, deadline=None)
def test_assignment_respects_capacities_and_blocks_and_beats_greedy(
    data: tuple[list[int], list[bool], list[int], tuple[int, int]], keep_best: int | None
) -> None:
    values, allowed_flat, caps, shape = data
    scores = np.array(values, dtype=float).reshape(shape) / 20
    allowed = np.array(allowed_flat).reshape(shape)
    capacities = np.array(caps, dtype=np.int64)
    best = optimal(scores, allowed, capacities, keep_best=keep_best)
    base = greedy(scores, allowed, capacities)
    for result in (best, base):
        rows = [r for r, _ in result.pairs]
        assert len(rows) == len(set(rows))
        assert all(allowed[r, c] for r, c in result.pairs)
        used = np.bincount([c for _, c in result.pairs], minlength=shape[1])
        assert (used <= capacities).all()
    assert best.total >= base.total - 1e-6 * shape[0]
    if keep_best is not None:  # walking each need's best pairs picks what walking all does
        assert greedy(scores, allowed, capacities, keep_best) == base


people = [f"p{i}" for i in range(8)]
meeting_lists = st.lists(
    st.tuples(st.sampled_from(people), st.sampled_from(people), st.booleans()), max_size=25
)


@given(
    meeting_lists,
    st.integers(1, 4),
    st.integers(1, 3),
    st.dictionaries(st.sampled_from(people), st.frozensets(st.integers(0, 3))),
)
@settings(max_examples=25, deadline=None)
def test_schedule_never_double_books_or_uses_an_unavailable_slot(
    raw: list[tuple[str, str, bool]],
    slots: int,
    tables: int,
    unavailable: dict[str, frozenset[int]],
) -> None:
    meetings = [Meeting(f"m{i}", a, b, mutual) for i, (a, b, mutual) in enumerate(raw)]
    result = schedule(meetings, slots, tables, unavailable, seconds=2)
    assert check(result, meetings, slots, tables, unavailable) == []
    assert result.objective <= upper_bound(meetings, slots, tables, unavailable) + 1e-6
    assert result == schedule(meetings, slots, tables, unavailable, seconds=2)
