"""Preference rules: defaults, the critical bypass, and parsing what callers send."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecbm_notify.domain.preferences import (
    Channel,
    Frequency,
    Preferences,
    Topic,
    decide,
    parse_preference,
)
from ecbm_runtime.errors import InvalidArgument


def test_defaults_and_choices() -> None:
    chosen = Preferences({(Topic.EVENTS, Channel.EMAIL): Frequency.DAILY})
    assert chosen.frequency(Topic.EVENTS, Channel.EMAIL) is Frequency.DAILY
    assert chosen.frequency(Topic.ALERTS, Channel.EMAIL) is Frequency.WEEKLY
    assert chosen.frequency(Topic.REGISTRY, Channel.WEB) is Frequency.IMMEDIATELY
    listed = chosen.all()
    assert len(listed) == len(Topic) * len(Channel)
    assert [p.is_default for p in listed if p.topic is Topic.EVENTS] == [False, True]


@pytest.mark.parametrize(("frequency", "critical", "usable", "outcome"), [
    (Frequency.OFF, False, True, Frequency.OFF),
    (Frequency.OFF, True, True, Frequency.IMMEDIATELY),       # critical ignores off
    (Frequency.WEEKLY, True, True, Frequency.IMMEDIATELY),    # and does not wait
    (Frequency.IMMEDIATELY, True, False, Frequency.OFF),      # but needs the channel
    (Frequency.DAILY, False, True, Frequency.DAILY),
    (Frequency.DAILY, False, False, Frequency.OFF),
])  # fmt: skip
def test_how_a_message_goes_out(
    frequency: Frequency, critical: bool, usable: bool, outcome: Frequency
) -> None:
    assert decide(frequency, critical=critical, channel_usable=usable) is outcome


@given(st.text(max_size=20), st.text(max_size=20), st.text(max_size=20))
def test_any_input_parses_or_is_refused_by_field(topic: str, channel: str, frequency: str) -> None:
    try:
        parsed = parse_preference(3, topic, channel, frequency)
    except InvalidArgument as error:
        assert error.violations
        assert all(v.field.startswith("preferences[3].") for v in error.violations)
    else:
        assert (parsed.topic, parsed.channel, parsed.frequency) == (topic, channel, frequency)
        assert not (parsed.channel is Channel.WEB and parsed.frequency in ("daily", "weekly"))


@given(st.sampled_from(list(Topic)), st.sampled_from(list(Channel)),
       st.sampled_from(list(Frequency)))  # fmt: skip
def test_every_valid_combination_parses_except_web_digests(
    topic: Topic, channel: Channel, frequency: Frequency
) -> None:
    web_digest = channel is Channel.WEB and frequency in (Frequency.DAILY, Frequency.WEEKLY)
    if web_digest:
        with pytest.raises(InvalidArgument, match="frequency"):
            parse_preference(0, topic, channel, frequency)
    else:
        assert parse_preference(0, topic, channel, frequency).frequency is frequency
