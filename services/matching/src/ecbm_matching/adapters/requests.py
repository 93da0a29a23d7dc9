"""Requests' read model: projections of the requests' events, and the public browse."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from ecbm_matching.adapters.tables import (
    candidate_marks,
    conflicts,
    match_requests,
    request_topics,
)
from ecbm_matching.domain.request import (
    RequestClosed,
    RequestEdited,
    RequestErased,
    RequestExpired,
    RequestKind,
    RequestMatched,
    RequestOpened,
    RequestPaused,
    RequestResumed,
    RequestState,
    Side,
    Terms,
)
from ecbm_runtime.eventstore import StoredEvent


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: they are UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _terms(terms: Terms) -> dict[str, Any]:
    return {
        "title": terms.title,
        "description": terms.description,
        "topics": list(terms.topics),
        "languages": list(terms.languages),
        "country": terms.country,
        "country_preference": terms.country_preference,
        "exclude_same_organisation": terms.exclude_same_organisation,
        "details": terms.details.model_dump(mode="json"),
        "deadline": terms.deadline,
    }


def _set_topics(connection: Connection, request_id: str, topics: tuple[str, ...]) -> None:
    connection.execute(delete(request_topics).where(request_topics.c.request_id == request_id))
    for topic in sorted(set(topics)):
        connection.execute(insert(request_topics).values(request_id=request_id, topic=topic))


def project_request_opened(
    connection: Connection, event: RequestOpened, record: StoredEvent
) -> None:
    connection.execute(
        insert(match_requests).values(
            id=record.entity_id,
            owner_id=event.owner_id,
            organisation_id=event.organisation_id,
            kind=event.kind.value,
            side=event.side.value,
            state=RequestState.OPEN.value,
            version=record.version,
            create_time=record.recorded_at,
            update_time=record.recorded_at,
            **_terms(event.terms),
        )
    )
    _set_topics(connection, record.entity_id, event.terms.topics)


_CHANGES: dict[type, Callable[[Any], dict[str, Any]]] = {
    RequestEdited: lambda e: _terms(e.terms),
    RequestPaused: lambda e: {"state": "paused"},
    RequestResumed: lambda e: {"state": "open"},
    RequestMatched: lambda e: {"state": "matched"},
    RequestClosed: lambda e: {"state": "closed"},
    RequestExpired: lambda e: {"state": "expired"},
    RequestErased: lambda e: {
        "state": "closed",
        "owner_id": "",
        "title": "(erased)",
        "description": "",
        "details": {},
    },
}
CHANGED_BY = tuple(_CHANGES)


def project_request_changed(connection: Connection, event: Any, record: StoredEvent) -> None:
    connection.execute(
        update(match_requests)
        .where(match_requests.c.id == record.entity_id)
        .values(
            version=record.version, update_time=record.recorded_at, **_CHANGES[type(event)](event)
        )
    )
    if isinstance(event, RequestEdited):
        _set_topics(connection, record.entity_id, event.terms.topics)
    if isinstance(event, RequestErased):
        connection.execute(
            delete(candidate_marks).where(candidate_marks.c.request_id == record.entity_id)
        )


@dataclass(frozen=True)
class RequestView:
    id: str
    owner_id: str
    organisation_id: str
    kind: RequestKind
    side: Side
    state: RequestState
    title: str
    description: str
    topics: list[str]
    languages: list[str]
    country: str
    country_preference: str
    exclude_same_organisation: bool
    details: dict[str, Any]
    deadline: datetime | None
    version: int
    create_time: datetime
    update_time: datetime


@dataclass(frozen=True)
class Facet:
    value: str
    count: int


@dataclass(frozen=True)
class RequestPage:
    requests: list[RequestView]
    next_offset: int | None
    total_size: int
    facets: dict[str, list[Facet]]


@dataclass(frozen=True)
class Browse:
    kind: str = ""
    topic: str = ""
    country: str = ""
    deadline_before: datetime | None = None
    text: str = ""
    owner_id: str = ""  # "" for the public browse (open only), else the owner's own (any state)


class RequestViews:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def request(self, request_id: str) -> RequestView | None:
        row = (
            self._connection.execute(
                select(match_requests).where(match_requests.c.id == request_id)
            )
            .mappings()
            .first()
        )
        return _view(row) if row else None

    def of_owner(self, owner_id: str) -> list[str]:
        query = select(match_requests.c.id).where(match_requests.c.owner_id == owner_id)
        return list(self._connection.execute(query).scalars())

    def due_to_expire(self, now: datetime, limit: int) -> list[str]:
        query = (
            select(match_requests.c.id)
            .where(
                match_requests.c.deadline.is_not(None),
                match_requests.c.deadline <= now,
                match_requests.c.state.in_(["open", "paused", "matched"]),
            )
            .order_by(match_requests.c.id)
            .limit(limit)
        )
        return list(self._connection.execute(query).scalars())

    def page(self, browse: Browse, size: int, offset: int) -> RequestPage:
        c = match_requests.c
        query = select(match_requests)
        if browse.owner_id:
            query = query.where(c.owner_id == browse.owner_id)
        else:
            query = query.where(c.state == "open")
        facet_base = query
        if browse.kind:
            query = query.where(c.kind == browse.kind)
        if browse.country:
            query = query.where(c.country == browse.country)
        if browse.deadline_before is not None:
            query = query.where(c.deadline.is_not(None), c.deadline <= browse.deadline_before)
        if browse.topic:
            query = query.where(
                c.id.in_(
                    select(request_topics.c.request_id).where(
                        request_topics.c.topic == browse.topic
                    )
                )
            )
        if browse.text:
            pattern = f"%{browse.text.lower()}%"
            query = query.where(
                func.lower(c.title).like(pattern) | func.lower(c.description).like(pattern)
            )
        total = self._connection.execute(
            select(func.count()).select_from(query.subquery())
        ).scalar_one()
        ordered = query.order_by(c.create_time.desc(), c.id)
        rows = list(self._connection.execute(ordered.offset(offset).limit(size + 1)).mappings())
        return RequestPage(
            [_view(r) for r in rows[:size]],
            offset + size if len(rows) > size else None,
            int(total),
            self._facets(query, facet_base),
        )

    def _facets(self, query: Any, base: Any) -> dict[str, list[Facet]]:
        """Counts by kind, country and topic among the matching requests."""
        matched = query.subquery()
        out: dict[str, list[Facet]] = {}
        for name in ("kind", "country"):
            column = matched.c[name]
            counted = select(column, func.count()).group_by(column).order_by(column)
            out[name] = [Facet(str(v), int(n)) for v, n in self._connection.execute(counted) if v]
        topic = request_topics.c.topic
        by_topic = (
            select(topic, func.count())
            .where(request_topics.c.request_id.in_(select(matched.c.id)))
            .group_by(topic)
            .order_by(topic)
        )
        out["topic"] = [Facet(str(v), int(n)) for v, n in self._connection.execute(by_topic)]
        return out

    def open_of_kind(self, kind: str) -> list[RequestView]:
        c = match_requests.c
        query = select(match_requests).where(c.kind == kind, c.state == "open").order_by(c.id)
        return [_view(r) for r in self._connection.execute(query).mappings()]

    def dismissed_pairs(self) -> frozenset[tuple[str, str]]:
        """(request, candidate) of every dismissed candidate."""
        query = select(candidate_marks.c.request_id, candidate_marks.c.candidate_id).where(
            candidate_marks.c.mark == "dismissed"
        )
        return frozenset((r, cand) for r, cand in self._connection.execute(query))

    def marks(self, request_id: str) -> dict[str, str]:
        query = select(candidate_marks).where(candidate_marks.c.request_id == request_id)
        return {r["candidate_id"]: r["mark"] for r in self._connection.execute(query).mappings()}

    def mark(self, request_id: str, candidate_id: str, mark: str, now: datetime) -> None:
        self._connection.execute(
            delete(candidate_marks).where(
                candidate_marks.c.request_id == request_id,
                candidate_marks.c.candidate_id == candidate_id,
            )
        )
        if mark:
            self._connection.execute(
                insert(candidate_marks).values(
                    request_id=request_id, candidate_id=candidate_id, mark=mark, update_time=now
                )
            )

    def declare_conflict(self, person_id: str, other_id: str, declared: bool) -> None:
        c = conflicts.c
        self._connection.execute(
            delete(conflicts).where(c.person_id == person_id, c.other_id == other_id)
        )
        if declared:
            self._connection.execute(
                insert(conflicts).values(person_id=person_id, other_id=other_id)
            )

    def conflict_pairs(self) -> frozenset[tuple[str, str]]:
        """(person, other) both ways for every declared conflict."""
        rows = list(self._connection.execute(select(conflicts.c.person_id, conflicts.c.other_id)))
        return frozenset((a, b) for a, b in rows) | frozenset((b, a) for a, b in rows)

    def forget_candidate(self, candidate_id: str) -> None:
        c = conflicts.c
        self._connection.execute(
            delete(conflicts).where((c.person_id == candidate_id) | (c.other_id == candidate_id))
        )
        self._connection.execute(
            delete(candidate_marks).where(candidate_marks.c.candidate_id == candidate_id)
        )


def _view(row: Any) -> RequestView:
    return RequestView(
        id=row["id"],
        owner_id=row["owner_id"],
        organisation_id=row["organisation_id"],
        kind=RequestKind(row["kind"]),
        side=Side(row["side"]),
        state=RequestState(row["state"]),
        title=row["title"],
        description=row["description"],
        topics=list(row["topics"]),
        languages=list(row["languages"]),
        country=row["country"],
        country_preference=row["country_preference"],
        exclude_same_organisation=row["exclude_same_organisation"],
        details=dict(row["details"]),
        deadline=aware(row["deadline"]),
        version=row["version"],
        create_time=aware(row["create_time"]) or row["create_time"],
        update_time=aware(row["update_time"]) or row["update_time"],
    )
