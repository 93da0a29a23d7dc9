"""Withdrawing an organisation: the aggregate's rules, without I/O."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecbm_registry.domain.organisation import (
    Organisation,
    OrganisationEditorAdded,
    OrganisationHasProgrammes,
    OrganisationIsWithdrawn,
    OrganisationKind,
    OrganisationRegistered,
    OrganisationStatus,
    OrganisationWithdrawn,
)
from ecbm_runtime.errors import RuleViolation


def organisation(*later: object) -> Organisation:
    registered = OrganisationRegistered(
        display_name="Mentoring Lab", kind=OrganisationKind.MENTORING_ORGANISATION,
        country="BE", city="", website="", contact_name="An Peeters",
        contact_email="an@example.org", description="", editors=("person-1",),
    )  # fmt: skip
    return Organisation.rebuild("org-1", [registered, *later])  # type: ignore[list-item]


def test_an_organisation_registered_before_statuses_existed_is_active() -> None:
    assert organisation(OrganisationEditorAdded(person_id="p-2")).status is (
        OrganisationStatus.ACTIVE
    )


def test_an_organisation_without_active_programmes_is_withdrawn_with_its_reason() -> None:
    subject = organisation()

    subject.withdraw("merged into another", active_programmes=0)

    assert subject.collect_new_events() == [OrganisationWithdrawn(reason="merged into another")]
    assert subject.status is OrganisationStatus.WITHDRAWN and subject.version == 2


@given(st.integers(min_value=1, max_value=10_000))
def test_an_organisation_with_active_programmes_is_not_withdrawn(active: int) -> None:
    subject = organisation()

    with pytest.raises(OrganisationHasProgrammes, match=f"withdraw its {active} programme"):
        subject.withdraw("", active_programmes=active)

    assert not subject.has_new_events and subject.status is OrganisationStatus.ACTIVE


def test_a_withdrawn_organisation_cannot_be_withdrawn_again() -> None:
    subject = organisation(OrganisationWithdrawn(reason="closed"))

    with pytest.raises(OrganisationIsWithdrawn, match="organisations/org-1 is withdrawn"):
        subject.withdraw("again", active_programmes=0)


def test_a_withdrawn_organisation_is_not_updated_nor_gets_editors() -> None:
    subject = organisation(OrganisationWithdrawn())

    with pytest.raises(OrganisationIsWithdrawn):
        subject.update({"city": "Ghent"})
    with pytest.raises(OrganisationIsWithdrawn):
        subject.add_editor("person-2")
    with pytest.raises(OrganisationIsWithdrawn):
        subject.check_not_withdrawn()  # what RegisterProgramme and the import rely on
    assert not subject.has_new_events


def test_both_refusals_are_rule_violations_so_callers_get_failed_precondition() -> None:
    assert issubclass(OrganisationIsWithdrawn, RuleViolation)
    assert issubclass(OrganisationHasProgrammes, RuleViolation)
