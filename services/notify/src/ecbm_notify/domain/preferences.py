"""What each person wants to hear about, on which channel, how often.

A preference is per topic x channel: off, immediately, or merged into a daily or weekly
digest (e-mail only: the web inbox is either on or off). Nothing stored means the default
below. Critical messages (registration confirmations, security, audit decisions) ignore
"off", because the person must know; they still need the channel to be usable (an e-mail
address and consent to e-mail).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from ecbm_runtime.errors import FieldViolation, InvalidArgument


class Topic(StrEnum):
    REGISTRY = "registry"
    MATCHING = "matching"
    EVENTS = "events"
    QUALITY = "quality"
    ALERTS = "alerts"
    NEWSLETTER = "newsletter"


class Channel(StrEnum):
    EMAIL = "email"
    WEB = "web"


class Frequency(StrEnum):
    OFF = "off"
    IMMEDIATELY = "immediately"
    DAILY = "daily"
    WEEKLY = "weekly"


DIGESTS = (Frequency.DAILY, Frequency.WEEKLY)

# Defaults: everything in the web inbox at once. E-mail at once for what concerns the
# person's own records (registry, matching, events, quality); alerts, frequent and rarely
# urgent, weekly; the newsletter weekly (its campaigns are sent by their own schedule).
DEFAULTS: Mapping[tuple[Topic, Channel], Frequency] = {
    **{(topic, Channel.WEB): Frequency.IMMEDIATELY for topic in Topic},
    (Topic.REGISTRY, Channel.EMAIL): Frequency.IMMEDIATELY,
    (Topic.MATCHING, Channel.EMAIL): Frequency.IMMEDIATELY,
    (Topic.EVENTS, Channel.EMAIL): Frequency.IMMEDIATELY,
    (Topic.QUALITY, Channel.EMAIL): Frequency.IMMEDIATELY,
    (Topic.ALERTS, Channel.EMAIL): Frequency.WEEKLY,
    (Topic.NEWSLETTER, Channel.EMAIL): Frequency.WEEKLY,
}


@dataclass(frozen=True)
class Preference:
    topic: Topic
    channel: Channel
    frequency: Frequency
    is_default: bool = False


class Preferences:
    """One person's choices over the defaults."""

    def __init__(self, chosen: Mapping[tuple[Topic, Channel], Frequency] | None = None) -> None:
        self._chosen = dict(chosen or {})

    def frequency(self, topic: Topic, channel: Channel) -> Frequency:
        return self._chosen.get((topic, channel), DEFAULTS[(topic, channel)])

    def all(self) -> list[Preference]:
        """Every topic x channel with its effective frequency, in a stable order."""
        return [
            Preference(
                topic, channel, self.frequency(topic, channel), self.is_default(topic, channel)
            )
            for topic in Topic
            for channel in Channel
        ]

    def is_default(self, topic: Topic, channel: Channel) -> bool:
        return (topic, channel) not in self._chosen


def parse_preference(index: int, topic: str, channel: str, frequency: str) -> Preference:
    """A preference from outside; every bad field is reported at once."""
    field = f"preferences[{index}]"
    violations = []
    if topic not in Topic.__members__.values():
        violations.append(FieldViolation(f"{field}.topic", f"one of {', '.join(Topic)}"))
    if channel not in Channel.__members__.values():
        violations.append(FieldViolation(f"{field}.channel", f"one of {', '.join(Channel)}"))
    if frequency not in Frequency.__members__.values():
        violations.append(FieldViolation(f"{field}.frequency", f"one of {', '.join(Frequency)}"))
    elif channel == Channel.WEB and Frequency(frequency) in DIGESTS:
        violations.append(
            FieldViolation(f"{field}.frequency", "the web inbox is off or immediately")
        )
    if violations:
        raise InvalidArgument(violations)
    return Preference(Topic(topic), Channel(channel), Frequency(frequency))


def decide(frequency: Frequency, *, critical: bool, channel_usable: bool) -> Frequency:
    """How this message goes out on a channel: critical ones bypass "off", never a dead channel.

    A critical message goes out immediately (it should not wait for a weekly digest).
    """
    if not channel_usable:
        return Frequency.OFF
    if critical:
        return Frequency.IMMEDIATELY
    return frequency
