"""What the registry's api tests do first over gRPC: an organisation and its programme."""

from __future__ import annotations

import grpc
import pytest

from ecbm.registry.v1 import registry_pb2 as pb
from ecbm.registry.v1 import registry_pb2_grpc


def stub(channel: grpc.Channel) -> registry_pb2_grpc.RegistryServiceStub:
    return registry_pb2_grpc.RegistryServiceStub(channel)


def registered(
    channel: grpc.Channel,
    caller: tuple[tuple[str, str]],
    programme: str = "Buddy Up",
    organisation: str = "Lab",
) -> pb.Programme:
    """A Belgian mentoring organisation registered by ``caller``, and its Dutch programme."""
    registered_organisation = stub(channel).RegisterOrganisation(
        pb.RegisterOrganisationRequest(
            organisation=pb.Organisation(
                display_name=organisation, kind=pb.ORGANISATION_KIND_MENTORING_ORGANISATION,
                country="BE", contact=pb.Contact(display_name="An", email="an@example.org"),
            )
        ),
        metadata=caller,
    )  # fmt: skip
    made: pb.Programme = stub(channel).RegisterProgramme(
        pb.RegisterProgrammeRequest(
            programme=pb.Programme(
                organisation=registered_organisation.name, display_name=programme,
                languages=["nl"], countries=["BE"],
            )
        ),
        metadata=caller,
    )  # fmt: skip
    return made


def code_of(call: object) -> grpc.StatusCode:
    """The status code ``call()`` fails with."""
    with pytest.raises(grpc.RpcError) as caught:
        call()  # type: ignore[operator]
    code: grpc.StatusCode = caught.value.code()
    return code
