"""Rounds' and introductions' read models: projections and reads."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, or_, select, update

from ecbm_matching.adapters.requests import aware
from ecbm_matching.adapters.tables import introductions, rounds
from ecbm_matching.domain.introduction import (
    FeedbackGiven,
    IntroductionErased,
    IntroductionOpened,
    MeetingRecorded,
    RoundProposed,
    RoundPublished,
    SideAccepted,
    SideDeclined,
)
from ecbm_runtime.eventstore import StoredEvent

ACTIVE = ("proposed", "accepted")


def project_round_proposed(
    connection: Connection, event: RoundProposed, record: StoredEvent
) -> None:
    connection.execute(
        insert(rounds).values(
            id=record.entity_id,
            kind=event.kind,
            state="proposed",
            pairs=[p.model_dump() for p in event.pairs],
            assign_total=event.assign_total,
            greedy_total=event.greedy_total,
            create_time=record.recorded_at,
            update_time=record.recorded_at,
        )
    )


def project_round_published(
    connection: Connection, event: RoundPublished, record: StoredEvent
) -> None:
    connection.execute(
        update(rounds)
        .where(rounds.c.id == record.entity_id)
        .values(state="published", update_time=record.recorded_at)
    )


def project_introduction_opened(
    connection: Connection, event: IntroductionOpened, record: StoredEvent
) -> None:
    pair = event.pair
    connection.execute(
        insert(introductions).values(
            id=record.entity_id,
            round_id=event.round_id,
            request_id=pair.request_id,
            request_title=event.request_title,
            requester_id=pair.requester_id,
            candidate_id=pair.candidate_id,
            score=pair.score,
            explanation=pair.explanation,
            state="proposed",
            accepted=[],
            requester_rating=None,
            candidate_rating=None,
            version=record.version,
            create_time=record.recorded_at,
            update_time=record.recorded_at,
        )
    )


def project_introduction_changed(connection: Connection, event: Any, record: StoredEvent) -> None:
    c = introductions.c
    values: dict[str, Any] = {"version": record.version, "update_time": record.recorded_at}
    if isinstance(event, SideAccepted):
        current = connection.execute(
            select(c.accepted).where(c.id == record.entity_id)
        ).scalar_one()
        accepted = sorted({*current, event.party})
        values["accepted"] = accepted
        if len(accepted) == 2:
            values["state"] = "accepted"
    elif isinstance(event, SideDeclined):
        values["state"] = "declined"
    elif isinstance(event, MeetingRecorded):
        values["state"] = "met" if event.held else "missed"
    elif isinstance(event, FeedbackGiven):
        values[f"{event.party}_rating"] = event.rating
    elif isinstance(event, IntroductionErased):
        values[f"{event.party}_id"] = ""
        values["explanation"] = ""
    connection.execute(update(introductions).where(c.id == record.entity_id).values(**values))


INTRODUCTION_CHANGES = (
    SideAccepted,
    SideDeclined,
    MeetingRecorded,
    FeedbackGiven,
    IntroductionErased,
)


@dataclass(frozen=True)
class RoundView:
    id: str
    kind: str
    state: str
    pairs: list[dict[str, Any]]
    assign_total: float
    greedy_total: float
    create_time: datetime


@dataclass(frozen=True)
class IntroductionView:
    id: str
    round_id: str
    request_id: str
    request_title: str
    requester_id: str
    candidate_id: str
    score: float
    explanation: str
    state: str
    accepted: list[str]
    requester_rating: int | None
    candidate_rating: int | None
    update_time: datetime


@dataclass(frozen=True)
class History:
    """What past introductions say about candidates: loads, ratings, no-shows, declines."""

    loads: dict[str, int]
    ratings: dict[str, tuple[int, ...]]
    no_shows: dict[str, int]
    declined: frozenset[tuple[str, str]]  # (requester, candidate)


class IntroductionViews:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def round(self, round_id: str) -> RoundView | None:
        row = (
            self._connection.execute(select(rounds).where(rounds.c.id == round_id))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return RoundView(
            row["id"],
            row["kind"],
            row["state"],
            list(row["pairs"]),
            row["assign_total"],
            row["greedy_total"],
            aware(row["create_time"]) or row["create_time"],
        )

    def introduction(self, introduction_id: str) -> IntroductionView | None:
        query = select(introductions).where(introductions.c.id == introduction_id)
        row = self._connection.execute(query).mappings().first()
        return _view(row) if row else None

    def of_person(self, person_id: str) -> list[IntroductionView]:
        c = introductions.c
        query = (
            select(introductions)
            .where(or_(c.requester_id == person_id, c.candidate_id == person_id))
            .order_by(c.create_time.desc(), c.id)
        )
        return [_view(r) for r in self._connection.execute(query).mappings()]

    def rounds_naming(self, person_id: str) -> list[str]:
        found = []
        for round_id, pairs in self._connection.execute(select(rounds.c.id, rounds.c.pairs)):
            if any(person_id in (p["requester_id"], p["candidate_id"]) for p in pairs):
                found.append(round_id)
        return found

    def replace_pairs(self, round_id: str, pairs: list[dict[str, Any]]) -> None:
        self._connection.execute(update(rounds).where(rounds.c.id == round_id).values(pairs=pairs))

    def history(self) -> History:
        loads: Counter[str] = Counter()
        ratings: dict[str, list[int]] = defaultdict(list)
        no_shows: Counter[str] = Counter()
        declined: set[tuple[str, str]] = set()
        c = introductions.c
        query = select(c.requester_id, c.candidate_id, c.state, c.requester_rating)
        for requester, candidate, state, rating in self._connection.execute(query):
            if state in ACTIVE:
                loads[candidate] += 1
            if state == "declined":
                declined.add((requester, candidate))
            if state == "missed":
                no_shows[candidate] += 1
            if rating is not None:
                ratings[candidate].append(rating)
        return History(
            dict(loads),
            {k: tuple(v) for k, v in ratings.items()},
            dict(no_shows),
            frozenset(declined),
        )


def _view(row: Any) -> IntroductionView:
    return IntroductionView(
        id=row["id"],
        round_id=row["round_id"],
        request_id=row["request_id"],
        request_title=row["request_title"],
        requester_id=row["requester_id"],
        candidate_id=row["candidate_id"],
        score=row["score"],
        explanation=row["explanation"],
        state=row["state"],
        accepted=list(row["accepted"]),
        requester_rating=row["requester_rating"],
        candidate_rating=row["candidate_rating"],
        update_time=aware(row["update_time"]) or row["update_time"],
    )
