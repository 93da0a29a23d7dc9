"""ResourcesService over gRPC: the editorial workflow's status codes and the public feed."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from ecbm.registry.v1 import resources_pb2 as pb
from ecbm.registry.v1 import resources_pb2_grpc
from ecbm_runtime.testing import bearer

ATOM = "{http://www.w3.org/2005/Atom}"


AUTHOR = bearer("member", subject="author-1")
EDITOR = bearer("editor", subject="editor-1")


def stub(channel: grpc.Channel) -> resources_pb2_grpc.ResourcesServiceStub:
    return resources_pb2_grpc.ResourcesServiceStub(channel)


def draft(channel: grpc.Channel, title: str = "Mentors in Porto") -> pb.Resource:
    story = pb.Resource(
        kind=pb.RESOURCE_KIND_STORY, title=title, summary="How it began",
        author_display_name="Rita Sousa", countries=["PT"],
    )  # fmt: skip
    made: pb.Resource = stub(channel).CreateResource(
        pb.CreateResourceRequest(resource=story, request_id=title), metadata=AUTHOR
    )
    return made


def test_an_author_drafts_submits_and_an_editor_publishes_for_everyone(
    registry_channel: grpc.Channel,
) -> None:
    made = draft(registry_channel)
    stub(registry_channel).SubmitResource(pb.SubmitResourceRequest(name=made.name), metadata=AUTHOR)
    stub(registry_channel).PublishResource(
        pb.PublishResourceRequest(name=made.name), metadata=EDITOR
    )

    public = stub(registry_channel).GetResource(pb.GetResourceRequest(name=made.name))

    assert public.status == pb.RESOURCE_STATUS_PUBLISHED
    assert public.author == "people/author-1" and public.HasField("publish_time")


def test_publishing_before_submitting_is_a_failed_precondition(
    registry_channel: grpc.Channel,
) -> None:
    made = draft(registry_channel)

    with pytest.raises(grpc.RpcError) as caught:
        stub(registry_channel).PublishResource(
            pb.PublishResourceRequest(name=made.name), metadata=EDITOR
        )

    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_authors_may_not_publish(registry_channel: grpc.Channel) -> None:
    made = draft(registry_channel)

    with pytest.raises(grpc.RpcError) as caught:
        stub(registry_channel).PublishResource(
            pb.PublishResourceRequest(name=made.name), metadata=AUTHOR
        )

    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_a_draft_is_not_found_for_the_public(registry_channel: grpc.Channel) -> None:
    made = draft(registry_channel)

    with pytest.raises(grpc.RpcError) as caught:
        stub(registry_channel).GetResource(pb.GetResourceRequest(name=made.name))

    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_drafting_needs_a_token(registry_channel: grpc.Channel) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        stub(registry_channel).CreateResource(pb.CreateResourceRequest())

    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_returning_without_comments_is_invalid(registry_channel: grpc.Channel) -> None:
    made = draft(registry_channel)
    stub(registry_channel).SubmitResource(pb.SubmitResourceRequest(name=made.name), metadata=AUTHOR)

    with pytest.raises(grpc.RpcError) as caught:
        stub(registry_channel).ReturnResource(
            pb.ReturnResourceRequest(name=made.name), metadata=EDITOR
        )

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "comments" in (caught.value.details() or "")


def test_a_stale_edit_is_aborted(registry_channel: grpc.Channel) -> None:
    made = draft(registry_channel)
    edit = pb.Resource(name=made.name, version=made.version, title="New title")
    mask = FieldMask(paths=["title"])
    stub(registry_channel).UpdateResource(
        pb.UpdateResourceRequest(resource=edit, update_mask=mask), metadata=AUTHOR
    )

    with pytest.raises(grpc.RpcError) as caught:
        stub(registry_channel).UpdateResource(
            pb.UpdateResourceRequest(resource=edit, update_mask=mask), metadata=AUTHOR
        )

    assert caught.value.code() == grpc.StatusCode.ABORTED


def test_the_story_feed_is_public_atom(registry_channel: grpc.Channel) -> None:
    made = draft(registry_channel, "Buddies & <Mentors>")
    stub(registry_channel).SubmitResource(pb.SubmitResourceRequest(name=made.name), metadata=AUTHOR)
    stub(registry_channel).PublishResource(
        pb.PublishResourceRequest(name=made.name), metadata=EDITOR
    )

    feed = stub(registry_channel).GetStoryFeed(pb.GetStoryFeedRequest())

    assert feed.content_type.startswith("application/atom+xml")
    root = ET.fromstring(feed.data)
    assert root.findtext(f"{ATOM}entry/{ATOM}title") == "Buddies & <Mentors>"
