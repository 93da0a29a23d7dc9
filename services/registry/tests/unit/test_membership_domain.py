"""The Membership aggregate: apply → approved or declined → lapsed or ended."""

from __future__ import annotations

import pytest

from ecbm_registry.domain.membership import (
    Membership,
    MembershipApplied,
    MembershipApproved,
    MembershipDeclined,
    MembershipEnded,
    MembershipStatus,
)
from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.errors import RuleViolation

APPLIED = MembershipApplied(person_id="p1", motivation="I run a programme")
APPROVED = MembershipApproved(person_id="p1", decided_by="editor-1")
DECLINED = MembershipDeclined(person_id="p1", decided_by="editor-1", reason="not in Europe")


def given(*history: DomainEvent) -> Membership:
    return Membership.rebuild("p1", history)


def test_applying_opens_an_application() -> None:
    membership = Membership.apply_for("p1", "I run a programme")

    assert membership.collect_new_events() == [APPLIED]
    assert membership.status is MembershipStatus.APPLIED


def test_an_editor_approves_an_open_application() -> None:
    membership = given(APPLIED)

    membership.approve("editor-1")

    assert membership.collect_new_events() == [APPROVED]


def test_a_membership_cannot_be_approved_twice() -> None:
    with pytest.raises(RuleViolation, match="cannot approve a membership that is approved"):
        given(APPLIED, APPROVED).approve("editor-2")


def test_a_declined_application_cannot_be_approved_or_ended() -> None:
    membership = given(APPLIED, DECLINED)

    with pytest.raises(RuleViolation):
        membership.approve("editor-1")
    with pytest.raises(RuleViolation, match="cannot end a membership that is declined"):
        membership.end("resigned")


def test_an_approved_membership_ends() -> None:
    membership = given(APPLIED, APPROVED)

    membership.end("resigned")

    assert membership.collect_new_events() == [MembershipEnded(person_id="p1", reason="resigned")]
    assert membership.status is MembershipStatus.ENDED


def test_an_approved_membership_lapses() -> None:
    membership = given(APPLIED, APPROVED)

    membership.lapse("not renewed")

    assert membership.status is MembershipStatus.LAPSED


def test_a_declined_person_may_apply_again() -> None:
    membership = given(APPLIED, DECLINED)

    membership.reapply("now in Belgium")

    assert membership.status is MembershipStatus.APPLIED
    assert membership.reason == ""


def test_an_open_or_approved_membership_is_not_applied_for_again() -> None:
    with pytest.raises(RuleViolation, match="is applied"):
        given(APPLIED).reapply("again")
    with pytest.raises(RuleViolation, match="is approved"):
        given(APPLIED, APPROVED).reapply("again")
