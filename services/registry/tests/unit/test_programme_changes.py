"""Programme and organisation changes: the aggregates' rules, without I/O."""

from __future__ import annotations

import pytest

from ecbm_registry.domain.organisation import (
    Organisation,
    OrganisationKind,
    OrganisationRegistered,
    OrganisationUpdated,
)
from ecbm_registry.domain.programme import (
    Programme,
    ProgrammeIsWithdrawn,
    ProgrammeRegistered,
    ProgrammeStatus,
    ProgrammeUpdated,
    ProgrammeWithdrawn,
)
from ecbm_runtime.errors import RuleViolation


def programme(*later: object) -> Programme:
    registered = ProgrammeRegistered(
        organisation_id="org-1", display_name="Buddy Up", description="", languages=("nl",),
        countries=("BE",), status=ProgrammeStatus.ACTIVE, age_min=12, age_max=18,
    )  # fmt: skip
    return Programme.rebuild("p-1", [registered, *later])  # type: ignore[list-item]


def test_an_update_records_only_the_fields_that_differ() -> None:
    subject = programme()

    subject.update({"display_name": "Buddy Up", "city": "Ghent", "age_max": 21})

    [event] = subject.collect_new_events()
    assert isinstance(event, ProgrammeUpdated)
    assert event.fields == ("age_max", "city") and subject.city == "Ghent"


def test_an_update_changing_nothing_records_nothing() -> None:
    subject = programme()

    subject.update({"display_name": "Buddy Up"})

    assert not subject.has_new_events


def test_an_age_range_turned_upside_down_is_a_rule_violation() -> None:
    with pytest.raises(RuleViolation, match="age_max"):
        programme().update({"age_min": 20})


def test_a_withdrawn_programme_cannot_be_withdrawn_again_or_updated() -> None:
    subject = programme(ProgrammeWithdrawn(reason="ended funding"))

    assert subject.status is ProgrammeStatus.WITHDRAWN
    with pytest.raises(ProgrammeIsWithdrawn):
        subject.withdraw("again")
    with pytest.raises(ProgrammeIsWithdrawn):
        subject.update({"display_name": "Back"})


def test_withdrawing_through_the_status_field_is_refused() -> None:
    with pytest.raises(RuleViolation, match="WithdrawProgramme"):
        programme().update({"status": ProgrammeStatus.WITHDRAWN})


def test_a_cleared_age_is_replayed_as_cleared() -> None:
    rebuilt = programme(ProgrammeUpdated(fields=("age_min",), age_min=None))

    assert rebuilt.age_min is None and rebuilt.age_max == 18 and rebuilt.version == 2


def test_an_organisation_update_records_the_changed_fields() -> None:
    organisation = Organisation.register(
        "o-1",
        OrganisationRegistered(
            display_name="Lab", kind=OrganisationKind.FUNDER, country="BE", city="",
            website="", contact_name="An", contact_email="an@example.org", description="",
        ),
    )  # fmt: skip
    organisation.collect_new_events()

    organisation.update({"contact_email": "info@example.org", "kind": OrganisationKind.FUNDER})

    [event] = organisation.collect_new_events()
    assert isinstance(event, OrganisationUpdated) and event.fields == ("contact_email",)
