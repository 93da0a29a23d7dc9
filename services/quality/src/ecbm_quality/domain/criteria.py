"""Criteria sets: the standards a programme is audited against, versioned and immutable once
published.

A set is drafted (and revised) by the quality committee, published (from then on it never
changes: labels name the version they were awarded against) and retired when a newer one
replaces it. Each standard groups criteria; each criterion has a weight and may be
*required* for a step. Thresholds per audited step give the overall score needed and the
minimum every standard must reach.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import singledispatchmethod
from typing import Self

from pydantic import BaseModel, ConfigDict

from ecbm_quality.domain.steps import Step
from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import FieldViolation, InvalidArgument, RuleViolation

LANGUAGES = ("en", "fr", "de", "nl")
MAX_SCORE = 4  # 0 not met, 1 started, 2 largely met, 3 fully met, 4 exemplary
REQUIRED_SCORE = 2  # a required criterion must be at least largely met
MAX_WEIGHT = 5

Text = Mapping[str, str]  # language -> text


class Criterion(BaseModel):
    """One thing a programme shows it does, with how much it counts."""

    model_config = ConfigDict(frozen=True)
    code: str
    statement: dict[str, str]
    guidance: dict[str, str]
    evidence_expected: dict[str, str]
    weight: int = 1
    required_for: Step | None = None  # required from this step up (accredited or distinction)

    def required_at(self, step: Step) -> bool:
        return self.required_for is not None and self.required_for.rank <= step.rank


class Standard(BaseModel):
    model_config = ConfigDict(frozen=True)
    code: str
    title: dict[str, str]
    criteria: tuple[Criterion, ...]


class Threshold(BaseModel):
    """Percentages of the best possible weighted score."""

    model_config = ConfigDict(frozen=True)
    overall: int
    minimum_per_standard: int


class CriteriaContent(BaseModel):
    model_config = ConfigDict(frozen=True)
    title: dict[str, str]
    standards: tuple[Standard, ...]
    thresholds: dict[Step, Threshold]

    def criterion(self, code: str) -> Criterion | None:
        return self.criteria_by_code().get(code)

    def criteria_by_code(self) -> dict[str, Criterion]:
        return {c.code: c for s in self.standards for c in s.criteria}


def validate_content(content: CriteriaContent) -> None:
    """Every text in the four languages, unique codes, weights 1..5, sensible thresholds."""
    problems: list[FieldViolation] = []

    def texts(path: str, value: Mapping[str, str]) -> None:
        missing = [lang for lang in LANGUAGES if not value.get(lang, "").strip()]
        if missing:
            problems.append(FieldViolation(path, f"needs a text in {', '.join(missing)}"))

    texts("title", content.title)
    if not content.standards:
        problems.append(FieldViolation("standards", "a criteria set needs at least one standard"))
    seen: set[str] = set()
    for s, standard in enumerate(content.standards):
        texts(f"standards[{s}].title", standard.title)
        if not standard.criteria:
            problems.append(FieldViolation(f"standards[{s}].criteria", "needs a criterion"))
        for c, criterion in enumerate(standard.criteria):
            path = f"standards[{s}].criteria[{c}]"
            if not criterion.code or criterion.code in seen:
                problems.append(FieldViolation(f"{path}.code", "needs a code unique in the set"))
            seen.add(criterion.code)
            for name in ("statement", "guidance", "evidence_expected"):
                texts(f"{path}.{name}", getattr(criterion, name))
            if not 1 <= criterion.weight <= MAX_WEIGHT:
                problems.append(FieldViolation(f"{path}.weight", f"from 1 to {MAX_WEIGHT}"))
            if criterion.required_for is Step.AFFILIATED:
                problems.append(FieldViolation(f"{path}.required_for", "accredited or distinction"))
    for step in (Step.ACCREDITED, Step.DISTINCTION):
        threshold = content.thresholds.get(step)
        if threshold is None:
            problems.append(FieldViolation(f"thresholds[{step.value}]", "missing"))
            continue
        for name in ("overall", "minimum_per_standard"):
            if not 0 <= getattr(threshold, name) <= 100:
                path = f"thresholds[{step.value}].{name}"
                problems.append(FieldViolation(path, "a percentage from 0 to 100"))
    lower, upper = (content.thresholds.get(s) for s in (Step.ACCREDITED, Step.DISTINCTION))
    if (
        lower
        and upper
        and (
            upper.overall < lower.overall or upper.minimum_per_standard < lower.minimum_per_standard
        )
    ):
        problems.append(
            FieldViolation("thresholds[distinction]", "must not be below those of accredited")
        )
    if problems:
        raise InvalidArgument(problems)


class CriteriaSetStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class CriteriaSetDrafted(DomainEvent):
    version: int
    content: CriteriaContent
    by: str
    at: datetime


class CriteriaSetRevised(DomainEvent):
    content: CriteriaContent
    by: str
    at: datetime


class CriteriaSetPublished(DomainEvent):
    by: str
    at: datetime


class CriteriaSetRetired(DomainEvent):
    by: str
    at: datetime


@dataclass
class _State:
    version: int = 0
    status: CriteriaSetStatus = CriteriaSetStatus.DRAFT
    content: CriteriaContent | None = None
    published_at: datetime | None = None
    history: list[str] = field(default_factory=list)


class CriteriaSet(Aggregate):
    """A version of the criteria; its id is ``v{version}``."""

    stream_prefix = "criteriaset"

    @classmethod
    def draft(cls, version: int, content: CriteriaContent, by: str, at: datetime) -> Self:
        validate_content(content)
        criteria_set = cls(f"v{version}")
        criteria_set.record(CriteriaSetDrafted(version=version, content=content, by=by, at=at))
        return criteria_set

    def revise(self, content: CriteriaContent, by: str, at: datetime) -> None:
        self._require_draft("revised")
        validate_content(content)
        self.record(CriteriaSetRevised(content=content, by=by, at=at))

    def publish(self, by: str, at: datetime) -> None:
        self._require_draft("published again")
        self.record(CriteriaSetPublished(by=by, at=at))

    def retire(self, by: str, at: datetime) -> None:
        if self.state.status is not CriteriaSetStatus.PUBLISHED:
            raise RuleViolation(
                f"only a published criteria set is retired; {self.id} is {self.state.status.value}"
            )
        self.record(CriteriaSetRetired(by=by, at=at))

    @property
    def content(self) -> CriteriaContent:
        assert self.state.content is not None
        return self.state.content

    @property
    def status(self) -> CriteriaSetStatus:
        return self.state.status

    def _require_draft(self, what: str) -> None:
        if self.state.status is not CriteriaSetStatus.DRAFT:
            raise RuleViolation(
                f"criteria set {self.id} is {self.state.status.value} and cannot be {what}: "
                "draft a new version instead"
            )

    @property
    def state(self) -> _State:
        if not hasattr(self, "_state"):
            self._state = _State()
        return self._state

    @singledispatchmethod
    def apply(self, event: DomainEvent) -> None:
        raise NotImplementedError(type(event).__name__)

    @apply.register
    def _(self, event: CriteriaSetDrafted) -> None:
        self.state.version = event.version
        self.state.content = event.content

    @apply.register
    def _(self, event: CriteriaSetRevised) -> None:
        self.state.content = event.content

    @apply.register
    def _(self, event: CriteriaSetPublished) -> None:
        self.state.status = CriteriaSetStatus.PUBLISHED
        self.state.published_at = event.at

    @apply.register
    def _(self, event: CriteriaSetRetired) -> None:
        self.state.status = CriteriaSetStatus.RETIRED
