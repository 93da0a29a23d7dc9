"""gRPC servicer of people and memberships: proto → command/query → bus → proto."""

from __future__ import annotations

from typing import Any

from google.protobuf.empty_pb2 import Empty

from ecbm.registry.v1 import people_pb2 as pb
from ecbm.registry.v1 import people_pb2_grpc
from ecbm_registry.application.people import commands, queries
from ecbm_registry.domain.membership import MembershipStatus
from ecbm_registry.domain.person import ExpertiseLevel, Role
from ecbm_registry.entrypoints import people_messages as msg
from ecbm_registry.entrypoints.proto_fields import enum_value
from ecbm_runtime.actor import current_actor
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.grpc import ServiceRegistration
from ecbm_runtime.grpc.convert import (
    clamp_page_size,
    decode_page_token,
    encode_page_token,
    enum_name,
)
from ecbm_runtime.messagebus import MessageBus

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["PeopleService"].full_name

# Finer rules (a person acts on themself, editors on anyone) live in the use cases.


def registration(bus: MessageBus[Any]) -> ServiceRegistration:
    return ServiceRegistration(
        people_pb2_grpc.add_PeopleServiceServicer_to_server, PeopleServicer(bus), SERVICE_NAME
    )


class PeopleServicer(people_pb2_grpc.PeopleServiceServicer):
    def __init__(self, bus: MessageBus[Any]) -> None:
        self.bus = bus

    def _person(self, command: commands.Command) -> pb.Person:
        """Handle ``command``, then answer the person it changed as its actor sees them."""
        query = queries.GetPerson(actor=command.actor, person_id=self.bus.handle(command))
        return msg.person_to_proto(self.bus.handle(query))

    def _membership(self, command: commands.Command) -> pb.Membership:
        """Handle ``command``, then answer the membership it decided."""
        query = queries.GetMembership(actor=command.actor, person_id=self.bus.handle(command))
        return msg.membership_to_proto(self.bus.handle(query))

    def CreatePerson(self, request: pb.CreatePersonRequest, context: Any) -> pb.Person:
        command = commands.JoinNetwork.model_validate(
            {"request_id": request.request_id, "person": msg.person_fields(request.person)}
            | {"actor": current_actor()}
        )
        return self._person(command)

    def GetPerson(self, request: pb.GetPersonRequest, context: Any) -> pb.Person:
        query = queries.GetPerson(actor=current_actor(), person_id=msg.person_id(request.name))
        return msg.person_to_proto(self.bus.handle(query))

    def UpdatePerson(self, request: pb.UpdatePersonRequest, context: Any) -> pb.Person:
        command = commands.UpdatePerson.model_validate(_update_fields(request))
        return self._person(command)

    def ListPeople(self, request: pb.ListPeopleRequest, context: Any) -> pb.ListPeopleResponse:
        page = self.bus.handle(queries.ListPeople.model_validate(_list_people_fields(request)))
        token = _people_token(page.next_after, request.order_by)
        return pb.ListPeopleResponse(
            people=[msg.person_to_proto(p) for p in page.people],
            next_page_token=token,
            total_size=page.total_size,
        )

    def DeclareExpertise(self, request: pb.DeclareExpertiseRequest, context: Any) -> pb.Person:
        command = commands.DeclareExpertise.model_validate(_expertise_fields(request))
        return self._person(command)

    def WithdrawExpertise(self, request: pb.WithdrawExpertiseRequest, context: Any) -> pb.Person:
        command = commands.WithdrawExpertise(
            actor=current_actor(), person_id=msg.person_id(request.name), topic=request.topic
        )
        return self._person(command)

    def DeclareLearningGoal(
        self, request: pb.DeclareLearningGoalRequest, context: Any
    ) -> pb.Person:
        goal = {"topic": request.learning_goal.topic}
        goal["description"] = request.learning_goal.description
        command = commands.DeclareLearningGoal.model_validate(
            {
                "actor": current_actor(),
                "person_id": msg.person_id(request.name),
                "learning_goal": goal,
            }
        )
        return self._person(command)

    def WithdrawLearningGoal(
        self, request: pb.WithdrawLearningGoalRequest, context: Any
    ) -> pb.Person:
        command = commands.WithdrawLearningGoal(
            actor=current_actor(), person_id=msg.person_id(request.name), topic=request.topic
        )
        return self._person(command)

    def ForgetPerson(self, request: pb.ForgetPersonRequest, context: Any) -> Empty:
        self.bus.handle(
            commands.ForgetPerson(actor=current_actor(), person_id=msg.person_id(request.name))
        )
        return Empty()

    def ExportPerson(
        self, request: pb.ExportPersonRequest, context: Any
    ) -> pb.ExportPersonResponse:
        query = queries.ExportPerson(actor=current_actor(), person_id=msg.person_id(request.name))
        return pb.ExportPersonResponse(json=self.bus.handle(query))

    def ApplyForMembership(
        self, request: pb.ApplyForMembershipRequest, context: Any
    ) -> pb.Membership:
        person_id = msg.membership_person_id(request.name)
        command = commands.ApplyForMembership.model_validate(
            {"actor": current_actor(), "person_id": person_id, "motivation": request.motivation}
        )
        return self._membership(command)

    def ApproveMembership(
        self, request: pb.ApproveMembershipRequest, context: Any
    ) -> pb.Membership:
        person_id = msg.membership_person_id(request.name)
        command = commands.ApproveMembership(actor=current_actor(), person_id=person_id)
        return self._membership(command)

    def DeclineMembership(
        self, request: pb.DeclineMembershipRequest, context: Any
    ) -> pb.Membership:
        person_id = msg.membership_person_id(request.name)
        command = commands.DeclineMembership.model_validate(
            {"actor": current_actor(), "person_id": person_id, "reason": request.reason}
        )
        return self._membership(command)

    def EndMembership(self, request: pb.EndMembershipRequest, context: Any) -> pb.Membership:
        person_id = msg.membership_person_id(request.name)
        command = commands.EndMembership.model_validate(
            {"actor": current_actor(), "person_id": person_id}
            | {"reason": request.reason, "lapsed": request.lapsed}
        )
        return self._membership(command)

    def GetMembership(self, request: pb.GetMembershipRequest, context: Any) -> pb.Membership:
        person_id = msg.membership_person_id(request.name)
        query = queries.GetMembership(actor=current_actor(), person_id=person_id)
        return msg.membership_to_proto(self.bus.handle(query))

    def ListMemberships(
        self, request: pb.ListMembershipsRequest, context: Any
    ) -> pb.ListMembershipsResponse:
        page = self.bus.handle(queries.ListMemberships.model_validate(_memberships_fields(request)))
        return pb.ListMembershipsResponse(
            memberships=[msg.membership_to_proto(m) for m in page.memberships],
            next_page_token=encode_page_token({"after": page.next_after})
            if page.next_after
            else "",
            total_size=page.total_size,
        )


