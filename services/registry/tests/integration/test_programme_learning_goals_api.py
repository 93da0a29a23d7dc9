"""Learning goals of programmes: over gRPC on both databases, and the aggregate's rule."""

from __future__ import annotations

import grpc
import pytest
from programme_calls import registered, stub

from ecbm.registry.v1 import registry_pb2 as pb
from ecbm_runtime.testing import bearer

ANA = bearer("member", subject="ana")


def goal(name: str, topic: str, description: str = "") -> pb.DeclareProgrammeLearningGoalRequest:
    learning_goal = pb.ProgrammeLearningGoal(topic=topic, description=description)
    return pb.DeclareProgrammeLearningGoalRequest(name=name, learning_goal=learning_goal)


def test_a_declared_goal_is_shown_and_redeclaring_replaces_its_description(
    registry_channel: grpc.Channel,
) -> None:
    made = registered(registry_channel, ANA)
    stub(registry_channel).DeclareProgrammeLearningGoal(
        goal(made.name, "mentor-training", "online"), metadata=ANA
    )

    after = stub(registry_channel).DeclareProgrammeLearningGoal(
        goal(made.name, "mentor-training", "online, in Dutch"), metadata=ANA
    )

    assert [(g.topic, g.description) for g in after.learning_goals] == [
        ("mentor-training", "online, in Dutch")
    ]


def test_an_unknown_topic_is_invalid_argument(registry_channel: grpc.Channel) -> None:
    made = registered(registry_channel, ANA)

    with pytest.raises(grpc.RpcError) as caught:
        stub(registry_channel).DeclareProgrammeLearningGoal(
            goal(made.name, "knitting"), metadata=ANA
        )

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
