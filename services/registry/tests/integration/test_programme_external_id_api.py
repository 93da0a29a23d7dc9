"""A programme's external id over gRPC: set at registration, shown, filtered on, unique."""

from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2

from ecbm.registry.v1 import registry_pb2 as pb
from ecbm.registry.v1 import registry_pb2_grpc
from ecbm_runtime.testing import bearer, status_detail

EDITOR = bearer("editor", subject="editor-1")


def register(stub: registry_pb2_grpc.RegistryServiceStub, external_id: str) -> pb.Programme:
    organisation = stub.RegisterOrganisation(
        pb.RegisterOrganisationRequest(
            request_id=f"org-{external_id}",
            organisation=pb.Organisation(
                display_name=f"Lab {external_id}", kind=pb.ORGANISATION_KIND_MENTORING_ORGANISATION,
                country="BE", contact=pb.Contact(display_name="An", email="an@example.org"),
            ),
        ),
        metadata=EDITOR,
    )  # fmt: skip
    made: pb.Programme = stub.RegisterProgramme(
        pb.RegisterProgrammeRequest(
            programme=pb.Programme(
                organisation=organisation.name, display_name="Buddy Up",
                languages=["nl"], countries=["BE"], external_id=external_id,
            )
        ),
        metadata=EDITOR,
    )  # fmt: skip
    return made


def test_the_external_id_is_shown_and_finds_the_programme(registry_channel: grpc.Channel) -> None:
    stub = registry_pb2_grpc.RegistryServiceStub(registry_channel)
    made = register(stub, "vl-buddy-07")
    register(stub, "vl-buddy-08")

    found = stub.ListProgrammes(pb.ListProgrammesRequest(external_id="vl-buddy-07"))

    assert made.external_id == "vl-buddy-07"
    assert [p.name for p in found.programmes] == [made.name] and found.total_size == 1
    assert stub.GetProgramme(pb.GetProgrammeRequest(name=made.name)).external_id == "vl-buddy-07"


def test_a_taken_external_id_is_already_exists_naming_the_programme(
    registry_channel: grpc.Channel,
) -> None:
    stub = registry_pb2_grpc.RegistryServiceStub(registry_channel)
    first = register(stub, "vl-buddy-07")

    with pytest.raises(grpc.RpcError) as raised:
        register(stub, "vl-buddy-07")

    assert raised.value.code() == grpc.StatusCode.ALREADY_EXISTS
    existing = status_detail(raised.value, error_details_pb2.ResourceInfo)
    assert existing.resource_name == first.name
