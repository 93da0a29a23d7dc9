"""PeopleService over gRPC: status codes, field violations, who may do what."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from ecbm.registry.v1 import people_pb2 as pb
from ecbm.registry.v1 import people_pb2_grpc
from ecbm_runtime.testing import bearer, violations

EDITOR = bearer("editor", subject="editor-1")


def stub(channel: grpc.Channel) -> people_pb2_grpc.PeopleServiceStub:
    return people_pb2_grpc.PeopleServiceStub(channel)


def a_person(**changes: object) -> pb.Person:
    fields: dict[str, object] = {
        "display_name": "Ana Silva",
        "email": "ana@example.org",
        "country": "PT",
        "roles": [pb.PERSON_ROLE_RESEARCHER],
        "listed_in_directory": True,
    }
    return pb.Person(**{**fields, **changes})


def create(channel: grpc.Channel, request_id: str = "ana", **changes: object) -> pb.Person:
    request = pb.CreatePersonRequest(request_id=request_id, person=a_person(**changes))
    return stub(channel).CreatePerson(request, metadata=EDITOR)


def failure(call: object) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()  # type: ignore[operator]
    return caught.value


def test_a_created_person_is_read_back_by_the_public_without_email(
    registry_channel: grpc.Channel,
) -> None:
    made = create(registry_channel)

    found = stub(registry_channel).GetPerson(pb.GetPersonRequest(name=made.name))

    assert found.display_name == "Ana Silva"
    assert found.email == ""
    assert list(found.roles) == [pb.PERSON_ROLE_RESEARCHER]


def test_a_bad_country_names_the_field(registry_channel: grpc.Channel) -> None:
    error = failure(lambda: create(registry_channel, country="XX"))

    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert list(violations(error)) == ["person.country"]


def test_an_unknown_topic_names_the_field(registry_channel: grpc.Channel) -> None:
    made = create(registry_channel)
    request = pb.DeclareExpertiseRequest(
        name=made.name,
        expertise=pb.Expertise(topic="astrology", level=pb.EXPERTISE_LEVEL_EXPERT),
    )

    error = failure(lambda: stub(registry_channel).DeclareExpertise(request, metadata=EDITOR))

    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert list(violations(error)) == ["expertise.topic"]


def test_an_unknown_person_is_not_found(registry_channel: grpc.Channel) -> None:
    request = pb.GetPersonRequest(name="people/nobody")

    error = failure(lambda: stub(registry_channel).GetPerson(request, metadata=EDITOR))

    assert error.code() == grpc.StatusCode.NOT_FOUND


def test_a_stale_version_on_update_is_aborted(registry_channel: grpc.Channel) -> None:
    made = create(registry_channel)
    person = pb.Person(name=made.name, country="BE", version=made.version)
    update = pb.UpdatePersonRequest(person=person, update_mask=FieldMask(paths=["country"]))
    stub(registry_channel).UpdatePerson(update, metadata=EDITOR)

    error = failure(lambda: stub(registry_channel).UpdatePerson(update, metadata=EDITOR))

    assert error.code() == grpc.StatusCode.ABORTED


def test_an_unknown_mask_path_is_invalid(registry_channel: grpc.Channel) -> None:
    made = create(registry_channel)
    update = pb.UpdatePersonRequest(
        person=pb.Person(name=made.name), update_mask=FieldMask(paths=["expertise"])
    )

    error = failure(lambda: stub(registry_channel).UpdatePerson(update, metadata=EDITOR))

    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert list(violations(error)) == ["update_mask"]


def test_a_person_updates_themself_but_not_someone_else(registry_channel: grpc.Channel) -> None:
    ana = create(registry_channel, "ana")
    bob = create(registry_channel, "bob", display_name="Bob")
    as_ana = bearer("member", subject=ana.name.removeprefix("people/"))
    mask = FieldMask(paths=["open_to_peer_review"])

    mine = pb.UpdatePersonRequest(
        person=pb.Person(name=ana.name, open_to_peer_review=True), update_mask=mask
    )
    theirs = pb.UpdatePersonRequest(
        person=pb.Person(name=bob.name, open_to_peer_review=True), update_mask=mask
    )

    assert stub(registry_channel).UpdatePerson(mine, metadata=as_ana).open_to_peer_review
    error = failure(lambda: stub(registry_channel).UpdatePerson(theirs, metadata=as_ana))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED


def test_changing_a_person_needs_a_token(registry_channel: grpc.Channel) -> None:
    made = create(registry_channel)

    error = failure(
        lambda: stub(registry_channel).ForgetPerson(pb.ForgetPersonRequest(name=made.name))
    )

    assert error.code() == grpc.StatusCode.UNAUTHENTICATED


def test_a_forgotten_person_is_not_found(registry_channel: grpc.Channel) -> None:
    made = create(registry_channel)
    stub(registry_channel).ForgetPerson(pb.ForgetPersonRequest(name=made.name), metadata=EDITOR)

    error = failure(
        lambda: stub(registry_channel).GetPerson(
            pb.GetPersonRequest(name=made.name), metadata=EDITOR
        )
    )

    assert error.code() == grpc.StatusCode.NOT_FOUND


def test_people_list_pages_through_filters(registry_channel: grpc.Channel) -> None:
    for index in range(5):
        create(registry_channel, f"p{index}", display_name=f"P{index}", country="BE")
    create(registry_channel, "nl", display_name="Elsewhere", country="NL")
    request = pb.ListPeopleRequest(page_size=2, country="BE", order_by="display_name")

    names: list[str] = []
    while True:
        page = stub(registry_channel).ListPeople(request)
        names += [p.display_name for p in page.people]
        if not page.next_page_token:
            break
        request.page_token = page.next_page_token

    assert names == ["P0", "P1", "P2", "P3", "P4"]
    assert page.total_size == 5


def test_membership_decisions_need_an_editor(registry_channel: grpc.Channel) -> None:
    made = create(registry_channel)
    as_person = bearer("member", subject=made.name.removeprefix("people/"))
    membership = f"{made.name}/membership"
    stub(registry_channel).ApplyForMembership(
        pb.ApplyForMembershipRequest(name=membership, motivation="I mentor"), metadata=as_person
    )

    error = failure(
        lambda: stub(registry_channel).ApproveMembership(
            pb.ApproveMembershipRequest(name=membership), metadata=as_person
        )
    )
    approved = stub(registry_channel).ApproveMembership(
        pb.ApproveMembershipRequest(name=membership), metadata=EDITOR
    )

    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert approved.status == pb.MEMBERSHIP_STATUS_APPROVED


def test_ending_a_declined_membership_is_a_failed_precondition(
    registry_channel: grpc.Channel,
) -> None:
    made = create(registry_channel)
    membership = f"{made.name}/membership"
    people = stub(registry_channel)
    people.ApplyForMembership(pb.ApplyForMembershipRequest(name=membership), metadata=EDITOR)
    people.DeclineMembership(
        pb.DeclineMembershipRequest(name=membership, reason="outside Europe"), metadata=EDITOR
    )

    error = failure(
        lambda: people.EndMembership(pb.EndMembershipRequest(name=membership), metadata=EDITOR)
    )

    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_a_person_exports_their_data_as_json(registry_channel: grpc.Channel) -> None:
    made = create(registry_channel)
    as_person = bearer("member", subject=made.name.removeprefix("people/"))

    exported = stub(registry_channel).ExportPerson(
        pb.ExportPersonRequest(name=made.name), metadata=as_person
    )

    assert '"email": "ana@example.org"' in exported.json
