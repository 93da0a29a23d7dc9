"""The three steps of the quality model, and the rule that none may be skipped."""

from __future__ import annotations

from enum import StrEnum

from ecbm_runtime.errors import RuleViolation


class Step(StrEnum):
    """A step of the quality model, lowest first (values as in the integration events)."""

    AFFILIATED = "affiliated"
    ACCREDITED = "accredited"
    DISTINCTION = "distinction"

    @property
    def rank(self) -> int:
        return list(Step).index(self) + 1

    @property
    def audited(self) -> bool:
        """Steps 2 and 3 are reached by audit; step 1 comes with membership."""
        return self is not Step.AFFILIATED


def require_next_step(held: Step | None, wanted: Step) -> None:
    """Applying for ``wanted`` needs the step just below it (affiliation for accreditation).

    Re-applying for the step held (renewal) is allowed; skipping one is not.
    """
    if not wanted.audited:
        raise RuleViolation("affiliation is not applied for: it follows the membership")
    if held is None:
        raise RuleViolation(
            f"applying for {wanted.value} needs affiliation first: the organisation running "
            "the programme must be a member of the Center"
        )
    if wanted.rank > held.rank + 1:
        below = list(Step)[wanted.rank - 2]
        raise RuleViolation(
            f"steps cannot be skipped: {wanted.value} needs {below.value} first "
            f"(the programme holds {held.value})"
        )
