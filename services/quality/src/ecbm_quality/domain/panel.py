"""Audit panels and their impartiality (after ISO/IEC 17021-1: threats to impartiality are
managed, nobody audits their own organisation).

A panel has at least one researcher and one practitioner, each holding the auditor role.
An auditor is refused, with the reason, when they belong to the organisation running the
programme, declared a conflict with it, audited the same programme in the previous cycle
(rotation), or collaborated recently with the organisation (matching's introductions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from ecbm_runtime.errors import RuleViolation


class PanelRole(StrEnum):
    RESEARCHER = "researcher"
    PRACTITIONER = "practitioner"


@dataclass(frozen=True)
class Candidate:
    """What the service knows about a person proposed for a panel."""

    person_id: str
    role: PanelRole
    is_auditor: bool  # holds the auditor role
    organisations: frozenset[str] = frozenset()  # organisations they edit or work for
    conflicts: frozenset[str] = frozenset()  # organisation or programme ids declared
    audited_last_cycle: frozenset[str] = frozenset()  # programme ids of their last cycle
    collaborated_with: frozenset[str] = frozenset()  # organisations introduced recently


@dataclass(frozen=True)
class Audited:
    """The programme under audit."""

    programme_id: str
    organisation_id: str
    excluded: frozenset[str] = field(default_factory=frozenset)  # people involved otherwise


def impartiality_problems(candidate: Candidate, audited: Audited) -> list[str]:
    """Every rule the candidate breaks for this programme, as reasons a person can read."""
    who = f"people/{candidate.person_id}"
    problems = []
    if not candidate.is_auditor:
        problems.append(f"{who} does not hold the auditor role")
    if audited.organisation_id in candidate.organisations:
        problems.append(f"{who} belongs to the organisation running the programme")
    if candidate.conflicts & {audited.organisation_id, audited.programme_id}:
        problems.append(f"{who} declared a conflict of interest with this programme")
    if audited.programme_id in candidate.audited_last_cycle:
        problems.append(f"{who} audited this programme in the previous cycle (rotation)")
    if audited.organisation_id in candidate.collaborated_with:
        problems.append(f"{who} collaborated recently with the organisation")
    if candidate.person_id in audited.excluded:
        problems.append(f"{who} is already involved in this application")
    return problems


def check_panel(candidates: Sequence[Candidate], audited: Audited) -> None:
    """Refuse the panel with every reason, or accept it."""
    problems = [p for c in candidates for p in impartiality_problems(c, audited)]
    people = [c.person_id for c in candidates]
    if len(set(people)) != len(people):
        problems.append("a person sits on the panel twice")
    roles = {c.role for c in candidates}
    for role in PanelRole:
        if role not in roles:
            problems.append(f"the panel needs at least one {role.value}")
    if problems:
        raise RuleViolation("; ".join(problems))
