"""EventCodec: domain events to stored rows and back, upcasting old schema versions on read."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.eventstore import (
    EventCodec,
    MissingUpcaster,
    NewEvent,
    StoredEvent,
    UnknownEventType,
)


class SeatBooked(DomainEvent):
    """Version 3: the attendee is named, seats are counted, the booking has a channel."""

    schema_version: ClassVar[int] = 3
    attendee_name: str
    seats: int
    channel: str


class SessionOpened(DomainEvent):
    title: str
    capacity: int


class SeatBookedV1(BaseModel):
    """The shape stored before any upcaster existed."""

    name: str


class SeatBookedV2(BaseModel):
    name: str
    seats: int


def v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "seats": 1}


def v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    return {"attendee_name": data.pop("name"), "channel": "web", **data}


def make_codec() -> EventCodec:
    codec = EventCodec([SeatBooked, SessionOpened])
    codec.register_upcaster("SeatBooked", 1, v1_to_v2)
    codec.register_upcaster("SeatBooked", 2, v2_to_v3)
    return codec


def stored(new: NewEvent) -> StoredEvent:
    return StoredEvent(
        position=1,
        stream_id="session-s1",
        version=1,
        type=new.type,
        data=new.data,
        metadata=new.metadata,
        recorded_at=datetime.now(UTC),
    )


def stored_old(data: dict[str, Any], schema_version: int | None) -> StoredEvent:
    metadata = {} if schema_version is None else {"schema_version": schema_version}
    return stored(NewEvent(type="SeatBooked", data=data, metadata=metadata))


def test_encoding_stores_the_class_name_json_data_and_schema_version() -> None:
    new = make_codec().encode(SessionOpened(title="Summit", capacity=300), {"correlation_id": "c1"})

    assert new == NewEvent(
        type="SessionOpened",
        data={"title": "Summit", "capacity": 300},
        metadata={"correlation_id": "c1", "schema_version": 1},
    )


def test_decoding_an_encoded_event_gives_it_back() -> None:
    codec = make_codec()
    event = SeatBooked(attendee_name="Ana", seats=2, channel="api")

    assert codec.decode(stored(codec.encode(event, {}))) == event


@given(st.builds(SeatBookedV1))
def test_any_version_one_payload_upcasts_to_a_valid_newest_event(old: SeatBookedV1) -> None:
    event = make_codec().decode(stored_old(old.model_dump(mode="json"), schema_version=1))

    assert event == SeatBooked(attendee_name=old.name, seats=1, channel="web")


@given(st.builds(SeatBookedV2, seats=st.integers(min_value=1, max_value=10_000)))
def test_a_version_two_payload_runs_only_the_upcasters_after_it(old: SeatBookedV2) -> None:
    event = make_codec().decode(stored_old(old.model_dump(mode="json"), schema_version=2))

    assert event == SeatBooked(attendee_name=old.name, seats=old.seats, channel="web")


def test_data_stored_without_a_schema_version_counts_as_version_one() -> None:
    event = make_codec().decode(stored_old({"name": "Ana"}, schema_version=None))

    assert event == SeatBooked(attendee_name="Ana", seats=1, channel="web")


def test_upcasters_leave_the_stored_data_untouched() -> None:
    data = {"name": "Ana"}

    make_codec().decode(stored_old(data, schema_version=1))

    assert data == {"name": "Ana"}


def test_decoding_an_unregistered_type_raises_unknown_event_type() -> None:
    unknown = stored(NewEvent(type="SessionRenamed", data={}, metadata={"schema_version": 1}))

    with pytest.raises(UnknownEventType, match="SessionRenamed"):
        make_codec().decode(unknown)


def test_an_upcast_that_does_not_fit_the_newest_class_fails_validation() -> None:
    codec = EventCodec([SeatBooked])
    codec.register_upcaster("SeatBooked", 1, v1_to_v2)
    codec.register_upcaster("SeatBooked", 2, lambda data: data)  # forgets the rename

    with pytest.raises(ValueError, match="attendee_name"):
        codec.decode(stored_old({"name": "Ana"}, schema_version=1))


def test_a_gap_in_the_upcaster_chain_names_the_type_and_the_missing_version() -> None:
    codec = EventCodec([SeatBooked])
    codec.register_upcaster("SeatBooked", 1, v1_to_v2)  # 2 → 3 is missing

    with pytest.raises(MissingUpcaster, match=r"SeatBooked .* version 2 into 3") as raised:
        codec.decode(stored_old({"name": "Ana"}, schema_version=1))

    assert (raised.value.type_name, raised.value.from_version) == ("SeatBooked", 2)
