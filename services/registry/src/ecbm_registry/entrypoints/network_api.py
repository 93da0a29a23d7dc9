"""gRPC servicer of the Brussels network: proto → command/query → bus → proto, nothing else."""

from __future__ import annotations

from typing import Any

import grpc

from ecbm.registry.v1 import network_pb2 as pb
from ecbm.registry.v1 import network_pb2_grpc
from ecbm_registry.adapters.network.views import (
    InteractionView,
    PolicyContactView,
    StanceChangeView,
)
from ecbm_registry.adapters.paging import Page
from ecbm_registry.application.network import commands, queries
from ecbm_registry.entrypoints.proto_fields import (
    domain_value,
    page_fields,
    page_token,
    proto_value,
)
from ecbm_runtime.actor import current_actor
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.grpc import ServiceRegistration
from ecbm_runtime.grpc.convert import (
    apply_field_mask,
    timestamp,
)
from ecbm_runtime.grpc.names import resource_id
from ecbm_runtime.grpc.status import validated
from ecbm_runtime.messagebus import MessageBus

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["NetworkService"].full_name
UPDATABLE = frozenset(commands.ContactChanges.model_fields)
KIND, STANCE, INTERACTION = "POLICY_CONTACT_KIND_", "STANCE_", "INTERACTION_KIND_"
CONTACTS = "policyContacts"


def registration(bus: MessageBus[Any]) -> ServiceRegistration:
    return ServiceRegistration(
        network_pb2_grpc.add_NetworkServiceServicer_to_server, NetworkServicer(bus), SERVICE_NAME
    )


class NetworkServicer(network_pb2_grpc.NetworkServiceServicer):
    def __init__(self, bus: MessageBus[Any]) -> None:
        self.bus = bus

    def _contact(self, contact_id: str) -> pb.PolicyContact:
        """The contact a command changed, as the servicer answers it."""
        return contact_to_proto(self.bus.handle(queries.GetPolicyContact(contact_id=contact_id)))

    def CreatePolicyContact(
        self, request: pb.CreatePolicyContactRequest, context: grpc.ServicerContext
    ) -> pb.PolicyContact:
        fields = {
            "actor": current_actor(),
            "request_id": request.request_id,
            **_contact_fields(request.policy_contact),
        }
        fields["stance"] = (
            domain_value(pb.Stance, request.policy_contact.stance, STANCE, "policy_contact.stance")
            or "unknown"
        )
        command = validated(
            commands.AddPolicyContact, fields, {"request_id": "request_id", "": "policy_contact"}
        )
        return self._contact(self.bus.handle(command))

    def GetPolicyContact(
        self, request: pb.GetPolicyContactRequest, context: grpc.ServicerContext
    ) -> pb.PolicyContact:
        query = queries.GetPolicyContact(contact_id=resource_id(request.name, CONTACTS, "name"))
        return contact_to_proto(self.bus.handle(query))

    def UpdatePolicyContact(
        self, request: pb.UpdatePolicyContactRequest, context: grpc.ServicerContext
    ) -> pb.PolicyContact:
        return self._contact(self.bus.handle(_update_command(request)))

    def WithdrawPolicyContact(
        self, request: pb.WithdrawPolicyContactRequest, context: grpc.ServicerContext
    ) -> pb.PolicyContact:
        fields = {
            "actor": current_actor(),
            "contact_id": resource_id(request.name, CONTACTS, "name"),
            "reason": request.reason,
            "expected_version": request.version,
        }
        command = validated(commands.WithdrawPolicyContact, fields, {"expected_version": "version"})
        return self._contact(self.bus.handle(command))

    def ListPolicyContacts(
        self, request: pb.ListPolicyContactsRequest, context: grpc.ServicerContext
    ) -> pb.ListPolicyContactsResponse:
        page: Page = self.bus.handle(
            validated(queries.ListPolicyContacts, _list_contacts_fields(request), {})
        )
        return pb.ListPolicyContactsResponse(
            policy_contacts=[contact_to_proto(c) for c in page.items],
            next_page_token=page_token(page), total_size=page.total_size,
        )  # fmt: skip

    def ChangeStance(
        self, request: pb.ChangeStanceRequest, context: grpc.ServicerContext
    ) -> pb.PolicyContact:
        fields = {
            "actor": current_actor(),
            "contact_id": resource_id(request.name, CONTACTS, "name"),
            "stance": domain_value(pb.Stance, request.stance, STANCE, "stance"),
            "reason": request.reason,
            "expected_version": request.version,
        }
        command = validated(commands.ChangeStance, fields, {"expected_version": "version"})
        return self._contact(self.bus.handle(command))

    def GetStanceHistory(
        self, request: pb.GetStanceHistoryRequest, context: grpc.ServicerContext
    ) -> pb.GetStanceHistoryResponse:
        query = queries.GetStanceHistory(contact_id=resource_id(request.name, CONTACTS, "name"))
        return pb.GetStanceHistoryResponse(
            stance_changes=[stance_change_to_proto(c) for c in self.bus.handle(query)]
        )

    def LogInteraction(
        self, request: pb.LogInteractionRequest, context: grpc.ServicerContext
    ) -> pb.Interaction:
        command = validated(
            commands.LogInteraction,
            _interaction_fields(request),
            {"request_id": "request_id", "contact_id": "parent", "": "interaction"},
        )
        query = queries.GetInteraction(interaction_id=self.bus.handle(command))
        return interaction_to_proto(self.bus.handle(query))

    def ListInteractions(
        self, request: pb.ListInteractionsRequest, context: grpc.ServicerContext
    ) -> pb.ListInteractionsResponse:
        query = validated(
            queries.ListInteractions,
            _list_interactions_fields(request),
            {"occurred_from": "start_date", "occurred_to": "end_date"},
        )
        page: Page = self.bus.handle(query)
        return pb.ListInteractionsResponse(
            interactions=[interaction_to_proto(i) for i in page.items],
            next_page_token=page_token(page),
            total_size=page.total_size,
        )

    def SummariseSupport(
        self, request: pb.SummariseSupportRequest, context: grpc.ServicerContext
    ) -> pb.SummariseSupportResponse:
        fields = {
            "kind": domain_value(pb.PolicyContactKind, request.kind, KIND, "kind"),
            "country": request.country or None,
        }
        rows = self.bus.handle(validated(queries.SummariseSupport, fields, {}))
        return pb.SummariseSupportResponse(
            countries=[_country_support(row.country, row.counts) for row in rows]
        )


