"""Unsubscribe tokens: what is signed comes back; anything changed, forged or old does not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecbm_notify.domain.unsubscribe import InvalidUnsubscribeToken, issue, verify

KEY = b"k" * 32
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ids = st.text(st.characters(exclude_characters="|", codec="utf-8"), min_size=1)


@given(recipient=ids, topic=ids)
def test_a_token_carries_its_recipient_and_topic(recipient: str, topic: str) -> None:
    token = issue(KEY, recipient, topic, NOW, timedelta(days=60))
    request = verify(KEY, token, NOW + timedelta(days=59))
    assert (request.recipient_id, request.topic) == (recipient, topic)


def test_an_expired_token_is_refused() -> None:
    token = issue(KEY, "r1", "registry", NOW, timedelta(days=1))
    with pytest.raises(InvalidUnsubscribeToken, match="expired"):
        verify(KEY, token, NOW + timedelta(days=1, seconds=1))


def test_a_token_signed_with_another_key_is_refused() -> None:
    token = issue(b"x" * 32, "r1", "registry", NOW, timedelta(days=1))
    with pytest.raises(InvalidUnsubscribeToken, match="not one we sent"):
        verify(KEY, token, NOW)


def test_changing_the_topic_breaks_the_signature() -> None:
    token = issue(KEY, "r1", "registry", NOW, timedelta(days=1))
    other = issue(KEY, "r1", "events", NOW, timedelta(days=1))
    forged = other.split(".")[0] + "." + token.split(".")[1]
    with pytest.raises(InvalidUnsubscribeToken):
        verify(KEY, forged, NOW)


@given(st.text())
def test_any_text_is_refused_cleanly(text: str) -> None:
    with pytest.raises(InvalidUnsubscribeToken):
        verify(KEY, text, NOW)
