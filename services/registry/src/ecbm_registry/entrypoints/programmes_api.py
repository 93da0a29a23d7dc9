"""gRPC servicer of organisations and programmes: proto → command/query → bus → proto."""

from __future__ import annotations

from typing import Any

import grpc

from ecbm.registry.v1 import registry_pb2 as pb
from ecbm.registry.v1 import registry_pb2_grpc
from ecbm_registry.application.programmes import commands, queries
from ecbm_registry.entrypoints.programme_messages import (
    evaluation_fields,
    history_fields,
    history_to_proto,
    list_fields,
    organisation_fields,
    organisation_list_fields,
    organisation_page_token,
    organisation_to_proto,
    organisation_update_fields,
    programme_fields,
    programme_to_proto,
    programme_update_fields,
)
from ecbm_runtime.actor import current_actor
from ecbm_runtime.grpc import ServiceRegistration
from ecbm_runtime.grpc.convert import encode_page_token
from ecbm_runtime.grpc.names import resource_id
from ecbm_runtime.grpc.status import validated
from ecbm_runtime.messagebus import MessageBus

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["RegistryService"].full_name


def registration(bus: MessageBus[Any]) -> ServiceRegistration:
    return ServiceRegistration(
        registry_pb2_grpc.add_RegistryServiceServicer_to_server, RegistryServicer(bus), SERVICE_NAME
    )


class RegistryServicer(registry_pb2_grpc.RegistryServiceServicer):
    def __init__(self, bus: MessageBus[Any]) -> None:
        self.bus = bus

    def _organisation(self, command: object) -> pb.Organisation:
        """Handle ``command``, then answer the organisation it changed."""
        query = queries.GetOrganisation(organisation_id=self.bus.handle(command))
        return organisation_to_proto(self.bus.handle(query))

    def _programme(self, command: object) -> pb.Programme:
        """Handle ``command``, then answer the programme it changed."""
        query = queries.GetProgramme(programme_id=self.bus.handle(command))
        return programme_to_proto(self.bus.handle(query))

    def RegisterOrganisation(
        self, request: pb.RegisterOrganisationRequest, context: grpc.ServicerContext
    ) -> pb.Organisation:
        fields = {**organisation_fields(request), "actor": current_actor()}
        command = commands.RegisterOrganisation.model_validate(fields)
        return self._organisation(command)

    def GetOrganisation(
        self, request: pb.GetOrganisationRequest, context: grpc.ServicerContext
    ) -> pb.Organisation:
        query = queries.GetOrganisation(
            organisation_id=resource_id(request.name, "organisations", "name")
        )
        return organisation_to_proto(self.bus.handle(query))

    def ListOrganisations(
        self, request: pb.ListOrganisationsRequest, context: grpc.ServicerContext
    ) -> pb.ListOrganisationsResponse:
        fields = organisation_list_fields(request)
        query = validated(queries.ListOrganisations, fields, {"after": "page_token"})
        page = self.bus.handle(query)
        return pb.ListOrganisationsResponse(
            organisations=[organisation_to_proto(o) for o in page.organisations],
            next_page_token=organisation_page_token(request, page.next_after)
            if page.next_after
            else "",
            total_size=page.total_size,
        )

    def WithdrawOrganisation(
        self, request: pb.WithdrawOrganisationRequest, context: grpc.ServicerContext
    ) -> pb.Organisation:
        command = commands.WithdrawOrganisation(
            actor=current_actor(),
            organisation_id=resource_id(request.name, "organisations", "name"),
            reason=request.reason,
        )
        return self._organisation(command)

    def RegisterProgramme(
        self, request: pb.RegisterProgrammeRequest, context: grpc.ServicerContext
    ) -> pb.Programme:
        fields = {**programme_fields(request), "actor": current_actor()}
        command = commands.RegisterProgramme.model_validate(fields)
        return self._programme(command)

    def GetProgramme(
        self, request: pb.GetProgrammeRequest, context: grpc.ServicerContext
    ) -> pb.Programme:
        query = queries.GetProgramme(programme_id=resource_id(request.name, "programmes", "name"))
        return programme_to_proto(self.bus.handle(query))

    def ListProgrammes(
        self, request: pb.ListProgrammesRequest, context: grpc.ServicerContext
    ) -> pb.ListProgrammesResponse:
        page = self.bus.handle(queries.ListProgrammes.model_validate(list_fields(request)))
        token = encode_page_token({"after": page.next_after}) if page.next_after else ""
        return pb.ListProgrammesResponse(
            programmes=[programme_to_proto(p) for p in page.programmes],
            next_page_token=token,
            total_size=page.total_size,
        )

    def UpdateProgramme(
        self, request: pb.UpdateProgrammeRequest, context: grpc.ServicerContext
    ) -> pb.Programme:
        command = commands.UpdateProgramme.model_validate(programme_update_fields(request))
        return self._programme(command)

    def AddEvaluation(
        self, request: pb.AddEvaluationRequest, context: grpc.ServicerContext
    ) -> pb.Programme:
        command = commands.AddEvaluation.model_validate(evaluation_fields(request))
        return self._programme(command)

    def DeclareProgrammeLearningGoal(
        self, request: pb.DeclareProgrammeLearningGoalRequest, context: grpc.ServicerContext
    ) -> pb.Programme:
        goal = request.learning_goal
        fields = {
            "actor": current_actor(),
            "programme_id": resource_id(request.name, "programmes", "name"),
            "learning_goal": {"topic": goal.topic, "description": goal.description},
        }
        command = commands.DeclareProgrammeLearningGoal.model_validate(fields)
        return self._programme(command)

    def GetProgrammeHistory(
        self, request: pb.GetProgrammeHistoryRequest, context: grpc.ServicerContext
    ) -> pb.GetProgrammeHistoryResponse:
        fields = {**history_fields(request), "actor": current_actor()}
        query = queries.GetProgrammeHistory.model_validate(fields)
        return history_to_proto(self.bus.handle(query))

    def WithdrawProgramme(
        self, request: pb.WithdrawProgrammeRequest, context: grpc.ServicerContext
    ) -> pb.Programme:
        command = commands.WithdrawProgramme(
            actor=current_actor(),
            programme_id=resource_id(request.name, "programmes", "name"),
            reason=request.reason,
        )
        return self._programme(command)

    def UpdateOrganisation(
        self, request: pb.UpdateOrganisationRequest, context: grpc.ServicerContext
    ) -> pb.Organisation:
        fields = organisation_update_fields(request)
        return self._organisation(commands.UpdateOrganisation.model_validate(fields))

    def AddOrganisationEditor(
        self, request: pb.AddOrganisationEditorRequest, context: grpc.ServicerContext
    ) -> pb.Organisation:
        command = commands.AddOrganisationEditor(
            actor=current_actor(),
            organisation_id=resource_id(request.name, "organisations", "name"),
            person_id=resource_id(request.editor, "people", "editor"),
        )
        return self._organisation(command)
