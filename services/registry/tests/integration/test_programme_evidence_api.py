"""AddEvaluation over gRPC, and ListProgrammes filtered by evidence level, on both databases."""

from __future__ import annotations

import grpc
import pytest

from ecbm.registry.v1 import registry_pb2 as pb
from ecbm.registry.v1 import registry_pb2_grpc
from ecbm_runtime.testing import bearer

ANA = bearer("member", subject="ana")
BRAM = bearer("member", subject="bram")


def stub(channel: grpc.Channel) -> registry_pb2_grpc.RegistryServiceStub:
    return registry_pb2_grpc.RegistryServiceStub(channel)


def registered(channel: grpc.Channel, name: str = "Buddy Up") -> pb.Programme:
    organisation = stub(channel).RegisterOrganisation(
        pb.RegisterOrganisationRequest(
            organisation=pb.Organisation(
                display_name=f"{name} Lab", kind=pb.ORGANISATION_KIND_MENTORING_ORGANISATION,
                country="BE", contact=pb.Contact(display_name="An", email="an@example.org"),
            )
        ),
        metadata=ANA,
    )  # fmt: skip
    made: pb.Programme = stub(channel).RegisterProgramme(
        pb.RegisterProgrammeRequest(
            programme=pb.Programme(
                organisation=organisation.name, display_name=name,
                languages=["nl"], countries=["BE"],
            )
        ),
        metadata=ANA,
    )  # fmt: skip
    return made


def evaluated(name: str, design: int, year: int = 2023) -> pb.AddEvaluationRequest:
    evaluation = pb.Evaluation(design=design, year=year, link="https://example.org/report")  # type: ignore[arg-type]
    return pb.AddEvaluationRequest(name=name, evaluation=evaluation)


def test_an_evaluation_sets_the_evidence_level_and_filters_the_list(
    registry_channel: grpc.Channel,
) -> None:
    made = registered(registry_channel)
    registered(registry_channel, "Unevaluated")

    after = stub(registry_channel).AddEvaluation(
        evaluated(made.name, pb.EVALUATION_DESIGN_QUASI_EXPERIMENTAL), metadata=ANA
    )
    page = stub(registry_channel).ListProgrammes(
        pb.ListProgrammesRequest(min_evidence_level=pb.EVALUATION_DESIGN_PRE_POST)
    )

    assert after.evidence_level == pb.EVALUATION_DESIGN_QUASI_EXPERIMENTAL
    assert [e.year for e in after.evaluations] == [2023]
    assert [p.name for p in page.programmes] == [made.name]


def test_an_evaluation_without_a_design_is_invalid_argument(
    registry_channel: grpc.Channel,
) -> None:
    made = registered(registry_channel)

    with pytest.raises(grpc.RpcError) as caught:
        stub(registry_channel).AddEvaluation(
            evaluated(made.name, pb.EVALUATION_DESIGN_UNSPECIFIED), metadata=ANA
        )

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_a_member_of_another_organisation_cannot_add_evaluations(
    registry_channel: grpc.Channel,
) -> None:
    made = registered(registry_channel)

    with pytest.raises(grpc.RpcError) as caught:
        stub(registry_channel).AddEvaluation(
            evaluated(made.name, pb.EVALUATION_DESIGN_RANDOMISED), metadata=BRAM
        )

    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
