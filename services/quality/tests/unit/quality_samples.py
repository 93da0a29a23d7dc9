"""Shared samples for the quality tests: the default criteria and people for panels."""

from __future__ import annotations

from datetime import UTC, datetime

from ecbm_quality.domain.default_criteria import default_content
from ecbm_quality.domain.panel import Candidate, PanelRole

CONTENT = default_content()
CODES = tuple(CONTENT.criteria_by_code())
NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)


def researcher(person: str = "ria", **kw: frozenset[str]) -> Candidate:
    return Candidate(person, PanelRole.RESEARCHER, True, **kw)


def practitioner(person: str = "piet", **kw: frozenset[str]) -> Candidate:
    return Candidate(person, PanelRole.PRACTITIONER, True, **kw)


def all_scored(score: int) -> dict[str, int]:
    return dict.fromkeys(CODES, score)