def _contact_fields(contact: pb.PolicyContact) -> dict[str, Any]:
    return {
        "display_name": contact.display_name,
        "kind": domain_value(pb.PolicyContactKind, contact.kind, KIND, "policy_contact.kind"),
        "country": contact.country, "institution": contact.institution,
        "committee": contact.committee, "directorate_general": contact.directorate_general,
        "unit": contact.unit, "topics": list(contact.topics), "email": contact.email or None,
    }  # fmt: skip


def _update_command(request: pb.UpdatePolicyContactRequest) -> commands.UpdatePolicyContact:
    paths = apply_field_mask(request.update_mask.paths, UPDATABLE)
    if not paths:
        raise InvalidArgument(FieldViolation("update_mask", "name the fields to change, or '*'"))
    contact = request.policy_contact
    changes = {path: value for path, value in _contact_fields(contact).items() if path in paths}
    fields = {
        "actor": current_actor(),
        "contact_id": resource_id(contact.name, CONTACTS, "policy_contact.name"),
        "expected_version": contact.version, "changes": changes,
    }  # fmt: skip
    renamed = {"changes": "policy_contact", "expected_version": "policy_contact.version"}
    return validated(commands.UpdatePolicyContact, fields, renamed)


def _list_contacts_fields(request: pb.ListPolicyContactsRequest) -> dict[str, Any]:
    return {
        **page_fields(request.page_size, request.page_token),
        "country": request.country or None,
        "kind": domain_value(pb.PolicyContactKind, request.kind, KIND, "kind"),
        "stances": [
            domain_value(pb.Stance, s, STANCE, f"stances[{i}]")
            for i, s in enumerate(request.stances)
        ],
        "topic": request.topic or None, "show_withdrawn": request.show_withdrawn,
        "order_by": request.order_by,
    }  # fmt: skip


def _interaction_fields(request: pb.LogInteractionRequest) -> dict[str, Any]:
    interaction = request.interaction
    return {
        "actor": current_actor(),
        "request_id": request.request_id,
        "contact_id": resource_id(request.parent, CONTACTS, "parent"),
        "kind": domain_value(pb.InteractionKind, interaction.kind, INTERACTION, "interaction.kind"),
        "occurred_on": interaction.occurred_on or None,
        "participants": [
            resource_id(p, "people", f"interaction.participants[{n}]")
            for n, p in enumerate(interaction.participants)
        ],
        "outcome": interaction.outcome,
    }  # fmt: skip


def _list_interactions_fields(request: pb.ListInteractionsRequest) -> dict[str, Any]:
    contact = (
        None
        if request.parent == f"{CONTACTS}/-"
        else resource_id(request.parent, CONTACTS, "parent")
    )
    participant = (
        resource_id(request.participant, "people", "participant") if request.participant else None
    )
    return {
        **page_fields(request.page_size, request.page_token),
        "contact_id": contact, "participant": participant,
        "kind": domain_value(pb.InteractionKind, request.kind, INTERACTION, "kind"),
        "occurred_from": request.start_date or None, "occurred_to": request.end_date or None,
    }  # fmt: skip


def contact_to_proto(view: PolicyContactView) -> pb.PolicyContact:
    return pb.PolicyContact(
        name=f"{CONTACTS}/{view.id}", display_name=view.display_name,
        kind=proto_value(pb.PolicyContactKind, view.kind, KIND), country=view.country,
        institution=view.institution, committee=view.committee,
        directorate_general=view.directorate_general, unit=view.unit, topics=view.topics,
        email=view.email, stance=proto_value(pb.Stance, view.stance, STANCE),
        withdrawn=view.withdrawn, version=view.version,
        create_time=timestamp(view.create_time), update_time=timestamp(view.update_time),
    )  # fmt: skip


def stance_change_to_proto(view: StanceChangeView) -> pb.StanceChange:
    previous = proto_value(pb.Stance, view.previous, STANCE) if view.previous else 0
    return pb.StanceChange(
        stance=proto_value(pb.Stance, view.stance, STANCE), previous_stance=previous,
        reason=view.reason, changed_by=view.changed_by, change_time=timestamp(view.change_time),
    )  # fmt: skip


def interaction_to_proto(view: InteractionView) -> pb.Interaction:
    return pb.Interaction(
        name=f"{CONTACTS}/{view.contact_id}/interactions/{view.id}",
        kind=proto_value(pb.InteractionKind, view.kind, INTERACTION),
        occurred_on=view.occurred_on.isoformat(),
        participants=[f"people/{p}" for p in view.participants], outcome=view.outcome,
        logged_by=view.logged_by, create_time=timestamp(view.create_time),
    )  # fmt: skip


def _country_support(country: str, counts: dict[str, int]) -> pb.CountrySupport:
    return pb.CountrySupport(
        country=country, champion_count=counts.get("champion", 0),
        open_count=counts.get("open", 0), unknown_count=counts.get("unknown", 0),
        sceptical_count=counts.get("sceptical", 0), total_count=sum(counts.values()),
    )  # fmt: skip
