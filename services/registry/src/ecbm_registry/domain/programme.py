"""Mentoring programmes: what an organisation runs, for whom, where."""

from __future__ import annotations

from enum import StrEnum
from functools import singledispatchmethod
from typing import Any, Self

from pydantic import BaseModel, ConfigDict

from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import RuleViolation


class ProgrammeStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"
    WITHDRAWN = "withdrawn"  # taken off the registry; only WithdrawProgramme sets it


class EvaluationDesign(StrEnum):
    """How strong an evaluation's design is; the order of members is the order of strength."""

    NONE = "none"
    DESCRIPTIVE = "descriptive"
    PRE_POST = "pre_post"
    QUASI_EXPERIMENTAL = "quasi_experimental"
    RANDOMISED = "randomised"

    @property
    def rank(self) -> int:
        return list(EvaluationDesign).index(self)


class Location(BaseModel):
    """A point; ``matched`` says which place it was derived from ("" when given directly)."""

    model_config = ConfigDict(frozen=True)

    latitude: float
    longitude: float
    matched: str = ""


class ProgrammeRegistered(DomainEvent):
    organisation_id: str
    display_name: str
    description: str
    languages: tuple[str, ...]
    countries: tuple[str, ...]
    status: ProgrammeStatus
    # Added in 2026.11; defaults keep programmes registered before readable.
    target_groups: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    focus_areas: tuple[str, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    mentors_per_year: int | None = None
    mentees_per_year: int | None = None
    matches_per_year: int | None = None
    start_year: int | None = None
    regions: tuple[str, ...] = ()
    city: str = ""
    location: Location | None = None
    # Added in 2026.12: the importer's own key of the programme ("" when not imported).
    external_id: str = ""


class ProgrammeUpdated(DomainEvent):
    """The fields named in ``fields`` were set to the values here; the others mean nothing."""

    fields: tuple[str, ...]
    display_name: str | None = None
    description: str | None = None
    languages: tuple[str, ...] | None = None
    countries: tuple[str, ...] | None = None
    status: ProgrammeStatus | None = None
    target_groups: tuple[str, ...] | None = None
    formats: tuple[str, ...] | None = None
    focus_areas: tuple[str, ...] | None = None
    age_min: int | None = None
    age_max: int | None = None
    mentors_per_year: int | None = None
    mentees_per_year: int | None = None
    matches_per_year: int | None = None
    start_year: int | None = None
    regions: tuple[str, ...] | None = None
    city: str | None = None
    location: Location | None = None


class ProgrammeWithdrawn(DomainEvent):
    reason: str = ""


class ProgrammeLearningGoalDeclared(DomainEvent):
    """What the programme wants to learn about (a topic of expertise), e.g. to find peers."""

    topic: str
    description: str = ""


class EvaluationAdded(DomainEvent):
    design: EvaluationDesign
    year: int
    link: str = ""


class EvidenceLevelChanged(DomainEvent):
    """The programme's evidence level (its strongest evaluation design) moved; kept as history."""

    previous: EvaluationDesign
    level: EvaluationDesign


UPDATABLE = frozenset(ProgrammeUpdated.model_fields) - {"fields"}


class ProgrammeIsWithdrawn(RuleViolation):
    def __init__(self, programme_id: str) -> None:
        super().__init__(f"programmes/{programme_id} is withdrawn; it changes no more")


class Programme(Aggregate):
    """A programme of one organisation.

    Invariants: it belongs to exactly one organisation, which existed when it was registered;
    a withdrawn programme changes no more; its youngest age served is not above its oldest.
    """

    stream_prefix = "programme"

    organisation_id: str
    display_name: str
    description: str
    languages: tuple[str, ...]
    countries: tuple[str, ...]
    status: ProgrammeStatus
    target_groups: tuple[str, ...]
    formats: tuple[str, ...]
    focus_areas: tuple[str, ...]
    age_min: int | None
    age_max: int | None
    mentors_per_year: int | None
    mentees_per_year: int | None
    matches_per_year: int | None
    start_year: int | None
    regions: tuple[str, ...]
    city: str
    location: Location | None
    external_id: str  # the importer's key; unique across the registry, never changes
    evaluations: tuple[tuple[EvaluationDesign, int, str], ...]  # (design, year, link)
    evidence_level: EvaluationDesign = EvaluationDesign.NONE
    learning_goals: dict[str, str]  # topic -> description

    @classmethod
    def register(cls, id: str, event: ProgrammeRegistered) -> Self:
        programme = cls(id)
        programme.record(event)
        return programme

    def update(self, changes: dict[str, Any]) -> None:
        """Set ``changes`` (field → new value); records nothing when nothing differs."""
        self._check_not_withdrawn()
        if changes.get("status") == ProgrammeStatus.WITHDRAWN:
            raise RuleViolation("status: withdraw a programme with WithdrawProgramme")
        age_min = changes.get("age_min", self.age_min)
        age_max = changes.get("age_max", self.age_max)
        if age_min is not None and age_max is not None and age_min > age_max:
            raise RuleViolation(f"age_max ({age_max}) must be at least age_min ({age_min})")
        differing = {k: v for k, v in changes.items() if getattr(self, k) != v}
        if differing:
            self.record(ProgrammeUpdated(fields=tuple(sorted(differing)), **differing))

    def declare_learning_goal(self, topic: str, description: str) -> None:
        """Declare or re-describe a learning goal; the same goal again records nothing."""
        self._check_not_withdrawn()
        if self.learning_goals.get(topic) != description:
            self.record(ProgrammeLearningGoalDeclared(topic=topic, description=description))

    def add_evaluation(self, design: EvaluationDesign, year: int, link: str) -> None:
        """Record an evaluation; a stronger design than any before raises the evidence level."""
        self._check_not_withdrawn()
        self.record(EvaluationAdded(design=design, year=year, link=link))
        if design.rank > self.evidence_level.rank:
            self.record(EvidenceLevelChanged(previous=self.evidence_level, level=design))

    def withdraw(self, reason: str) -> None:
        self._check_not_withdrawn()
        self.record(ProgrammeWithdrawn(reason=reason))

    def _check_not_withdrawn(self) -> None:
        if self.status is ProgrammeStatus.WITHDRAWN:
            raise ProgrammeIsWithdrawn(self.id)

    @singledispatchmethod
    def apply(self, event: DomainEvent) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: ProgrammeRegistered) -> None:
        for name in ProgrammeRegistered.model_fields:
            setattr(self, name, getattr(event, name))
        self.learning_goals = {}
        self.evaluations = ()

    @apply.register
    def _(self, event: ProgrammeLearningGoalDeclared) -> None:
        self.learning_goals = {**self.learning_goals, event.topic: event.description}

    @apply.register
    def _(self, event: ProgrammeUpdated) -> None:
        for name in event.fields:
            setattr(self, name, getattr(event, name))

    @apply.register
    def _(self, event: EvaluationAdded) -> None:
        # The level moves with EvidenceLevelChanged; the list lets an import add only new ones.
        self.evaluations = (*self.evaluations, (event.design, event.year, event.link))

    @apply.register
    def _(self, event: EvidenceLevelChanged) -> None:
        self.evidence_level = event.level

    @apply.register
    def _(self, event: ProgrammeWithdrawn) -> None:
        self.status = ProgrammeStatus.WITHDRAWN
