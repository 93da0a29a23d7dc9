"""The event aggregate: its timetable rules and the admission rule that prevents overbooking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecbm_events.domain.event import (
    Admission,
    Event,
    EventDetails,
    EventFull,
    EventKind,
    NoPlacesOfThisMode,
    RegistrationClosed,
    RegistrationNotOpen,
)
from ecbm_events.domain.places import Mode, Occupancy
from ecbm_events.domain.timetable import Slot
from ecbm_runtime.errors import InvalidArgument

START = datetime(2030, 5, 6, 8, 0, tzinfo=UTC)  # 10:00 in Brussels (CEST)
NOW = START - timedelta(days=10)


def details(**changes: object) -> EventDetails:
    base: dict[str, object] = {
        "kind": EventKind.SEMINAR,
        "title": "Mentoring migrants",
        "time_zone": "Europe/Brussels",
        "starts_at": START,
        "ends_at": START + timedelta(hours=8),
        "on_site_places": 2,
        "online_places": 0,
    }
    return EventDetails.model_validate({**base, **changes})


def slot(id: str, start_hour: float, hours: float, room: str = "Atrium") -> Slot:
    starts = START + timedelta(hours=start_hour)
    return Slot(
        id=id,
        title=f"Talk {id}",
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        room=room,
    )


def published(**changes: object) -> Event:
    event = Event.schedule("e1", details(**changes))
    event.publish()
    return event


def test_sessions_overlapping_in_one_room_are_refused_naming_both() -> None:
    with pytest.raises(InvalidArgument) as refused:
        Event.schedule("e1", details(), (slot("a", 0, 2), slot("b", 1, 1)))

    (violation,) = refused.value.violations
    assert violation.field == "event.sessions[1]"
    assert "'Talk b'" in violation.description and "'Talk a'" in violation.description
    assert "12:00:00+02:00" in violation.description  # shown in the event's zone


def test_sessions_may_overlap_in_different_rooms_or_follow_each_other() -> None:
    event = Event.schedule(
        "e1", details(), (slot("a", 0, 2), slot("b", 1, 1, room="Loft"), slot("c", 2, 1))
    )
    assert [s.id for s in event.sessions] == ["a", "b", "c"]


def test_an_added_session_overlapping_one_in_its_room_is_refused() -> None:
    event = Event.schedule("e1", details(), (slot("a", 0, 2),))
    with pytest.raises(InvalidArgument) as refused:
        event.add_session(slot("b", 1.5, 1))
    assert refused.value.violations[0].field == "session"


def test_a_session_outside_the_event_is_refused() -> None:
    with pytest.raises(InvalidArgument):
        Event.schedule("e1", details(), (slot("late", 7, 2),))


def test_an_event_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidArgument) as refused:
        Event.schedule("e1", details(ends_at=START - timedelta(hours=1)))
    assert refused.value.violations[0].field == "event.end_time"


def test_no_registration_before_publishing() -> None:
    with pytest.raises(RegistrationNotOpen):
        Event.schedule("e1", details()).admit(Mode.ON_SITE, (), Occupancy(), NOW)


def test_no_registration_after_close_says_when_it_closed() -> None:
    event = published(registration_closes_at=START - timedelta(days=1))
    with pytest.raises(RegistrationClosed, match="closed at 2030-05-05T10:00:00\\+02:00"):
        event.admit(Mode.ON_SITE, (), Occupancy(), START - timedelta(hours=2))


def test_no_registration_for_a_mode_without_places() -> None:
    with pytest.raises(NoPlacesOfThisMode, match="no online places"):
        published().admit(Mode.ONLINE, (), Occupancy(), NOW)


def test_full_without_waiting_list_says_why() -> None:
    full = Occupancy(taken={Mode.ON_SITE: 2})
    with pytest.raises(
        EventFull, match="all 2 on-site places are taken and this event keeps no waiting list"
    ):
        published().admit(Mode.ON_SITE, (), full, NOW)


def test_full_with_waiting_list_waitlists() -> None:
    full = Occupancy(taken={Mode.ON_SITE: 2})
    assert published(waiting_list=True).admit(Mode.ON_SITE, (), full, NOW) is Admission.WAITLISTED


def test_on_site_and_online_places_are_counted_apart() -> None:
    event = published(online_places=1)
    on_site_full = Occupancy(taken={Mode.ON_SITE: 2})
    assert event.admit(Mode.ONLINE, (), on_site_full, NOW) is Admission.CONFIRMED


def test_moderated_events_hold_registrations_pending() -> None:
    assert published(moderated=True).admit(Mode.ON_SITE, (), Occupancy(), NOW) is Admission.PENDING


@given(places=st.integers(0, 50), taken=st.integers(0, 60), waiting_list=st.booleans())
def test_a_place_is_confirmed_only_while_one_is_free(
    places: int, taken: int, waiting_list: bool
) -> None:
    event = published(on_site_places=max(places, 1), waiting_list=waiting_list)
    occupancy = Occupancy(taken={Mode.ON_SITE: taken})
    try:
        admission = event.admit(Mode.ON_SITE, (), occupancy, NOW)
    except EventFull:
        assert taken >= event.places(Mode.ON_SITE) and not waiting_list
        return
    assert (admission is Admission.CONFIRMED) == (taken < event.places(Mode.ON_SITE))
