"""Rounds (whole-pool assignment, reviewed then published) and the introductions they
propose: accepted or declined by each side, met, rated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ecbm_integration import matching as published
from ecbm_matching.adapters.introductions import IntroductionView, RoundView
from ecbm_matching.application import commands as c
from ecbm_matching.application.dependencies import MatchingDependencies
from ecbm_matching.application.requests import CANDIDATE_KIND, need_of
from ecbm_matching.domain.assignment import greedy, optimal
from ecbm_matching.domain.introduction import (
    Introduction,
    IntroductionNotFound,
    Pair,
    Party,
    Round,
    RoundNotFound,
)
from ecbm_matching.domain.request import MatchRequest, RequestState, Side
from ecbm_matching.domain.scoring import Blocks, CandidatePool, explain, score_matrix
from ecbm_runtime.ids import new_id
from ecbm_runtime.uow import UnitOfWork

# Edges kept per request in large rounds (the optimum is taken over these plus greedy's).
KEEP_BEST = 50


@dataclass(frozen=True)
class RoundProposal:
    round_id: str
    pairs: int
    assign_total: float
    greedy_total: float


def propose_round(command: c.ProposeRound, deps: MatchingDependencies) -> RoundProposal:
    """Every open request of the kind against every candidate with capacity left."""
    command.actor.require_role("admin")
    with deps.uow() as work:
        views = work.views
        page = views.requests.open_of_kind(command.kind.value)
        needs_views = [r for r in page if r.side is Side.SEEKING and r.owner_id]
        history = views.introductions.history()
        candidates = views.profiles.candidates(CANDIDATE_KIND[command.kind], history)
        weights = views.weights.current(command.kind.value)
        dismissed = views.requests.dismissed_pairs()
        pool = CandidatePool(candidates)
        needs = [need_of(r) for r in needs_views]
        blocks = Blocks(dismissed | history.declined | views.requests.conflict_pairs())
        scores, allowed = score_matrix(pool, needs, weights, blocks)
        capacities = np.array([cand.capacity_left for cand in candidates], dtype=np.int64)
        best = optimal(scores, allowed, capacities, keep_best=KEEP_BEST)
        baseline = greedy(scores, allowed, capacities)
        factors = {row: pool.factor_matrix(needs[row]) for row, _ in best.pairs}
        pairs = tuple(
            Pair(
                request_id=needs[row].id,
                requester_id=needs[row].owner_id,
                candidate_id=pool.ids[col],
                score=round(float(scores[row, col]), 6),
                explanation=explain(needs[row], candidates[col], factors[row][:, col]),
            )
            for row, col in best.pairs
        )
        round_id = new_id("round")
        work.repository(Round).add(
            Round.propose(
                round_id,
                command.kind.value,
                pairs,
                round(best.total, 6),
                round(baseline.total, 6),
            )
        )
        work.commit()
    return RoundProposal(round_id, len(pairs), best.total, baseline.total)


def get_round(query: c.GetRound, deps: MatchingDependencies) -> RoundView:
    query.actor.require_role("admin")
    with deps.read() as views:
        found = views.introductions.round(query.id)
    if found is None:
        raise RoundNotFound(f"round {query.id!r} does not exist")
    return found


def publish_round(command: c.PublishRound, deps: MatchingDependencies) -> int:
    """Publish the reviewed round: one introduction per pair, both sides told."""
    command.actor.require_role("admin")
    now = deps.clock()
    with deps.uow() as work:
        round_ = work.repository(Round).find(command.id)
        if round_ is None:
            raise RoundNotFound(f"round {command.id!r} does not exist")
        round_.publish()
        for pair in round_.pairs:
            request = work.repository(MatchRequest).find(pair.request_id)
            if request is None or request.state is not RequestState.OPEN:
                continue  # closed or paused since the round was proposed
            introduction_id = new_id("introduction", f"{round_.id}:{pair.request_id}")
            work.repository(Introduction).add(
                Introduction.open(introduction_id, round_.id, pair, request.terms.title)
            )
            for person in (pair.requester_id, pair.candidate_id):
                work.publish(
                    published.IntroductionProposed(
                        introduction_id=introduction_id,
                        person_id=person,
                        request_title=request.terms.title,
                        explanation=pair.explanation,
                        occurred_at=now,
                    ),
                    subject=person,
                )
        work.commit()
    return len(round_.pairs)


def _introduction(
    work: UnitOfWork[Any], command: c.IntroductionCommand
) -> tuple[Introduction, Party]:
    found = work.repository(Introduction).find(command.id)
    party = found.party_of(command.actor.subject) if found else None
    if found is None or party is None:
        raise IntroductionNotFound(f"introduction {command.id!r} does not exist")
    return found, party


def _other(introduction: Introduction, party: Party) -> str:
    pair = introduction.pair
    return pair.candidate_id if party == "requester" else pair.requester_id


def respond(command: c.RespondToIntroduction, deps: MatchingDependencies) -> str:
    """Accept (twice: no change) or decline; both accepted matches the request."""
    now = deps.clock()
    with deps.uow() as work:
        introduction, party = _introduction(work, command)
        title = introduction.request_title
        if command.accept:
            if introduction.accept(party):
                request = work.repository(MatchRequest).find(introduction.pair.request_id)
                if request is not None:
                    request.matched()
                for person in (introduction.pair.requester_id, introduction.pair.candidate_id):
                    work.publish(
                        published.IntroductionAccepted(
                            introduction_id=introduction.id,
                            person_id=person,
                            request_title=title,
                            occurred_at=now,
                        ),
                        subject=person,
                    )
        else:
            before = introduction.version
            introduction.decline(party, command.reason)
            other = _other(introduction, party)
            if introduction.version != before and other:
                work.publish(
                    published.IntroductionDeclined(
                        introduction_id=introduction.id,
                        person_id=other,
                        request_title=title,
                        occurred_at=now,
                    ),
                    subject=other,
                )
        work.commit()
    return command.id


def record_meeting(command: c.RecordMeeting, deps: MatchingDependencies) -> str:
    """Either side says whether they met; a meeting held asks both for feedback."""
    now = deps.clock()
    with deps.uow() as work:
        introduction, _party = _introduction(work, command)
        introduction.record_meeting(command.held)
        if command.held:
            for person in (introduction.pair.requester_id, introduction.pair.candidate_id):
                work.publish(
                    published.FeedbackRequested(
                        introduction_id=introduction.id,
                        person_id=person,
                        request_title=introduction.request_title,
                        occurred_at=now,
                    ),
                    subject=person,
                )
        work.commit()
    return command.id


def give_feedback(command: c.GiveFeedback, deps: MatchingDependencies) -> str:
    with deps.uow() as work:
        introduction, party = _introduction(work, command)
        introduction.give_feedback(party, command.rating, command.outcome, command.text)
        work.commit()
    return command.id


def get_introduction(query: c.GetIntroduction, deps: MatchingDependencies) -> IntroductionView:
    with deps.read() as views:
        found = views.introductions.introduction(query.id)
    subject = query.actor.subject
    if found is None or not subject or subject not in (found.requester_id, found.candidate_id):
        raise IntroductionNotFound(f"introduction {query.id!r} does not exist")
    return found


def my_introductions(
    query: c.ListMyIntroductions, deps: MatchingDependencies
) -> list[IntroductionView]:
    with deps.read() as views:
        return views.introductions.of_person(query.actor.require_subject())
