"""AddEvaluation over gRPC, and ListProgrammes filtered by evidence level, on both databases."""

from __future__ import annotations

import grpc
import pytest
from programme_calls import registered, stub

from ecbm.registry.v1 import registry_pb2 as pb
from ecbm_runtime.testing import bearer

ANA = bearer("member", subject="ana")
BRAM = bearer("member", subject="bram")


def evaluated(name: str, design: int, year: int = 2023) -> pb.AddEvaluationRequest:
    evaluation = pb.Evaluation(design=design, year=year, link="https://example.org/report")  # type: ignore[arg-type]
    return pb.AddEvaluationRequest(name=name, evaluation=evaluation)


def test_an_evaluation_sets_the_evidence_level_and_filters_the_list(
    registry_channel: grpc.Channel,
) -> None:
    made = registered(registry_channel, ANA, "Buddy Up", "Buddy Up Lab")
    registered(registry_channel, ANA, "Unevaluated", "Unevaluated Lab")

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
    made = registered(registry_channel, ANA, "Buddy Up", "Buddy Up Lab")

    with pytest.raises(grpc.RpcError) as caught:
        stub(registry_channel).AddEvaluation(
            evaluated(made.name, pb.EVALUATION_DESIGN_UNSPECIFIED), metadata=ANA
        )

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_a_member_of_another_organisation_cannot_add_evaluations(
    registry_channel: grpc.Channel,
) -> None:
    made = registered(registry_channel, ANA, "Buddy Up", "Buddy Up Lab")

    with pytest.raises(grpc.RpcError) as caught:
        stub(registry_channel).AddEvaluation(
            evaluated(made.name, pb.EVALUATION_DESIGN_RANDOMISED), metadata=BRAM
        )

    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
