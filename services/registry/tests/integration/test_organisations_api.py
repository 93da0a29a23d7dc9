"""ListOrganisations and WithdrawOrganisation over gRPC: access, status codes, paging."""

from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2

from ecbm.registry.v1 import registry_pb2 as pb
from ecbm.registry.v1 import registry_pb2_grpc
from ecbm_runtime.testing import bearer, status_detail, violations

FOUNDER = bearer("member", subject="member-1")
STRANGER = bearer("member", subject="member-2")
EDITOR = bearer("editor", subject="editor-1")


def stub(channel: grpc.Channel) -> registry_pb2_grpc.RegistryServiceStub:
    return registry_pb2_grpc.RegistryServiceStub(channel)


def register(channel: grpc.Channel, name: str, country: str = "BE") -> pb.Organisation:
    made: pb.Organisation = stub(channel).RegisterOrganisation(
        pb.RegisterOrganisationRequest(
            organisation=pb.Organisation(
                display_name=name, kind=pb.ORGANISATION_KIND_MENTORING_ORGANISATION,
                country=country, contact=pb.Contact(display_name="An", email="an@example.org"),
            )
        ),
        metadata=FOUNDER,
    )  # fmt: skip
    return made


def failure(call: object) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()  # type: ignore[operator]
    return caught.value


def test_withdrawal_waits_for_the_programmes_then_the_list_leaves_it_out(
    registry_channel: grpc.Channel,
) -> None:
    api = stub(registry_channel)
    organisation = register(registry_channel, "Mentoring Lab")
    programme = api.RegisterProgramme(
        pb.RegisterProgrammeRequest(
            programme=pb.Programme(
                organisation=organisation.name, display_name="Buddy Up", languages=["nl"],
                countries=["BE"],
            )
        ),
        metadata=FOUNDER,
    )  # fmt: skip
    request = pb.WithdrawOrganisationRequest(name=organisation.name, reason="closed")

    blocked = failure(lambda: api.WithdrawOrganisation(request, metadata=FOUNDER))

    assert blocked.code() == grpc.StatusCode.FAILED_PRECONDITION
    [violation] = status_detail(blocked, error_details_pb2.PreconditionFailure).violations
    assert violation.type == "OrganisationHasProgrammes"
    assert "withdraw its 1 programme(s) first" in violation.description
    api.WithdrawProgramme(pb.WithdrawProgrammeRequest(name=programme.name), metadata=FOUNDER)
    withdrawn = api.WithdrawOrganisation(request, metadata=FOUNDER)
    assert withdrawn.status == pb.ORGANISATION_STATUS_WITHDRAWN and withdrawn.version == 2
    again = failure(lambda: api.WithdrawOrganisation(request, metadata=EDITOR))
    assert again.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert api.ListOrganisations(pb.ListOrganisationsRequest()).total_size == 0
    shown = api.ListOrganisations(pb.ListOrganisationsRequest(show_withdrawn=True))
    assert [o.name for o in shown.organisations] == [organisation.name]


def test_a_stranger_may_not_withdraw_it_and_an_anonymous_caller_may_not_either(
    registry_channel: grpc.Channel,
) -> None:
    api = stub(registry_channel)
    organisation = register(registry_channel, "Mentoring Lab")
    request = pb.WithdrawOrganisationRequest(name=organisation.name)

    assert failure(lambda: api.WithdrawOrganisation(request, metadata=STRANGER)).code() == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    assert failure(lambda: api.WithdrawOrganisation(request)).code() == (
        grpc.StatusCode.UNAUTHENTICATED
    )
    assert api.GetOrganisation(pb.GetOrganisationRequest(name=organisation.name)).status == (
        pb.ORGANISATION_STATUS_ACTIVE
    )


def test_anyone_lists_page_by_page_without_a_token(registry_channel: grpc.Channel) -> None:
    for name in ("charlie Fund", "alpha Mentors", "Beta Network"):
        register(registry_channel, name)
    register(registry_channel, "Delta Uni", country="NL")
    api = stub(registry_channel)

    first = api.ListOrganisations(pb.ListOrganisationsRequest(page_size=2, country="BE"))
    second = api.ListOrganisations(
        pb.ListOrganisationsRequest(page_size=2, country="BE", page_token=first.next_page_token)
    )

    assert [o.display_name for o in first.organisations] == ["alpha Mentors", "Beta Network"]
    assert first.total_size == 3 and first.next_page_token
    assert [o.display_name for o in second.organisations] == ["charlie Fund"]
    assert second.next_page_token == ""
    newest = api.ListOrganisations(pb.ListOrganisationsRequest(order_by="create_time desc"))
    assert newest.organisations[0].display_name == "Delta Uni"


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (pb.ListOrganisationsRequest(country="Belgium"), "country"),
        (pb.ListOrganisationsRequest(order_by="kind"), "order_by"),
        (pb.ListOrganisationsRequest(order_by="create_time sideways"), "order_by"),
        (pb.ListOrganisationsRequest(page_size=-1), "page_size"),
        (pb.ListOrganisationsRequest(page_token="garbage"), "page_token"),
        (pb.ListOrganisationsRequest(kind=99), "kind"),  # type: ignore[arg-type]
        (pb.ListOrganisationsRequest(status=7), "status"),  # type: ignore[arg-type]
    ],
)
def test_a_bad_filter_or_order_is_invalid_argument_naming_the_field(
    registry_channel: grpc.Channel, request_: pb.ListOrganisationsRequest, field: str
) -> None:
    error = failure(lambda: stub(registry_channel).ListOrganisations(request_))

    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert list(violations(error)) == [field]


def test_a_token_is_refused_with_another_order(registry_channel: grpc.Channel) -> None:
    for name in ("alpha Mentors", "Beta Network"):
        register(registry_channel, name)
    api = stub(registry_channel)
    first = api.ListOrganisations(pb.ListOrganisationsRequest(page_size=1))

    error = failure(
        lambda: api.ListOrganisations(
            pb.ListOrganisationsRequest(
                page_size=1, page_token=first.next_page_token, order_by="create_time"
            )
        )
    )

    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert list(violations(error)) == ["page_token"]


def test_the_contacts_address_is_shown_to_signed_in_callers_only(
    registry_channel: grpc.Channel,
) -> None:
    api = stub(registry_channel)
    organisation = register(registry_channel, "Mentoring Lab")
    get = pb.GetOrganisationRequest(name=organisation.name)

    anonymous = [
        api.GetOrganisation(get),
        *api.ListOrganisations(pb.ListOrganisationsRequest()).organisations,
    ]
    signed_in = api.GetOrganisation(get, metadata=STRANGER)

    assert [(o.contact.display_name, o.contact.email) for o in anonymous] == [("An", "")] * 2
    assert signed_in.contact.email == "an@example.org"
