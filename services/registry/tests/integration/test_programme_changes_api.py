"""UpdateProgramme, WithdrawProgramme, UpdateOrganisation over gRPC: their status codes."""

from __future__ import annotations

import grpc
from google.protobuf.field_mask_pb2 import FieldMask
from programme_calls import code_of, registered, stub

from ecbm.registry.v1 import registry_pb2 as pb
from ecbm_runtime.testing import bearer

MEMBER = bearer("member", subject="member-1")
EDITOR = bearer("editor", subject="editor-1")


def renamed(programme: pb.Programme, paths: list[str], version: int) -> pb.UpdateProgrammeRequest:
    changes = pb.Programme(
        name=programme.name, version=version, display_name="Buddy Up Ghent",
        ages=pb.AgeRange(min=14), city="Ghent",
    )  # fmt: skip
    return pb.UpdateProgrammeRequest(programme=changes, update_mask=FieldMask(paths=paths))


def test_an_editor_updates_the_masked_fields_only(registry_channel: grpc.Channel) -> None:
    made = registered(registry_channel, MEMBER, organisation="Mentoring Lab")

    updated = stub(registry_channel).UpdateProgramme(
        renamed(made, ["display_name", "ages", "city"], made.version), metadata=EDITOR
    )

    assert updated.display_name == "Buddy Up Ghent" and updated.version == 2
    assert updated.ages.min == 14 and not updated.ages.HasField("max")
    assert list(updated.languages) == ["nl"] and updated.location.matched.startswith("Gent")


def test_a_stale_version_is_aborted(registry_channel: grpc.Channel) -> None:
    made = registered(registry_channel, MEMBER, organisation="Mentoring Lab")
    stub(registry_channel).UpdateProgramme(renamed(made, ["city"], 1), metadata=EDITOR)

    request = renamed(made, ["display_name"], 1)
    code = code_of(lambda: stub(registry_channel).UpdateProgramme(request, metadata=EDITOR))

    assert code == grpc.StatusCode.ABORTED


def test_an_unknown_mask_path_is_invalid_argument(registry_channel: grpc.Channel) -> None:
    made = registered(registry_channel, MEMBER, organisation="Mentoring Lab")
    request = renamed(made, ["organisation"], made.version)

    code = code_of(lambda: stub(registry_channel).UpdateProgramme(request, metadata=EDITOR))

    assert code == grpc.StatusCode.INVALID_ARGUMENT


def test_withdrawing_twice_is_a_failed_precondition(registry_channel: grpc.Channel) -> None:
    made = registered(registry_channel, MEMBER, organisation="Mentoring Lab")
    request = pb.WithdrawProgrammeRequest(name=made.name, reason="funding ended")
    withdrawn = stub(registry_channel).WithdrawProgramme(request, metadata=EDITOR)

    code = code_of(lambda: stub(registry_channel).WithdrawProgramme(request, metadata=EDITOR))

    assert withdrawn.status == pb.PROGRAMME_STATUS_WITHDRAWN
    assert code == grpc.StatusCode.FAILED_PRECONDITION


def test_an_editor_updates_an_organisations_contact(registry_channel: grpc.Channel) -> None:
    made = registered(registry_channel, MEMBER, organisation="Mentoring Lab")
    organisation = stub(registry_channel).GetOrganisation(
        pb.GetOrganisationRequest(name=made.organisation)
    )
    changes = pb.Organisation(
        name=organisation.name, version=organisation.version,
        contact=pb.Contact(display_name="Jan", email="jan@example.org"),
    )  # fmt: skip

    mask = FieldMask(paths=["contact"])
    updated = stub(registry_channel).UpdateOrganisation(
        pb.UpdateOrganisationRequest(organisation=changes, update_mask=mask), metadata=EDITOR
    )

    assert updated.contact.email == "jan@example.org" and updated.display_name == "Mentoring Lab"
