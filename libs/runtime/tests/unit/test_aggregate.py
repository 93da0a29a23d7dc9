"""Aggregate base: command methods record events, apply changes state, rebuild replays history."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any, Self

import pytest

from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import RuleViolation


class SessionFull(RuleViolation):
    pass


class SessionOpened(DomainEvent):
    title: str
    capacity: int


class SeatBooked(DomainEvent):
    attendee: str


class BookingCancelled(DomainEvent):
    attendee: str


class Session(Aggregate):
    """A session with seats. Invariants: never more bookings than capacity; one seat each."""

    stream_prefix = "session"

    title: str
    capacity: int
    attendees: list[str]

    @classmethod
    def open(cls, id: str, title: str, capacity: int) -> Self:
        session = cls(id)
        session.record(SessionOpened(title=title, capacity=capacity))
        return session

    def book(self, attendee: str) -> None:
        if attendee in self.attendees:
            return
        if len(self.attendees) >= self.capacity:
            raise SessionFull(f"{self.title} is full")
        self.record(SeatBooked(attendee=attendee))

    def cancel(self, attendee: str) -> None:
        if attendee in self.attendees:
            self.record(BookingCancelled(attendee=attendee))

    @singledispatchmethod
    def apply(self, event: Any) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: SessionOpened) -> None:
        self.title, self.capacity, self.attendees = event.title, event.capacity, []

    @apply.register
    def _(self, event: SeatBooked) -> None:
        self.attendees.append(event.attendee)

    @apply.register
    def _(self, event: BookingCancelled) -> None:
        self.attendees.remove(event.attendee)


class Stray(DomainEvent):
    pass


def test_creating_an_aggregate_records_its_first_event_at_version_one() -> None:
    session = Session.open("s1", "Mentoring 101", capacity=2)

    assert session.version == 1
    assert session.collect_new_events() == [SessionOpened(title="Mentoring 101", capacity=2)]


def test_command_methods_record_events_in_order_and_bump_the_version() -> None:
    session = Session.open("s1", "Mentoring 101", capacity=2)
    session.book("ana")
    session.book("ben")
    session.cancel("ana")

    assert session.version == 4
    assert session.attendees == ["ben"]
    assert session.collect_new_events()[1:] == [
        SeatBooked(attendee="ana"),
        SeatBooked(attendee="ben"),
        BookingCancelled(attendee="ana"),
    ]


def test_a_broken_rule_raises_and_records_nothing() -> None:
    session = Session.rebuild(
        "s1", [SessionOpened(title="Full", capacity=1), SeatBooked(attendee="ana")]
    )

    with pytest.raises(SessionFull):
        session.book("ben")

    assert not session.has_new_events
    assert session.version == 2


def test_a_command_that_changes_nothing_records_nothing() -> None:
    history = [SessionOpened(title="T", capacity=3), SeatBooked(attendee="a")]
    session = Session.rebuild("s1", history)

    session.book("a")

    assert session.collect_new_events() == []


def test_rebuild_replays_history_without_counting_it_as_new() -> None:
    history = [
        SessionOpened(title="T", capacity=3),
        SeatBooked(attendee="a"),
        SeatBooked(attendee="b"),
    ]

    session = Session.rebuild("s1", history)

    assert (session.id, session.version, session.attendees) == ("s1", 3, ["a", "b"])
    assert not session.has_new_events


def test_rebuilding_the_recorded_events_gives_the_same_state() -> None:
    session = Session.open("s1", "T", capacity=3)
    session.book("a")
    session.book("b")
    session.cancel("a")

    again = Session.rebuild("s1", session.collect_new_events())

    assert vars(again) == vars(session)


def test_collect_new_events_hands_them_over_once() -> None:
    session = Session.open("s1", "T", capacity=3)

    assert len(session.collect_new_events()) == 1
    assert session.collect_new_events() == []
    assert session.version == 1


def test_the_stream_id_is_the_prefix_and_the_id() -> None:
    assert Session.stream_id_for("s1") == "session-s1"
    assert Session.open("s1", "T", 1).stream_id == "session-s1"


def test_applying_an_event_the_aggregate_does_not_know_fails_loudly() -> None:
    session = Session.open("s1", "T", capacity=3)

    with pytest.raises(NotImplementedError, match="Session cannot apply Stray"):
        session.record(Stray())


def test_domain_events_are_frozen_and_reject_unknown_fields() -> None:
    event = SeatBooked(attendee="a")

    with pytest.raises(ValueError):
        event.attendee = "b"  # type: ignore[misc]
    with pytest.raises(ValueError):
        SeatBooked.model_validate({"attendee": "a", "seat": 3})
