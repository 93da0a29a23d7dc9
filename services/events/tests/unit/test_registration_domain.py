"""The registration lifecycle: pending → confirmed / waitlisted (→ offered) → cancelled,
attended or no-show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ecbm_events.domain.event import Admission
from ecbm_events.domain.places import Mode
from ecbm_events.domain.registration import (
    AttendanceRecorded,
    NoPlaceOffered,
    NotCancellable,
    NotConfirmed,
    NotPending,
    Registration,
    RegistrationState,
)

NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def registration(admission: Admission = Admission.CONFIRMED) -> Registration:
    made = Registration.request("r1", "e1", "p1", Mode.ON_SITE, {"diet": "vegan"}, admission)
    made.collect_new_events()
    return made


def test_a_pending_registration_is_approved_into_a_place_or_the_waiting_list() -> None:
    pending = registration(Admission.PENDING)
    pending.approve(Admission.WAITLISTED)
    assert pending.state is RegistrationState.WAITLISTED
    with pytest.raises(NotPending):
        pending.approve(Admission.CONFIRMED)


def test_an_offer_is_taken_only_before_it_expires() -> None:
    waiting = registration(Admission.WAITLISTED)
    waiting.offer(NOW + timedelta(hours=48))
    assert waiting.holds_place
    with pytest.raises(NoPlaceOffered):
        waiting.accept_offer(NOW + timedelta(hours=48))
    waiting.accept_offer(NOW + timedelta(hours=47))
    assert waiting.state is RegistrationState.CONFIRMED


def test_a_lapsed_offer_cancels_and_frees_the_place() -> None:
    waiting = registration(Admission.WAITLISTED)
    waiting.offer(NOW)
    waiting.lapse_offer(NOW - timedelta(seconds=1))
    assert waiting.state is RegistrationState.OFFERED  # not yet
    waiting.lapse_offer(NOW)
    assert not waiting.holds_place
    assert waiting.reason == "the offered place was not taken in time"


def test_attendance_is_recorded_once_per_session() -> None:
    confirmed = registration()
    assert confirmed.record_attendance("s1", "check_in")
    assert not confirmed.record_attendance("s1", "check_in")
    assert confirmed.record_attendance("", "check_in")
    kinds = [type(e) for e in confirmed.collect_new_events()]
    assert kinds == [AttendanceRecorded, AttendanceRecorded]
    assert confirmed.state is RegistrationState.ATTENDED


def test_no_attendance_without_a_confirmed_place() -> None:
    with pytest.raises(NotConfirmed):
        registration(Admission.WAITLISTED).record_attendance("", "online")


def test_an_attended_registration_cannot_be_cancelled() -> None:
    attended = registration()
    attended.record_attendance("", "check_in")
    with pytest.raises(NotCancellable):
        attended.cancel("changed my mind")


def test_erasing_forgets_who_registered_and_what_they_answered() -> None:
    confirmed = registration()
    confirmed.erase()
    assert confirmed.person_id == "" and confirmed.answers == {}
