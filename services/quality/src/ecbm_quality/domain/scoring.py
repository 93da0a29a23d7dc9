"""Scores against a criteria set: weighted percentages per standard and overall, and whether
they reach a step's thresholds. Pure functions: the audit panel's reconciled scores decide
what the committee may award."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ecbm_quality.domain.criteria import (
    MAX_SCORE,
    REQUIRED_SCORE,
    CriteriaContent,
)
from ecbm_quality.domain.steps import Step
from ecbm_runtime.errors import FieldViolation, InvalidArgument

Scores = Mapping[str, int]  # criterion code -> score 0..MAX_SCORE


def check_scores(content: CriteriaContent, scores: Scores, field: str = "scores") -> None:
    """Every score names a criterion of the set and lies in 0..MAX_SCORE."""
    known = content.criteria_by_code()
    problems = [
        FieldViolation(f"{field}[{code}]", "not a criterion of this criteria set")
        for code in scores
        if code not in known
    ] + [
        FieldViolation(f"{field}[{code}]", f"a score from 0 to {MAX_SCORE}, not {score}")
        for code, score in scores.items()
        if code in known and not 0 <= score <= MAX_SCORE
    ]
    if problems:
        raise InvalidArgument(problems)


@dataclass(frozen=True)
class Result:
    """Percentages (0..100) of the best possible weighted score; unscored criteria count 0."""

    overall: float
    per_standard: Mapping[str, float]
    required_short: tuple[str, ...]  # required criteria (at the step) scored below REQUIRED_SCORE

    def shortfalls(self, content: CriteriaContent, step: Step) -> list[str]:
        """Why ``step`` is not reached, one reason per line (empty when it is)."""
        threshold = content.thresholds[step]
        reasons = []
        if self.overall < threshold.overall:
            reasons.append(f"overall {self.overall:.0f}% is below {threshold.overall}%")
        reasons += [
            f"standard {code} at {percent:.0f}% is below {threshold.minimum_per_standard}%"
            for code, percent in self.per_standard.items()
            if percent < threshold.minimum_per_standard
        ]
        reasons += [f"required criterion {code} is not met" for code in self.required_short]
        return reasons


def result(content: CriteriaContent, scores: Scores, step: Step) -> Result:
    per_standard: dict[str, float] = {}
    total = best = 0
    for standard in content.standards:
        got = sum(c.weight * scores.get(c.code, 0) for c in standard.criteria)
        most = sum(c.weight * MAX_SCORE for c in standard.criteria)
        per_standard[standard.code] = 100 * got / most
        total, best = total + got, best + most
    required_short = tuple(
        c.code
        for s in content.standards
        for c in s.criteria
        if c.required_at(step) and scores.get(c.code, 0) < REQUIRED_SCORE
    )
    return Result(100 * total / best, per_standard, required_short)


def reaches(content: CriteriaContent, scores: Scores, step: Step) -> bool:
    """Whether the scores reach ``step``: overall, every standard's minimum, every required."""
    return not result(content, scores, step).shortfalls(content, step)


def highest_step(content: CriteriaContent, scores: Scores) -> Step | None:
    """The highest audited step the scores reach, if any."""
    reached = [s for s in (Step.ACCREDITED, Step.DISTINCTION) if reaches(content, scores, s)]
    return reached[-1] if reached else None
