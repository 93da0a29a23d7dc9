"""UpdateProgramme, WithdrawProgramme, UpdateOrganisation over gRPC: their status codes."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from ecbm.registry.v1 import registry_pb2 as pb
from ecbm.registry.v1 import registry_pb2_grpc
from ecbm_runtime.testing import bearer

MEMBER = bearer("member", subject="member-1")
EDITOR = bearer("editor", subject="editor-1")


def stub(channel: grpc.Channel) -> registry_pb2_grpc.RegistryServiceStub:
    return registry_pb2_grpc.RegistryServiceStub(channel)


def registered(channel: grpc.Channel) -> pb.Programme:
    organisation = stub(channel).RegisterOrganisation(
        pb.RegisterOrganisationRequest(
            organisation=pb.Organisation(
                display_name="Mentoring Lab", kind=pb.ORGANISATION_KIND_MENTORING_ORGANISATION,
                country="BE", contact=pb.Contact(display_name="An", email="an@example.org"),
            )
        ),
        metadata=MEMBER,
    )  # fmt: skip
    made: pb.Programme = stub(channel).RegisterProgramme(
        pb.RegisterProgrammeRequest(
            programme=pb.Programme(
                organisation=organisation.name, display_name="Buddy Up",
                languages=["nl"], countries=["BE"],
            )
        ),
        metadata=MEMBER,
    )  # fmt: skip
    return made


def code_of(call: object) -> grpc.StatusCode:
    with pytest.raises(grpc.RpcError) as caught:
        call()  # type: ignore[operator]
    code: grpc.StatusCode = caught.value.code()
    return code


def renamed(programme: pb.Programme, paths: list[str], version: int) -> pb.UpdateProgrammeRequest:
    changes = pb.Programme(
        name=programme.name, version=version, display_name="Buddy Up Ghent",
        ages=pb.AgeRange(min=14), city="Ghent",
    )  # fmt: skip
    return pb.UpdateProgrammeRequest(programme=changes, update_mask=FieldMask(paths=paths))


def test_an_editor_updates_the_masked_fields_only(registry_channel: grpc.Channel) -> None:
    made = registered(registry_channel)

    updated = stub(registry_channel).UpdateProgramme(
        renamed(made, ["display_name", "ages", "city"], made.version), metadata=EDITOR
    )

    assert updated.display_name == "Buddy Up Ghent" and updated.version == 2
    assert updated.ages.min == 14 and not updated.ages.HasField("max")
    assert list(updated.languages) == ["nl"] and updated.location.matched.startswith("Gent")


def test_a_stale_version_is_aborted(registry_channel: grpc.Channel) -> None:
    made = registered(registry_channel)
    stub(registry_channel).UpdateProgramme(renamed(made, ["city"], 1), metadata=EDITOR)

    request = renamed(made, ["display_name"], 1)
    code = code_of(lambda: stub(registry_channel).UpdateProgramme(request, metadata=EDITOR))

    assert code == grpc.StatusCode.ABORTED


def test_an_unknown_mask_path_is_invalid_argument(registry_channel: grpc.Channel) -> None:
    made = registered(registry_channel)
    request = renamed(made, ["organisation"], made.version)

    code = code_of(lambda: stub(registry_channel).UpdateProgramme(request, metadata=EDITOR))

    assert code == grpc.StatusCode.INVALID_ARGUMENT


def test_withdrawing_twice_is_a_failed_precondition(registry_channel: grpc.Channel) -> None:
    made = registered(registry_channel)
    request = pb.WithdrawProgrammeRequest(name=made.name, reason="funding ended")
    withdrawn = stub(registry_channel).WithdrawProgramme(request, metadata=EDITOR)

    code = code_of(lambda: stub(registry_channel).WithdrawProgramme(request, metadata=EDITOR))

    assert withdrawn.status == pb.PROGRAMME_STATUS_WITHDRAWN
    assert code == grpc.StatusCode.FAILED_PRECONDITION


def test_an_editor_updates_an_organisations_contact(registry_channel: grpc.Channel) -> None:
    made = registered(registry_channel)
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
