"""Times of events: stored in UTC beside the event's IANA zone, shown in any zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_TIME_ZONE = "Europe/Brussels"


def known_zone(name: str) -> str:
    """``name`` if it is an IANA zone (tzdata ships them), else ValueError."""
    if name not in _zones():
        raise ValueError(f"unknown IANA time zone {name!r}, e.g. {DEFAULT_TIME_ZONE!r}")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown IANA time zone {name!r}") from error
    return name


_ZONES: frozenset[str] = frozenset()


def _zones() -> frozenset[str]:
    global _ZONES
    if not _ZONES:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def utc(value: datetime) -> datetime:
    """An aware time in UTC; a naive one is refused (it names no instant)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("a time needs its UTC offset")
    return value.astimezone(UTC)


def local(value: datetime, zone: str) -> datetime:
    """``value`` (aware, or naive UTC as SQLite returns it) in the IANA ``zone``."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(zone))


def shown(value: datetime, zone: str) -> str:
    """RFC 3339 with the zone's offset at that instant, e.g. 2027-03-04T10:00:00+01:00."""
    return local(value, zone).isoformat()
