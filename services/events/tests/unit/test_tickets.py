"""Check-in tokens and join links: signed, expiring, purpose-bound."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecbm_events.application.registrations.tickets import InvalidTicket, TicketSigner
from ecbm_events.settings import EventsSettings
from ecbm_runtime.errors import PermissionDenied
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET, UnsafeSettings, check_can_start

NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
SIGNER = TicketSigner("unit-test-ticket-key-0123456789abcdef")
TOKEN = SIGNER.issue("check-in", "r1", "e1", NOW + timedelta(hours=1))


def test_a_genuine_token_names_its_registration() -> None:
    claims = SIGNER.verify("check-in", TOKEN, NOW)
    assert (claims.registration_id, claims.event_id) == ("r1", "e1")


def test_an_expired_token_is_refused() -> None:
    with pytest.raises(InvalidTicket, match="expired"):
        SIGNER.verify("check-in", TOKEN, NOW + timedelta(hours=1))


def test_a_token_signed_with_another_key_is_refused() -> None:
    forged = TicketSigner("someone-elses-key-0123456789abcdef").issue(
        "check-in", "r1", "e1", NOW + timedelta(hours=1)
    )
    with pytest.raises(PermissionDenied):
        SIGNER.verify("check-in", forged, NOW)


def test_a_check_in_token_does_not_open_the_stream() -> None:
    with pytest.raises(InvalidTicket):
        SIGNER.verify("join", TOKEN, NOW)


@given(position=st.integers(0, len(TOKEN) - 1), replacement=st.sampled_from("AbZ09-_."))
def test_any_altered_token_is_refused(position: int, replacement: str) -> None:
    altered = TOKEN[:position] + replacement + TOKEN[position + 1 :]
    if altered == TOKEN:
        return
    try:
        claims = SIGNER.verify("check-in", altered, NOW)
    except InvalidTicket:
        return
    # base64url's last character may carry unused bits: the same bytes decode
    assert claims.registration_id == "r1"


def test_production_refuses_to_start_without_a_ticket_key() -> None:
    settings = EventsSettings(mode="production", jwt_secret="j" * 40)
    with pytest.raises(UnsafeSettings, match="ECBM_EVENTS_TICKET_SECRET is empty"):
        check_can_start(settings)


def test_the_ticket_key_may_not_be_the_jwt_key() -> None:
    settings = EventsSettings(mode="production", jwt_secret="k" * 40, ticket_secret="k" * 40)
    with pytest.raises(UnsafeSettings, match="must not be the JWT secret"):
        check_can_start(settings)


def test_development_derives_a_ticket_key_other_than_the_jwt_key() -> None:
    key = EventsSettings(mode="development").ticket_key()
    assert key and key != DEVELOPMENT_JWT_SECRET
