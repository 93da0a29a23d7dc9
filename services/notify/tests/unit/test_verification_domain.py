"""Addresses waiting for verification and the links that verify them (property tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecbm_notify.domain import verification
from ecbm_notify.domain.recipients import Addresses, AddressNotWaiting, link_needed
from ecbm_notify.domain.verification import InvalidVerificationLink

KEY = b"k" * 32
NOW = datetime(2030, 1, 1, tzinfo=UTC)
addresses = st.sampled_from(["a@example.org", "B@example.org", " b@example.org", "c@x.eu"])
histories = st.lists(addresses, max_size=8)


def replay(given_addresses: list[str], confirmed: set[int]) -> Addresses:
    state = Addresses()
    for index, address in enumerate(given_addresses):
        state = state.given(address)
        if index in confirmed and state.pending is not None:
            state = state.confirmed(state.pending)
    return state


@given(histories, st.sets(st.integers(0, 7)))
def test_pending_is_never_the_verified_address_and_both_are_normalised(
    history: list[str], confirmed: set[int]
) -> None:
    state = replay(history, confirmed)
    assert state.pending is None or state.pending != state.verified
    for address in (state.pending, state.verified):
        assert address is None or address == address.strip().lower()


@given(histories, st.sets(st.integers(0, 7)), addresses)
def test_only_a_confirmed_address_becomes_verified(
    history: list[str], confirmed: set[int], other: str
) -> None:
    state = replay(history, confirmed)
    if other.strip().lower() not in (state.pending, state.verified):
        with pytest.raises(AddressNotWaiting):
            state.confirmed(other)
    verified = {history[i].strip().lower() for i in confirmed if i < len(history)}
    assert state.verified is None or state.verified in verified


def test_a_link_is_mailed_when_an_address_starts_waiting_and_email_is_allowed() -> None:
    before = Addresses("old@example.org")
    after = before.given("new@example.org")
    assert link_needed(before, after, consent=True, had_consent=True)
    assert not link_needed(after, after, consent=True, had_consent=True)  # redelivered
    assert link_needed(after, after, consent=True, had_consent=False)  # now allowed
    assert not link_needed(before, after, consent=False, had_consent=True)
    assert not link_needed(before, before.given("old@example.org"), True, True)


@given(st.text(alphabet="abcdef0123456789", min_size=1, max_size=32), addresses)
def test_a_link_carries_its_recipient_and_address_and_nothing_else_passes(
    recipient_id: str, address: str
) -> None:
    token = verification.issue(KEY, recipient_id, address, NOW, timedelta(days=3))
    request = verification.verify(KEY, token, NOW + timedelta(days=2))
    assert request.recipient_id == recipient_id
    assert request.is_for(KEY, address.upper()) and not request.is_for(KEY, "z@example.org")
    assert address.strip().lower() not in token
    with pytest.raises(InvalidVerificationLink, match="expired"):
        verification.verify(KEY, token, NOW + timedelta(days=3))
    with pytest.raises(InvalidVerificationLink, match="not one we sent"):
        verification.verify(b"x" * 32, token, NOW)


@given(st.text(max_size=200))
def test_any_text_is_refused_as_a_link_without_crashing(text: str) -> None:
    with pytest.raises(InvalidVerificationLink):
        verification.verify(KEY, text, NOW)


@given(st.integers(0, 150), st.sampled_from("AQgw_-."))
def test_a_changed_character_breaks_the_link(position: int, replacement: str) -> None:
    token = verification.issue(KEY, "r1", "a@example.org", NOW, timedelta(days=3))
    position %= len(token)
    changed = token[:position] + replacement + token[position + 1 :]
    if changed != token:
        with pytest.raises(InvalidVerificationLink):
            verification.verify(KEY, changed, NOW)
