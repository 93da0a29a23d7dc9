"""Programme profile over gRPC: round trip and INVALID_ARGUMENT naming the field."""

from __future__ import annotations

import grpc
import pytest

from ecbm.registry.v1 import registry_pb2 as pb
from ecbm.registry.v1 import registry_pb2_grpc
from ecbm_runtime.testing import bearer, violations

MEMBER = bearer("member", subject="member-1")


def organisation(stub: registry_pb2_grpc.RegistryServiceStub) -> str:
    made = stub.RegisterOrganisation(
        pb.RegisterOrganisationRequest(
            organisation=pb.Organisation(
                display_name="Mentoring Lab", kind=pb.ORGANISATION_KIND_MENTORING_ORGANISATION,
                country="BE", contact=pb.Contact(display_name="An", email="an@example.org"),
            )
        ),
        metadata=MEMBER,
    )  # fmt: skip
    return str(made.name)


def programme(organisation_name: str, **changes: object) -> pb.Programme:
    fields: dict[str, object] = {
        "organisation": organisation_name, "display_name": "Buddy Up",
        "languages": ["nl"], "countries": ["BE"],
        "target_groups": ["youth"], "formats": ["group"], "focus_areas": ["education"],
        "ages": pb.AgeRange(min=12, max=18), "yearly_numbers": pb.YearlyNumbers(mentees=0),
        "start_year": 2019, "regions": ["Flanders"], "city": "Ghent",
    }  # fmt: skip
    return pb.Programme(**{**fields, **changes})  # type: ignore[arg-type]


def test_the_profile_round_trips_with_a_derived_location(registry_channel: grpc.Channel) -> None:
    stub = registry_pb2_grpc.RegistryServiceStub(registry_channel)
    made = stub.RegisterProgramme(
        pb.RegisterProgrammeRequest(programme=programme(organisation(stub))), metadata=MEMBER
    )

    found = stub.GetProgramme(pb.GetProgrammeRequest(name=made.name))

    assert list(found.target_groups) == ["youth"] and found.start_year == 2019
    assert found.ages.min == 12 and found.ages.max == 18
    assert found.yearly_numbers.HasField("mentees") and not found.yearly_numbers.HasField("mentors")
    assert found.location.matched.startswith("Gent, BE")


def test_an_unknown_target_group_is_invalid_argument_listing_allowed_ids(
    registry_channel: grpc.Channel,
) -> None:
    stub = registry_pb2_grpc.RegistryServiceStub(registry_channel)
    request = pb.RegisterProgrammeRequest(
        programme=programme(organisation(stub), target_groups=["pensioners"])
    )

    with pytest.raises(grpc.RpcError) as caught:
        stub.RegisterProgramme(request, metadata=MEMBER)

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    [(field, description)] = violations(caught.value).items()
    assert "target_groups[0]" in field and "allowed: youth" in description
