"""Signed links: what is signed comes back; anything changed, forged, old or meant for
another purpose or service does not, and no text crashes the check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecbm_runtime.signed_links import InvalidLink, LinkSigner, Refusal

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
SIGNER = LinkSigner(b"k" * 32, "ecbm-test")
texts = st.text(st.characters(codec="utf-8"), max_size=40)


def refusal(signer: LinkSigner, purpose: str, token: str, now: datetime = NOW) -> Refusal:
    with pytest.raises(InvalidLink) as refused:
        signer.verify(purpose, token, now)
    return refused.value.refusal


@given(subject=texts.filter(bool), value=texts)
def test_a_token_carries_its_subject_claims_and_expiry(subject: str, value: str) -> None:
    signed = SIGNER.verify("unsubscribe", SIGNER.issue("unsubscribe", subject, LATER, k=value), NOW)
    assert (signed.subject, dict(signed.claims), signed.expires_at) == (
        subject,
        {"k": value},
        LATER,
    )


def test_another_purpose_another_service_or_another_key_is_not_ours() -> None:
    token = SIGNER.issue("unsubscribe", "r1", LATER)
    assert refusal(SIGNER, "check-in", token) is Refusal.NOT_OURS
    assert refusal(LinkSigner(b"k" * 32, "ecbm-other"), "unsubscribe", token) is Refusal.NOT_OURS
    assert refusal(LinkSigner(b"x" * 32, "ecbm-test"), "unsubscribe", token) is Refusal.NOT_OURS


def test_a_token_expires_at_its_time_by_the_callers_clock() -> None:
    token = SIGNER.issue("join", "r1", LATER)
    assert SIGNER.verify("join", token, LATER - timedelta(seconds=1)).subject == "r1"
    assert refusal(SIGNER, "join", token, LATER) is Refusal.EXPIRED


@given(st.integers(0, 400), st.sampled_from("AQgw_-.x"))
def test_a_changed_character_breaks_the_token(position: int, replacement: str) -> None:
    token = SIGNER.issue("join", "r1", LATER, evt="e1")
    position %= len(token)
    changed = token[:position] + replacement + token[position + 1 :]
    if changed != token:
        assert refusal(SIGNER, "join", changed) in (Refusal.DAMAGED, Refusal.NOT_OURS)


@given(st.text(max_size=300))
def test_any_text_is_refused_cleanly(text: str) -> None:
    assert refusal(SIGNER, "join", text) in (Refusal.DAMAGED, Refusal.NOT_OURS)


def test_reserved_claim_names_and_an_empty_key_are_refused() -> None:
    with pytest.raises(ValueError, match="may not be named"):
        SIGNER.issue("join", "r1", LATER, aud="admin")
    with pytest.raises(ValueError, match="key"):
        LinkSigner(b"", "ecbm-test")
