"""Criteria sets: valid in four languages, immutable once published; scoring and thresholds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from quality_samples import CODES, CONTENT, NOW, all_scored

from ecbm_quality.domain import scoring
from ecbm_quality.domain.criteria import (
    LANGUAGES,
    MAX_SCORE,
    CriteriaSet,
    CriteriaSetStatus,
    Threshold,
)
from ecbm_quality.domain.steps import Step, require_next_step
from ecbm_runtime.errors import InvalidArgument, RuleViolation

scores_strategy = st.fixed_dictionaries({code: st.integers(0, MAX_SCORE) for code in CODES})


def test_the_default_set_has_eight_standards_in_four_languages() -> None:
    assert len(CONTENT.standards) == 8
    for criterion in CONTENT.criteria_by_code().values():
        for texts in (criterion.statement, criterion.guidance, criterion.evidence_expected):
            assert set(texts) == set(LANGUAGES) and all(texts.values())
    CriteriaSet.draft(1, CONTENT, "committee", NOW)  # validates


def test_a_published_set_cannot_change_and_a_retired_one_cannot_return() -> None:
    criteria_set = CriteriaSet.draft(1, CONTENT, "committee", NOW)
    criteria_set.revise(CONTENT, "committee", NOW)
    criteria_set.publish("committee", NOW)

    with pytest.raises(RuleViolation, match="published and cannot be revised"):
        criteria_set.revise(CONTENT, "committee", NOW)
    with pytest.raises(RuleViolation, match="cannot be published again"):
        criteria_set.publish("committee", NOW)
    criteria_set.retire("committee", NOW)
    assert criteria_set.status is CriteriaSetStatus.RETIRED
    with pytest.raises(RuleViolation):
        criteria_set.retire("committee", NOW)


def test_a_set_missing_a_language_or_with_bad_thresholds_names_the_fields() -> None:
    first = CONTENT.standards[0]
    criterion = first.criteria[0].model_copy(update={"statement": {"en": "Only English."}})
    broken = CONTENT.model_copy(
        update={
            "standards": (first.model_copy(update={"criteria": (criterion,)}),),
            "thresholds": {
                Step.ACCREDITED: Threshold(overall=70, minimum_per_standard=40),
                Step.DISTINCTION: Threshold(overall=60, minimum_per_standard=140),
            },
        }
    )
    with pytest.raises(InvalidArgument) as error:
        CriteriaSet.draft(2, broken, "committee", NOW)
    fields = {v.field for v in error.value.violations}
    assert fields == {
        "standards[0].criteria[0].statement",
        "thresholds[distinction].minimum_per_standard",
        "thresholds[distinction]",
    }


@given(scores_strategy)
def test_reaching_distinction_implies_reaching_accredited(scores: dict[str, int]) -> None:
    if scoring.reaches(CONTENT, scores, Step.DISTINCTION):
        assert scoring.reaches(CONTENT, scores, Step.ACCREDITED)


@given(scores_strategy, st.sampled_from(CODES), st.sampled_from(list(Step)[1:]))
def test_a_higher_score_never_loses_a_step(scores: dict[str, int], code: str, step: Step) -> None:
    better = {**scores, code: min(scores[code] + 1, MAX_SCORE)}
    assert scoring.reaches(CONTENT, better, step) >= scoring.reaches(CONTENT, scores, step)
    result = scoring.result(CONTENT, scores, step)
    assert 0 <= result.overall <= 100
    assert all(0 <= p <= 100 for p in result.per_standard.values())


@given(st.sampled_from(CODES), st.integers(0, 1))
def test_a_required_criterion_below_largely_met_blocks_the_step(code: str, low: int) -> None:
    criterion = CONTENT.criteria_by_code()[code]
    scores = {**all_scored(MAX_SCORE), code: low}
    for step in (Step.ACCREDITED, Step.DISTINCTION):
        reasons = scoring.result(CONTENT, scores, step).shortfalls(CONTENT, step)
        assert (f"required criterion {code} is not met" in reasons) == criterion.required_at(step)


def test_thresholds_decide_the_highest_step() -> None:
    assert scoring.highest_step(CONTENT, all_scored(4)) is Step.DISTINCTION
    assert scoring.highest_step(CONTENT, all_scored(3)) is Step.ACCREDITED  # 75%
    assert scoring.highest_step(CONTENT, all_scored(2)) is None  # 50% < 60%


@given(st.dictionaries(st.text(max_size=6), st.integers(-5, 10), max_size=4))
def test_scores_out_of_range_or_unknown_name_the_criterion(scores: dict[str, int]) -> None:
    bad = {c for c, s in scores.items() if c not in CODES or not 0 <= s <= MAX_SCORE}
    if not bad:
        scoring.check_scores(CONTENT, scores)
        return
    with pytest.raises(InvalidArgument) as error:
        scoring.check_scores(CONTENT, scores)
    assert {v.field for v in error.value.violations} == {f"scores[{c}]" for c in bad}


@pytest.mark.parametrize(
    ("held", "wanted", "reason"),
    [
        (None, Step.ACCREDITED, "needs affiliation first"),
        (Step.AFFILIATED, Step.DISTINCTION, "cannot be skipped: distinction needs accredited"),
        (None, Step.AFFILIATED, "follows the membership"),
    ],
)
def test_no_step_is_skipped(held: Step | None, wanted: Step, reason: str) -> None:
    with pytest.raises(RuleViolation, match=reason):
        require_next_step(held, wanted)


def test_the_next_step_and_renewal_are_allowed() -> None:
    require_next_step(Step.AFFILIATED, Step.ACCREDITED)
    require_next_step(Step.ACCREDITED, Step.DISTINCTION)
    require_next_step(Step.DISTINCTION, Step.DISTINCTION)