def _update_fields(request: pb.UpdatePersonRequest) -> dict[str, Any]:
    return {
        "actor": current_actor(),
        "person_id": msg.person_id(request.person.name, "person.name"),
        "expected_version": request.person.version,
        "person": msg.masked_person_fields(request),
    }


def _expertise_fields(request: pb.DeclareExpertiseRequest) -> dict[str, Any]:
    level = enum_name(pb.ExpertiseLevel, request.expertise.level, "expertise.level")
    return {
        "actor": current_actor(),
        "person_id": msg.person_id(request.name),
        "expertise": {
            "topic": request.expertise.topic,
            "level": enum_value(ExpertiseLevel, level, "EXPERTISE_LEVEL_"),
            "description": request.expertise.description,
        },
    }


def _list_people_fields(request: pb.ListPeopleRequest) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "actor": current_actor(),
        "page_size": clamp_page_size(request.page_size),
    }
    fields["order_by"] = request.order_by or "joined"
    position = decode_page_token(request.page_token)
    if position:
        if position.get("order_by") != request.order_by or len(position.get("after", ())) != 2:
            raise InvalidArgument(FieldViolation("page_token", "not a token for this ordering"))
        fields["after"] = tuple(position["after"])
    for name in ("country", "expertise_topic", "learning_goal_topic"):
        if value := getattr(request, name):
            fields[name] = value
    if request.role:
        role = enum_name(pb.PersonRole, request.role, "role")
        fields["role"] = enum_value(Role, role, "PERSON_ROLE_")
    for flag in ("visiting_professorship", "hosting_interns", "peer_review"):
        fields[f"open_to_{flag}"] = getattr(request, f"open_to_{flag}")
    return fields


def _people_token(next_after: tuple[str, str] | None, order_by: str) -> str:
    if next_after is None:
        return ""
    return encode_page_token({"after": list(next_after), "order_by": order_by})


def _memberships_fields(request: pb.ListMembershipsRequest) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "actor": current_actor(),
        "page_size": clamp_page_size(request.page_size),
    }
    fields["after"] = str(decode_page_token(request.page_token).get("after", ""))
    if request.status:
        status = enum_name(pb.MembershipStatus, request.status, "status")
        fields["status"] = enum_value(MembershipStatus, status, "MEMBERSHIP_STATUS_")
    return fields
