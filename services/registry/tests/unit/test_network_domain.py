"""Policy contacts and interactions: given events → call → new events."""

from __future__ import annotations

from datetime import date

import pytest

from ecbm_registry.domain.interaction import (
    Interaction,
    InteractionKind,
    InteractionLogged,
    InteractionWithoutParticipants,
    NotAParticipant,
)
from ecbm_registry.domain.policy_contact import (
    ContactDetails,
    ContactKind,
    ContactWithdrawn,
    DirectorateGeneralRequired,
    PolicyContact,
    PolicyContactAdded,
    PolicyContactDetailsChanged,
    PolicyContactWithdrawn,
    Stance,
    StanceChanged,
    StanceUnchanged,
)

MEP = ContactDetails(
    display_name="Ana Gomes", kind=ContactKind.MEP, country="PT", institution="European Parliament",
    committee="EMPL", topics=("youth",),
)  # fmt: skip


def added(stance: Stance = Stance.UNKNOWN) -> PolicyContactAdded:
    return PolicyContactAdded(details=MEP, stance=stance, added_by="editor-1")


def test_adding_a_contact_records_its_details_and_first_stance() -> None:
    contact = PolicyContact.add("c-1", MEP, Stance.OPEN, "editor-1")

    assert contact.collect_new_events() == [
        PolicyContactAdded(details=MEP, stance=Stance.OPEN, added_by="editor-1")
    ]


def test_commission_staff_without_a_directorate_general_is_refused() -> None:
    staff = MEP.model_copy(update={"kind": ContactKind.COMMISSION_STAFF, "committee": ""})

    with pytest.raises(DirectorateGeneralRequired):
        PolicyContact.add("c-1", staff, Stance.OPEN, "editor-1")


def test_changing_the_stance_records_previous_stance_reason_and_author() -> None:
    contact = PolicyContact.rebuild("c-1", [added()])

    contact.change_stance(Stance.CHAMPION, "spoke for mentoring in plenary", "editor-2")

    assert contact.collect_new_events() == [
        StanceChanged(
            stance=Stance.CHAMPION, previous=Stance.UNKNOWN,
            reason="spoke for mentoring in plenary", changed_by="editor-2",
        )
    ]  # fmt: skip


def test_a_stance_equal_to_the_current_one_is_not_a_change() -> None:
    contact = PolicyContact.rebuild("c-1", [added(Stance.OPEN)])

    with pytest.raises(StanceUnchanged):
        contact.change_stance(Stance.OPEN, "still open", "editor-2")


def test_revising_with_identical_details_records_nothing() -> None:
    contact = PolicyContact.rebuild("c-1", [added()])

    contact.revise(MEP, "editor-1")

    assert not contact.has_new_events


def test_revising_details_records_the_new_details() -> None:
    contact = PolicyContact.rebuild("c-1", [added()])
    moved = MEP.model_copy(update={"committee": "CULT"})

    contact.revise(moved, "editor-1")

    assert contact.collect_new_events() == [
        PolicyContactDetailsChanged(details=moved, changed_by="editor-1")
    ]


def test_a_withdrawn_contact_changes_no_more() -> None:
    contact = PolicyContact.rebuild(
        "c-1", [added(), PolicyContactWithdrawn(reason="left office", withdrawn_by="e")]
    )

    with pytest.raises(ContactWithdrawn):
        contact.change_stance(Stance.CHAMPION, "too late", "editor-2")


def logged(**changes: object) -> InteractionLogged:
    fields: dict[str, object] = {
        "contact_id": "c-1", "kind": InteractionKind.ADVOCACY_VISIT,
        "occurred_on": date(2026, 3, 4), "participants": ("p-1", "p-2"),
        "outcome": "agreed to host a round table", "logged_by": "p-1",
    }  # fmt: skip
    return InteractionLogged(**{**fields, **changes})


def test_a_participant_logs_an_interaction() -> None:
    interaction = Interaction.log("i-1", logged(), on_behalf_allowed=False)

    assert interaction.collect_new_events() == [logged()]


def test_a_member_who_did_not_take_part_cannot_log_it() -> None:
    with pytest.raises(NotAParticipant):
        Interaction.log("i-1", logged(logged_by="p-9"), on_behalf_allowed=False)


def test_an_editor_may_log_for_others() -> None:
    interaction = Interaction.log("i-1", logged(logged_by="editor"), on_behalf_allowed=True)

    assert interaction.participants == ("p-1", "p-2")


def test_an_interaction_without_participants_is_refused() -> None:
    with pytest.raises(InteractionWithoutParticipants):
        Interaction.log("i-1", logged(participants=()), on_behalf_allowed=True)
