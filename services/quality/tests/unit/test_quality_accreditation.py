"""Accreditation: self-assessment, impartial panels, independent scoring, committee decisions,
appeals by people not involved; labels' validity, reminders, suspension and revocation."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from quality_samples import CODES, CONTENT, NOW, all_scored, practitioner, researcher

from ecbm_quality.domain.affiliation import affiliated_programmes, changed
from ecbm_quality.domain.application import (
    AppealState,
    Application,
    ApplicationStatus,
    Outcome,
    SelfAssessment,
)
from ecbm_quality.domain.label import Label, Standing, SurveillanceOutcome, new_code
from ecbm_quality.domain.panel import Audited, Candidate, PanelRole, check_panel
from ecbm_quality.domain.steps import Step
from ecbm_runtime.errors import InvalidArgument, PermissionDenied, RuleViolation

AUDITED = Audited("buddy", "org-1")


def opened(held: Step | None = Step.AFFILIATED, step: Step = Step.ACCREDITED) -> Application:
    return Application.open("a1", "buddy", "org-1", held, step, "v1", "coordinator", NOW)


def submitted() -> Application:
    application = opened()
    for code in CODES:
        application.assess(CONTENT, code, SelfAssessment(score=3, evidence=("handbook.pdf",)))
    application.submit(CONTENT, "coordinator", NOW)
    return application


def reconciled(scores: dict[str, int] | None = None) -> Application:
    application = submitted()
    application.assign_panel([researcher(), practitioner()], "office", NOW)
    application.score(CONTENT, "ria", all_scored(3), NOW)
    application.score(CONTENT, "piet", all_scored(2), NOW)
    application.reconcile(CONTENT, scores or all_scored(3), "ria", NOW)
    return application


def test_applying_without_affiliation_is_refused_with_the_reason() -> None:
    with pytest.raises(RuleViolation, match="needs affiliation first"):
        opened(held=None)
    with pytest.raises(RuleViolation, match="cannot be skipped"):
        opened(step=Step.DISTINCTION)


def test_a_score_out_of_range_names_the_criterion() -> None:
    application = opened()
    with pytest.raises(InvalidArgument) as error:
        application.assess(CONTENT, "SCR-1", SelfAssessment(score=7))
    assert [v.field for v in error.value.violations] == ["criteria[SCR-1].score"]
    with pytest.raises(InvalidArgument, match=r"criteria\[XYZ\]"):
        application.assess(CONTENT, "XYZ", SelfAssessment(score=1))


def test_submitting_without_required_evidence_names_each_criterion() -> None:
    application = opened()
    for code in CODES:
        evidence = () if code == "SCR-1" else ("file",)
        application.assess(CONTENT, code, SelfAssessment(score=2, evidence=evidence))
    with pytest.raises(InvalidArgument) as error:
        application.submit(CONTENT, "coordinator", NOW)
    assert [v.field for v in error.value.violations] == ["criteria[SCR-1].evidence"]
    # EVA-2 is required only for distinction: no evidence is fine for accredited.
    application.assess(CONTENT, "SCR-1", SelfAssessment(score=2, evidence=("x",)))
    application.assess(CONTENT, "EVA-2", SelfAssessment(score=0, action_plan="study in 2027"))
    application.submit(CONTENT, "coordinator", NOW)
    assert application.status is ApplicationStatus.SUBMITTED


@pytest.mark.parametrize(
    ("candidate", "reason"),
    [
        (researcher(organisations=frozenset({"org-1"})), "belongs to the organisation"),
        (researcher(conflicts=frozenset({"buddy"})), "declared a conflict"),
        (researcher(audited_last_cycle=frozenset({"buddy"})), r"previous cycle \(rotation\)"),
        (researcher(collaborated_with=frozenset({"org-1"})), "collaborated recently"),
        (Candidate("ria", PanelRole.RESEARCHER, False), "does not hold the auditor role"),
    ],
)
def test_an_impartiality_rule_broken_refuses_the_panel_naming_it(
    candidate: Candidate, reason: str
) -> None:
    with pytest.raises(RuleViolation, match=reason):
        check_panel([candidate, practitioner()], AUDITED)


def test_a_panel_needs_a_researcher_and_a_practitioner() -> None:
    with pytest.raises(RuleViolation, match="at least one practitioner"):
        check_panel([researcher(), researcher("rob")], AUDITED)


@given(
    st.lists(
        st.builds(
            Candidate,
            person_id=st.sampled_from(["a", "b", "c"]),
            role=st.sampled_from(PanelRole),
            is_auditor=st.booleans(),
            organisations=st.frozensets(st.sampled_from(["org-1", "org-2"])),
            conflicts=st.frozensets(st.sampled_from(["buddy", "other"])),
        ),
        max_size=3,
    )
)
def test_an_accepted_panel_keeps_every_rule(candidates: list[Candidate]) -> None:
    try:
        check_panel(candidates, AUDITED)
    except RuleViolation:
        return
    assert {c.role for c in candidates} == set(PanelRole)
    for c in candidates:
        assert c.is_auditor and "org-1" not in c.organisations and "buddy" not in c.conflicts


def test_auditors_score_independently_before_they_reconcile() -> None:
    application = submitted()
    application.assign_panel([researcher(), practitioner()], "office", NOW)
    with pytest.raises(PermissionDenied):
        application.score(CONTENT, "mallory", all_scored(4), NOW)
    application.score(CONTENT, "ria", all_scored(3), NOW)
    with pytest.raises(RuleViolation, match="scored already"):
        application.score(CONTENT, "ria", all_scored(4), NOW)
    with pytest.raises(RuleViolation, match="not scored yet: piet"):
        application.reconcile(CONTENT, all_scored(3), "ria", NOW)
    with pytest.raises(InvalidArgument, match=r"scores\[REC-1\]"):
        application.score(CONTENT, "piet", {**all_scored(2), "REC-1": 5}, NOW)


def test_the_committee_not_an_auditor_decides_and_awards_only_what_scores_reach() -> None:
    application = reconciled(all_scored(2))  # 50%: below accredited
    with pytest.raises(PermissionDenied, match="auditor"):
        application.decide(CONTENT, Outcome.REFUSE, "no", "ria", NOW)
    with pytest.raises(RuleViolation, match="do not reach accredited: overall 50%"):
        application.decide(CONTENT, Outcome.AWARD, "", "committee", NOW)
    with pytest.raises(InvalidArgument, match="conditions_due"):
        application.decide(
            CONTENT, Outcome.AWARD_WITH_CONDITIONS, "", "committee", NOW, "train mentors"
        )
    application.decide(
        CONTENT,
        Outcome.AWARD_WITH_CONDITIONS,
        "close",
        "committee",
        NOW,
        "train mentors twice a year",
        NOW + timedelta(days=180),
    )
    assert application.status is ApplicationStatus.DECIDED


def test_an_appeal_is_decided_by_someone_not_involved_and_may_quash_the_decision() -> None:
    application = reconciled()
    application.decide(CONTENT, Outcome.REFUSE, "evidence thin", "committee", NOW)
    with pytest.raises(InvalidArgument, match="grounds"):
        application.lodge_appeal("ap1", " ", "coordinator", NOW)
    application.lodge_appeal("ap1", "the handbook was overlooked", "coordinator", NOW)
    assert application.state.appeal_state is AppealState.LODGED
    for involved in ("ria", "piet", "committee"):
        with pytest.raises(PermissionDenied, match="not involved before"):
            application.review_appeal(involved, NOW)
        with pytest.raises(PermissionDenied, match="not involved before"):
            application.decide_appeal(True, "overlooked evidence", involved, NOW)

    application.decide_appeal(True, "the handbook answers SCR-1", "appeals-board", NOW)

    assert (application.state.appeal_state, application.state.reviewer) == (
        AppealState.UPHELD, "appeals-board",
    )  # fmt: skip
    assert application.status is ApplicationStatus.RECONCILED
    with pytest.raises(PermissionDenied, match="taken by others"):
        application.decide(CONTENT, Outcome.AWARD, "", "committee", NOW)
    application.decide(CONTENT, Outcome.AWARD, "meets the criteria", "chair-2", NOW)
    assert application.state.outcome is Outcome.AWARD


def test_a_label_is_valid_three_years_reminds_once_and_then_expires() -> None:
    label = Label.award(new_code(), "buddy", "org-1", Step.ACCREDITED, "v1", "a1", NOW)
    until = label.state.valid_until
    assert until == NOW + timedelta(days=3 * 365)
    assert label.surveillance_due() == NOW + timedelta(days=3 * 365) / 2
    assert not label.remind_renewal(until - timedelta(days=91))
    assert label.remind_renewal(until - timedelta(days=89))
    assert not label.remind_renewal(until - timedelta(days=10))
    assert label.standing_at(until) is Standing.EXPIRED
    assert label.expire(until) and not label.expire(until)


def test_suspension_and_revocation_need_a_reason_and_follow_the_standing() -> None:
    label = Label.award("Q-AAAA-BBBB", "buddy", "org-1", Step.ACCREDITED, "v1", "a1", NOW)
    with pytest.raises(InvalidArgument, match="reason"):
        label.suspend("", "committee", NOW)
    label.suspend("complaint under review", "committee", NOW)
    assert label.standing_at(NOW) is Standing.SUSPENDED
    with pytest.raises(RuleViolation, match="only a valid label is suspended"):
        label.suspend("again", "committee", NOW)
    label.reinstate("complaint unfounded", "committee", NOW)
    label.revoke("screening stopped", "committee", NOW)
    assert label.standing_at(NOW) is Standing.REVOKED
    with pytest.raises(RuleViolation):
        label.reinstate("no", "committee", NOW)


def test_surveillance_reminds_once_at_mid_term_and_findings_open_conditions() -> None:
    label = Label.award("Q-AAAA-BBBB", "buddy", "org-1", Step.ACCREDITED, "v1", "a1", NOW)
    mid = label.surveillance_due()
    assert not label.remind_surveillance(mid - timedelta(days=1))
    assert label.remind_surveillance(mid) and not label.remind_surveillance(mid)
    with pytest.raises(InvalidArgument, match="conditions_due"):
        label.record_surveillance(SurveillanceOutcome.FINDINGS, "no training log", "c", mid)
    due = mid + timedelta(days=60)
    label.record_surveillance(SurveillanceOutcome.FINDINGS, "no training log", "c", mid, due)
    assert label.state.conditions_due == due and label.state.conditions == "no training log"


def test_unmet_conditions_are_reminded_once_then_suspend_the_label_at_the_deadline() -> None:
    due = NOW + timedelta(days=180)
    label = Label.award("Q-AAAA-BBBB", "buddy", "org-1", Step.ACCREDITED, "v1", "a1", NOW,
                        improvement_plan="train twice a year", conditions_due=due)  # fmt: skip
    assert not label.remind_conditions(due - timedelta(days=31))
    assert label.remind_conditions(due - timedelta(days=29))
    assert not label.remind_conditions(due - timedelta(days=1))
    assert not label.enforce_conditions(due - timedelta(seconds=1))
    assert label.enforce_conditions(due) and not label.enforce_conditions(due)
    assert label.standing_at(due) is Standing.SUSPENDED
    assert "not met by" in label.state.reason
    label.meet_conditions("training log shown", "committee", due)
    label.reinstate("conditions met", "committee", due)
    assert not label.enforce_conditions(due + timedelta(days=1))
    with pytest.raises(RuleViolation, match="no open conditions"):
        label.meet_conditions("again", "committee", due)


def test_a_surveillance_suspension_suspends_with_the_findings() -> None:
    label = Label.award("Q-AAAA-BBBB", "buddy", "org-1", Step.ACCREDITED, "v1", "a1", NOW)
    label.record_surveillance(SurveillanceOutcome.SUSPENDED, "no screening", "c", NOW)
    assert label.standing_at(NOW) is Standing.SUSPENDED
    assert label.state.reason == "surveillance: no screening"


def test_label_codes_are_distinct_and_readable() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 11 and c.startswith("Q-") and "O" not in c for c in codes)


def test_a_programme_is_affiliated_while_an_editor_of_its_organisation_is_a_member() -> None:
    programmes = {"buddy": "org-1", "jobs": "org-2"}
    editors = {"org-1": {"an"}, "org-2": {"bo"}}
    before = affiliated_programmes(programmes, editors, {"an"})
    after = affiliated_programmes(programmes, editors, {"bo"})
    assert before == {"buddy"}
    assert changed(before, after) == ({"jobs"}, {"buddy"})


def test_a_verified_label_is_kept_seconds_unless_forgotten_and_expiry_is_never_stale() -> None:
    from ecbm_quality.adapters.recent import RecentLabels
    from ecbm_quality.adapters.views import LabelView, as_of

    ticks = [0.0]
    recent = RecentLabels(5, size=2, clock=lambda: ticks[0])
    label = LabelView("Q-AAAA-BBBB", "buddy", "Buddy", "org-1", "BE", Step.ACCREDITED, "v1",
                      NOW, NOW + timedelta(days=1), Standing.VALID, "")  # fmt: skip
    recent.put(label)
    assert recent.get(label.code) is label
    ticks[0] = 5.0
    assert recent.get(label.code) is None
    recent.put(label)
    recent.forget(label.code)
    assert recent.get(label.code) is None
    assert as_of(label, NOW + timedelta(days=1)).standing is Standing.EXPIRED
    off = RecentLabels(0)
    off.put(label)
    assert off.get(label.code) is None  # off: keeps nothing
    others = [replace(label, code=f"Q-AAAA-BBB{n}") for n in range(3)]
    for other in others:  # size 2: the least recently used goes first
        recent.put(other)
    assert [recent.get(o.code) for o in others] == [None, others[1], others[2]]
