"""Places: how people take part (modes), quotas of the places, and how many are taken."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from ecbm_runtime.errors import FieldViolation, InvalidArgument, RuleViolation


class Mode(StrEnum):
    """How a registrant takes part; places of each mode are counted apart."""

    ON_SITE = "on_site"
    ONLINE = "online"


class Applicant(BaseModel):
    """What a registrant says about themselves that quotas are counted by."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ticket_type: str = ""
    country: str = ""
    role: str = ""


class Quota(BaseModel):
    """A share of the places (as pretix's quotas): at most ``places`` of the registrations
    it covers hold a place. An empty filter covers everyone; a registration may fall under
    several quotas and needs a free place in each (and in its mode)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    places: int
    mode: Mode | None = None
    ticket_types: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()

    def covers(self, mode: Mode, applicant: Applicant) -> bool:
        return (
            self.mode in (None, mode)
            and (not self.ticket_types or applicant.ticket_type in self.ticket_types)
            and (not self.countries or applicant.country in self.countries)
            and (not self.roles or applicant.role in self.roles)
        )


class QuotaFull(RuleViolation):
    """Every place of a quota the registration falls under is taken, and no waiting list."""


class PlacesTaken(RuleViolation):
    """Fewer places than are taken already: lowering never takes a confirmed place away."""


def unknown_quotas(quotas: tuple[Quota, ...], changes: tuple[tuple[str, int], ...]) -> None:
    """Changes name only quotas the event has (INVALID_ARGUMENT on the first other)."""
    known = {q.name for q in quotas}
    for index, (name, _) in enumerate(changes):
        if name not in known:
            raise InvalidArgument(
                FieldViolation(f"quotas[{index}].name", f"this event has no quota {name!r}")
            )


def below_taken(
    on_site: int, online: int, quotas: tuple[tuple[str, int], ...], occupancy: Occupancy
) -> list[FieldViolation]:
    """The limits of a change that fall below the places taken; ``quotas`` (name, places)
    in the request's order."""
    found = [
        FieldViolation(
            f"{mode.value}_places",
            f"{occupancy.taken_of(mode)} {mode_words(mode)} places are taken: "
            f"at least {occupancy.taken_of(mode)}",
        )
        for mode, places in ((Mode.ON_SITE, on_site), (Mode.ONLINE, online))
        if places < occupancy.taken_of(mode)
    ]
    found += [
        FieldViolation(
            f"quotas[{index}].places",
            f"{occupancy.quota_taken_of(name)} places of quota {name!r} are taken: "
            f"at least {occupancy.quota_taken_of(name)}",
        )
        for index, (name, places) in enumerate(quotas)
        if places < occupancy.quota_taken_of(name)
    ]
    return found


@dataclass(frozen=True)
class Occupancy:
    """Places taken and people waiting, per mode, as the registrations' read model counts."""

    taken: dict[Mode, int] = field(default_factory=dict)
    waiting: dict[Mode, int] = field(default_factory=dict)
    quota_taken: dict[str, int] = field(default_factory=dict)

    def taken_of(self, mode: Mode) -> int:
        return self.taken.get(mode, 0)

    def quota_taken_of(self, quota: str) -> int:
        return self.quota_taken.get(quota, 0)

    def moved(self, mode: Mode, quotas: tuple[str, ...], by: int) -> Occupancy:
        """The occupancy after ``by`` places of ``mode`` under ``quotas`` are taken (or freed)."""
        taken = {**self.taken, mode: self.taken_of(mode) + by}
        by_quota = {**self.quota_taken, **{q: self.quota_taken_of(q) + by for q in quotas}}
        return Occupancy(taken, self.waiting, by_quota)

    def waiting_of(self, mode: Mode) -> int:
        return self.waiting.get(mode, 0)

    def queued(self, mode: Mode, by: int) -> Occupancy:
        """The occupancy after ``by`` people join (or leave) the waiting list of ``mode``."""
        waiting = {**self.waiting, mode: self.waiting_of(mode) + by}
        return Occupancy(self.taken, waiting, self.quota_taken)


def check_quotas(
    quotas: tuple[Quota, ...], ticket_types: tuple[str, ...], places: Callable[[Mode], int]
) -> None:
    """Quota names are unique; a quota's ticket types and mode are ones the event offers."""
    seen: set[str] = set()
    for index, quota in enumerate(quotas):
        field_name = f"event.quotas[{index}]"
        if quota.name in seen:
            raise InvalidArgument(FieldViolation(f"{field_name}.name", "must be unique"))
        seen.add(quota.name)
        unknown = set(quota.ticket_types) - set(ticket_types)
        if unknown:
            raise InvalidArgument(
                FieldViolation(
                    f"{field_name}.ticket_types",
                    f"not ticket types of this event: {', '.join(sorted(unknown))}",
                )
            )
        if quota.mode is not None and places(quota.mode) == 0:
            raise InvalidArgument(
                FieldViolation(
                    f"{field_name}.mode", f"this event has no {mode_words(quota.mode)} places"
                )
            )


def mode_words(mode: Mode) -> str:
    return "on-site" if mode is Mode.ON_SITE else "online"
