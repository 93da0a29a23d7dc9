"""NetworkService over gRPC: status codes a frontend acts on, and the delegation use case."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from ecbm.registry.v1 import network_pb2 as pb
from ecbm.registry.v1 import network_pb2_grpc
from ecbm_runtime.testing import bearer, violations

EDITOR = bearer("editor", subject="editor-1")
MEMBER = bearer("member", subject="person-7")


def stub(channel: grpc.Channel) -> network_pb2_grpc.NetworkServiceStub:
    return network_pb2_grpc.NetworkServiceStub(channel)


def mep(country: str = "PT", name: str = "Maria Silva", **fields: object) -> pb.PolicyContact:
    values: dict[str, object] = {
        "display_name": name, "kind": pb.POLICY_CONTACT_KIND_MEP, "country": country,
        "institution": "European Parliament", "committee": "EMPL", "topics": ["education"],
    }  # fmt: skip
    return pb.PolicyContact(**{**values, **fields})  # type: ignore[arg-type]


def create(channel: grpc.Channel, contact: pb.PolicyContact) -> pb.PolicyContact:
    request = pb.CreatePolicyContactRequest(policy_contact=contact)
    created: pb.PolicyContact = stub(channel).CreatePolicyContact(request, metadata=EDITOR)
    return created


def test_a_delegation_lists_its_countrys_meps_champions_first(
    registry_channel: grpc.Channel,
) -> None:
    create(registry_channel, mep(name="B", stance=pb.STANCE_SCEPTICAL))
    create(registry_channel, mep(name="A", stance=pb.STANCE_CHAMPION))
    create(registry_channel, mep("DE", name="C", stance=pb.STANCE_CHAMPION))

    reply = stub(registry_channel).ListPolicyContacts(
        pb.ListPolicyContactsRequest(
            country="PT", kind=pb.POLICY_CONTACT_KIND_MEP, order_by="stance", page_size=1
        ),
        metadata=MEMBER,
    )

    assert [c.display_name for c in reply.policy_contacts] == ["A"]
    assert reply.total_size == 2 and reply.next_page_token


def test_invalid_contact_names_each_bad_field(registry_channel: grpc.Channel) -> None:
    bad = mep(country="XX", kind=pb.POLICY_CONTACT_KIND_UNSPECIFIED)

    with pytest.raises(grpc.RpcError) as caught:
        create(registry_channel, bad)

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert sorted(violations(caught.value)) == ["policy_contact.country", "policy_contact.kind"]


def test_an_update_with_a_stale_version_is_aborted(registry_channel: grpc.Channel) -> None:
    contact = create(registry_channel, mep())
    stub(registry_channel).ChangeStance(
        pb.ChangeStanceRequest(name=contact.name, stance=pb.STANCE_OPEN, reason="met in May"),
        metadata=EDITOR,
    )
    stale = pb.PolicyContact(name=contact.name, version=contact.version, committee="CULT")

    with pytest.raises(grpc.RpcError) as caught:
        stub(registry_channel).UpdatePolicyContact(
            pb.UpdatePolicyContactRequest(
                policy_contact=stale, update_mask=FieldMask(paths=["committee"])
            ),
            metadata=EDITOR,
        )

    assert caught.value.code() == grpc.StatusCode.ABORTED


def test_an_unknown_contact_is_not_found(registry_channel: grpc.Channel) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        stub(registry_channel).GetPolicyContact(
            pb.GetPolicyContactRequest(name="policyContacts/nobody"), metadata=MEMBER
        )

    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_the_network_is_not_public(registry_channel: grpc.Channel) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        stub(registry_channel).ListPolicyContacts(pb.ListPolicyContactsRequest())

    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_members_may_not_change_stances(registry_channel: grpc.Channel) -> None:
    contact = create(registry_channel, mep())

    with pytest.raises(grpc.RpcError) as caught:
        stub(registry_channel).ChangeStance(
            pb.ChangeStanceRequest(name=contact.name, stance=pb.STANCE_OPEN, reason="r"),
            metadata=MEMBER,
        )

    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_the_same_stance_again_is_a_failed_precondition(registry_channel: grpc.Channel) -> None:
    contact = create(registry_channel, mep(stance=pb.STANCE_OPEN))

    with pytest.raises(grpc.RpcError) as caught:
        stub(registry_channel).ChangeStance(
            pb.ChangeStanceRequest(name=contact.name, stance=pb.STANCE_OPEN, reason="again"),
            metadata=EDITOR,
        )

    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_a_member_logs_a_visit_and_finds_it_among_all_contacts(
    registry_channel: grpc.Channel,
) -> None:
    contact = create(registry_channel, mep())
    visit = pb.Interaction(
        kind=pb.INTERACTION_KIND_ADVOCACY_VISIT, occurred_on="2026-03-04",
        participants=["people/person-7"], outcome="will ask a written question",
    )  # fmt: skip

    logged = stub(registry_channel).LogInteraction(
        pb.LogInteractionRequest(parent=contact.name, interaction=visit, request_id="v-1"),
        metadata=MEMBER,
    )
    found = stub(registry_channel).ListInteractions(
        pb.ListInteractionsRequest(parent="policyContacts/-", participant="people/person-7"),
        metadata=MEMBER,
    )

    assert logged.name.startswith(f"{contact.name}/interactions/")
    assert [i.name for i in found.interactions] == [logged.name]


def test_stance_history_and_support_summary(registry_channel: grpc.Channel) -> None:
    contact = create(registry_channel, mep())
    stub(registry_channel).ChangeStance(
        pb.ChangeStanceRequest(name=contact.name, stance=pb.STANCE_CHAMPION, reason="keynote"),
        metadata=EDITOR,
    )

    history = stub(registry_channel).GetStanceHistory(
        pb.GetStanceHistoryRequest(name=contact.name), metadata=MEMBER
    )
    summary = stub(registry_channel).SummariseSupport(pb.SummariseSupportRequest(), metadata=MEMBER)

    assert [(c.stance, c.previous_stance) for c in history.stance_changes] == [
        (pb.STANCE_CHAMPION, pb.STANCE_UNKNOWN), (pb.STANCE_UNKNOWN, pb.STANCE_UNSPECIFIED),
    ]  # fmt: skip
    assert [(c.country, c.champion_count, c.total_count) for c in summary.countries] == [
        ("PT", 1, 1)
    ]
