"""Who may change programmes and organisations: Center editors, or the organisation's editors."""

from __future__ import annotations

from collections.abc import Callable

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask
from programme_calls import code_of, registered, stub

from ecbm.registry.v1 import registry_pb2 as pb
from ecbm_runtime.testing import bearer

ANA = bearer("member", subject="ana")
BRAM = bearer("member", subject="bram")
EDITOR = bearer("editor", subject="editor-1")


def rename(programme: pb.Programme) -> pb.UpdateProgrammeRequest:
    changes = pb.Programme(name=programme.name, version=programme.version, display_name="New")
    return pb.UpdateProgrammeRequest(
        programme=changes, update_mask=FieldMask(paths=["display_name"])
    )


def test_the_registering_member_is_the_organisations_first_editor(
    registry_channel: grpc.Channel,
) -> None:
    made = registered(registry_channel, ANA, "Lab A Buddies", "Lab A")

    organisation = stub(registry_channel).GetOrganisation(
        pb.GetOrganisationRequest(name=made.organisation)
    )
    updated = stub(registry_channel).UpdateProgramme(rename(made), metadata=ANA)

    assert list(organisation.editors) == ["people/ana"] and updated.display_name == "New"


def test_an_editor_of_another_organisation_is_permission_denied(
    registry_channel: grpc.Channel,
) -> None:
    made = registered(registry_channel, ANA, "Lab A Buddies", "Lab A")
    registered(registry_channel, BRAM, "Lab B Buddies", "Lab B")
    withdraw = pb.WithdrawProgrammeRequest(name=made.name)

    assert (
        code_of(lambda: stub(registry_channel).UpdateProgramme(rename(made), metadata=BRAM))
        == grpc.StatusCode.PERMISSION_DENIED
    )
    assert code_of(
        lambda: stub(registry_channel).WithdrawProgramme(withdraw, metadata=BRAM)
    ) == grpc.StatusCode.PERMISSION_DENIED  # fmt: skip


def test_a_center_editor_changes_any_programme(registry_channel: grpc.Channel) -> None:
    made = registered(registry_channel, ANA, "Lab A Buddies", "Lab A")

    updated = stub(registry_channel).UpdateProgramme(rename(made), metadata=EDITOR)

    assert updated.display_name == "New"


def test_an_added_editor_may_change_the_organisations_programmes(
    registry_channel: grpc.Channel,
) -> None:
    made = registered(registry_channel, ANA, "Lab A Buddies", "Lab A")
    stub(registry_channel).AddOrganisationEditor(
        pb.AddOrganisationEditorRequest(name=made.organisation, editor="people/bram"),
        metadata=ANA,
    )

    updated = stub(registry_channel).UpdateProgramme(rename(made), metadata=BRAM)

    assert updated.display_name == "New"


def test_a_non_editor_cannot_add_editors(registry_channel: grpc.Channel) -> None:
    made = registered(registry_channel, ANA, "Lab A Buddies", "Lab A")
    request = pb.AddOrganisationEditorRequest(name=made.organisation, editor="people/bram")

    code = code_of(lambda: stub(registry_channel).AddOrganisationEditor(request, metadata=BRAM))

    assert code == grpc.StatusCode.PERMISSION_DENIED


def programmes_of(channel: grpc.Channel, organisation: str) -> list[str]:
    listed = stub(channel).ListProgrammes(pb.ListProgrammesRequest(organisation=organisation))
    return [p.display_name for p in listed.programmes]


def test_a_member_cannot_register_a_programme_in_an_organisation_they_do_not_edit(
    registry_channel: grpc.Channel,
) -> None:
    made = registered(registry_channel, ANA, "Lab A Buddies", "Lab A")
    registered(registry_channel, BRAM, "Lab B Buddies", "Lab B")
    planted = pb.RegisterProgrammeRequest(
        programme=pb.Programme(
            organisation=made.organisation, display_name="Planted", languages=["nl"],
            countries=["BE"],
        )
    )  # fmt: skip

    refused = code_of(lambda: stub(registry_channel).RegisterProgramme(planted, metadata=BRAM))
    mine = stub(registry_channel).RegisterProgramme(planted, metadata=ANA)

    assert refused == grpc.StatusCode.PERMISSION_DENIED
    assert mine.organisation == made.organisation
    assert sorted(programmes_of(registry_channel, made.organisation)) == [
        "Lab A Buddies",
        "Planted",
    ]


Metadata = tuple[tuple[str, str]]
# Given Lab A's programme, a change of something Lab A owns, as a call by a caller.
Change = Callable[[grpc.Channel, pb.Programme], Callable[[Metadata], object]]


def add_evaluation(channel: grpc.Channel, made: pb.Programme) -> Callable[[Metadata], object]:
    request = pb.AddEvaluationRequest(
        name=made.name, evaluation=pb.Evaluation(design=pb.EVALUATION_DESIGN_PRE_POST, year=2024)
    )
    return lambda caller: stub(channel).AddEvaluation(request, metadata=caller)


def declare_learning_goal(
    channel: grpc.Channel, made: pb.Programme
) -> Callable[[Metadata], object]:
    request = pb.DeclareProgrammeLearningGoalRequest(
        name=made.name, learning_goal=pb.ProgrammeLearningGoal(topic="mentor-training")
    )
    return lambda caller: stub(channel).DeclareProgrammeLearningGoal(request, metadata=caller)


def update_organisation(channel: grpc.Channel, made: pb.Programme) -> Callable[[Metadata], object]:
    request = pb.UpdateOrganisationRequest(
        organisation=pb.Organisation(name=made.organisation, version=1, city="Ghent"),
        update_mask=FieldMask(paths=["city"]),
    )
    return lambda caller: stub(channel).UpdateOrganisation(request, metadata=caller)


def withdraw_organisation(
    channel: grpc.Channel, made: pb.Programme
) -> Callable[[Metadata], object]:
    stub(channel).WithdrawProgramme(pb.WithdrawProgrammeRequest(name=made.name), metadata=ANA)
    request = pb.WithdrawOrganisationRequest(name=made.organisation, reason="closing")
    return lambda caller: stub(channel).WithdrawOrganisation(request, metadata=caller)


def read_history(channel: grpc.Channel, made: pb.Programme) -> Callable[[Metadata], object]:
    request = pb.GetProgrammeHistoryRequest(name=made.name)
    return lambda caller: stub(channel).GetProgrammeHistory(request, metadata=caller)


@pytest.mark.parametrize(
    "change",
    [add_evaluation, declare_learning_goal, update_organisation, withdraw_organisation,
     read_history],
)  # fmt: skip
def test_an_editor_of_another_organisation_is_refused_and_the_owner_is_not(
    registry_channel: grpc.Channel, change: Change
) -> None:
    made = registered(registry_channel, ANA, "Lab A Buddies", "Lab A")
    registered(registry_channel, BRAM, "Lab B Buddies", "Lab B")
    call = change(registry_channel, made)

    refused = code_of(lambda: call(BRAM))
    call(ANA)

    assert refused == grpc.StatusCode.PERMISSION_DENIED


def test_a_programmes_history_shows_its_owner_every_change(registry_channel: grpc.Channel) -> None:
    made = registered(registry_channel, ANA, "Lab A Buddies", "Lab A")
    stub(registry_channel).UpdateProgramme(rename(made), metadata=ANA)

    history = stub(registry_channel).GetProgrammeHistory(
        pb.GetProgrammeHistoryRequest(name=made.name), metadata=ANA
    )

    assert len(history.changes) == 2
