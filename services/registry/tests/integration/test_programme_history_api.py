"""GetProgrammeHistory over gRPC on both databases: who did what when, paged."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask
from programme_calls import registered, stub

from ecbm.registry.v1 import registry_pb2 as pb
from ecbm_runtime.testing import bearer

ANA = bearer("member", subject="ana")
EDITOR = bearer("editor", subject="editor-1")


def changed_three_times(channel: grpc.Channel) -> pb.Programme:
    made = registered(channel, ANA)
    changes = pb.Programme(name=made.name, version=1, city="Ghent")
    stub(channel).UpdateProgramme(
        pb.UpdateProgrammeRequest(programme=changes, update_mask=FieldMask(paths=["city"])),
        metadata=EDITOR,
    )
    stub(channel).WithdrawProgramme(pb.WithdrawProgrammeRequest(name=made.name), metadata=ANA)
    return made


def test_the_history_names_who_changed_what_and_pages(registry_channel: grpc.Channel) -> None:
    made = changed_three_times(registry_channel)

    first = stub(registry_channel).GetProgrammeHistory(
        pb.GetProgrammeHistoryRequest(name=made.name, page_size=2), metadata=ANA
    )
    rest = stub(registry_channel).GetProgrammeHistory(
        pb.GetProgrammeHistoryRequest(name=made.name, page_token=first.next_page_token),
        metadata=ANA,
    )

    changes = [*first.changes, *rest.changes]
    assert [(c.version, c.type, c.actor) for c in changes] == [
        (1, "ProgrammeRegistered", "people/ana"),
        (2, "ProgrammeUpdated", "people/editor-1"),
        (3, "ProgrammeWithdrawn", "people/ana"),
    ]
    assert changes[1].details["city"] == "Ghent" and changes[0].HasField("record_time")
    assert not rest.next_page_token


def test_the_history_needs_a_token_and_an_existing_programme(
    registry_channel: grpc.Channel,
) -> None:
    request = pb.GetProgrammeHistoryRequest(name="programmes/nope")

    with pytest.raises(grpc.RpcError) as anonymous:
        stub(registry_channel).GetProgrammeHistory(request)
    with pytest.raises(grpc.RpcError) as missing:
        stub(registry_channel).GetProgrammeHistory(request, metadata=ANA)

    assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
