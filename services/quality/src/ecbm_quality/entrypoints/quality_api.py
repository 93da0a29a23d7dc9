"""The quality servicer: proto request -> message -> bus -> proto (who may call: the proto)."""

from __future__ import annotations

from typing import Any

import grpc

from ecbm.quality.v1 import quality_pb2 as pb
from ecbm.quality.v1 import quality_pb2_grpc
from ecbm_quality.application import commands as c
from ecbm_quality.domain.default_criteria import default_content
from ecbm_quality.domain.label import Standing
from ecbm_quality.entrypoints.messages import (
    appeal_proto,
    appeal_state_in,
    application_proto,
    change_proto,
    content_fields,
    criteria_set_proto,
    label_proto,
    step_in,
)
from ecbm_runtime.actor import current_actor
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.grpc.convert import (
    clamp_page_size,
    decode_page_token,
    encode_page_token,
    enum_name,
    from_timestamp,
)
from ecbm_runtime.grpc.names import resource_id
from ecbm_runtime.grpc.status import validated
from ecbm_runtime.messagebus import MessageBus

Context = grpc.ServicerContext


def _application(name: str) -> str:
    return resource_id(name, "applications", "name")


def _appeal(name: str) -> str:
    return resource_id(name, "appeals", "name")


def _label(name: str) -> str:
    return name.removeprefix("labels/")


class QualityServicer(quality_pb2_grpc.QualityServiceServicer):
    def __init__(self, bus: MessageBus[Any]) -> None:
        self.bus = bus

    # -- criteria sets -------------------------------------------------------------------
    def CreateCriteriaSet(
        self, request: pb.CreateCriteriaSetRequest, context: Context
    ) -> pb.CriteriaSet:
        given = request.criteria_set
        content = content_fields(given) if given.standards else default_content().model_dump()
        fields = {"actor": current_actor(), "version": given.version, "content": content}
        command = validated(c.DraftCriteriaSet, fields, {"content": "criteria_set"})
        try:
            drafted = self.bus.handle(command)
        except InvalidArgument as error:  # the domain names fields inside the set
            raise InvalidArgument(
                [FieldViolation(f"criteria_set.{v.field}", v.description) for v in error.violations]
            ) from error
        return self._criteria_set(drafted)

    def GetCriteriaSet(self, request: pb.GetCriteriaSetRequest, context: Context) -> pb.CriteriaSet:
        return self._criteria_set(resource_id(request.name, "criteriaSets", "name"))

    def PublishCriteriaSet(
        self, request: pb.PublishCriteriaSetRequest, context: Context
    ) -> pb.CriteriaSet:
        id = resource_id(request.name, "criteriaSets", "name")
        return self._criteria_set(
            self.bus.handle(c.PublishCriteriaSet(actor=current_actor(), criteria_set=id))
        )

    def RetireCriteriaSet(
        self, request: pb.RetireCriteriaSetRequest, context: Context
    ) -> pb.CriteriaSet:
        id = resource_id(request.name, "criteriaSets", "name")
        return self._criteria_set(
            self.bus.handle(c.RetireCriteriaSet(actor=current_actor(), criteria_set=id))
        )

    def _criteria_set(self, id: str) -> pb.CriteriaSet:
        state, content = self.bus.handle(validated(c.GetCriteriaSet, {"criteria_set": id}, {}))
        return criteria_set_proto(id, state, content)

    # -- applications --------------------------------------------------------------------
    def CreateApplication(
        self, request: pb.CreateApplicationRequest, context: Context
    ) -> pb.Application:
        fields = {
            "actor": current_actor(),
            "programme_id": resource_id(request.programme, "programmes", "programme"),
            "step": step_in(request.step, "step"),
            "request_id": request.request_id,
        }
        renamed = {"programme_id": "programme"}
        return self._application(self.bus.handle(validated(c.OpenApplication, fields, renamed)))

    def GetApplication(self, request: pb.GetApplicationRequest, context: Context) -> pb.Application:
        return self._application(_application(request.name))

    def AssessCriterion(
        self, request: pb.AssessCriterionRequest, context: Context
    ) -> pb.Application:
        a = request.assessment
        fields = {
            "actor": current_actor(),
            "application_id": _application(request.name),
            "code": a.code,
            "score": a.score,
            "evidence": tuple(a.evidence),
            "action_plan": a.action_plan,
        }
        command = validated(c.AssessCriterion, fields, {"": "assessment"})
        return self._application(self.bus.handle(command))

    def SubmitSelfAssessment(
        self, request: pb.SubmitSelfAssessmentRequest, context: Context
    ) -> pb.Application:
        command = c.SubmitSelfAssessment(
            actor=current_actor(), application_id=_application(request.name)
        )
        return self._application(self.bus.handle(command))

    def AssignPanel(self, request: pb.AssignPanelRequest, context: Context) -> pb.Application:
        seats = [
            {"person_id": resource_id(s.person, "people", f"seats[{i}].person"), "role": s.role}
            for i, s in enumerate(request.seats)
        ]
        fields = {
            "actor": current_actor(),
            "application_id": _application(request.name),
            "seats": seats,
        }
        command = validated(c.AssignPanel, fields, {"seats": "seats"})
        return self._application(self.bus.handle(command))

    def DeclareConflict(
        self, request: pb.DeclareConflictRequest, context: Context
    ) -> pb.DeclareConflictResponse:
        person = resource_id(request.person, "people", "person") if request.person else ""
        kind, _, subject = request.subject.partition("/")
        if kind not in ("organisations", "programmes"):
            subject = resource_id(request.subject, "organisations", "subject")
        fields = {"actor": current_actor(), "person_id": person, "subject_id": subject,
                  "reason": request.reason}  # fmt: skip
        command = validated(c.DeclareConflict, fields, {"subject_id": "subject"})
        declared = self.bus.handle(command)
        return pb.DeclareConflictResponse(person=f"people/{declared}", subject=request.subject)

    def ScoreApplication(
        self, request: pb.ScoreApplicationRequest, context: Context
    ) -> pb.Application:
        command = c.ScoreApplication(
            actor=current_actor(),
            application_id=_application(request.name),
            scores=dict(request.scores),
        )
        return self._application(self.bus.handle(command))

    def ReconcileScores(
        self, request: pb.ReconcileScoresRequest, context: Context
    ) -> pb.Application:
        command = c.ReconcileScores(
            actor=current_actor(),
            application_id=_application(request.name),
            scores=dict(request.scores),
        )
        return self._application(self.bus.handle(command))

    def DecideApplication(
        self, request: pb.DecideApplicationRequest, context: Context
    ) -> pb.Application:
        outcome = enum_name(pb.Outcome, request.outcome, "outcome").removeprefix("OUTCOME_")
        due = (
            from_timestamp(request.conditions_due, "conditions_due")
            if request.HasField("conditions_due")
            else None
        )
        fields = {
            "actor": current_actor(),
            "application_id": _application(request.name),
            "outcome": outcome.lower(),
            "reasons": request.reasons,
            "improvement_plan": request.improvement_plan,
            "conditions_due": due,
        }
        command = validated(c.DecideApplication, fields, {})
        return self._application(self.bus.handle(command))

    def LodgeAppeal(self, request: pb.LodgeAppealRequest, context: Context) -> pb.Application:
        fields = {
            "actor": current_actor(),
            "application_id": _application(request.name),
            "grounds": request.grounds,
        }
        return self._application(self.bus.handle(validated(c.LodgeAppeal, fields, {})))

    def DecideAppeal(self, request: pb.DecideAppealRequest, context: Context) -> pb.Application:
        fields: dict[str, Any] = {
            "actor": current_actor(),
            "upheld": request.upheld,
            "reasons": request.reasons,
        }
        if request.name.startswith("appeals/"):
            fields["appeal_id"] = _appeal(request.name)
        else:
            fields["application_id"] = _application(request.name)
        renamed = {"appeal_id": "name", "application_id": "name"}
        return self._application(self.bus.handle(validated(c.DecideAppeal, fields, renamed)))

    def ReviewAppeal(self, request: pb.ReviewAppealRequest, context: Context) -> pb.Appeal:
        id = _appeal(request.name)
        self.bus.handle(c.ReviewAppeal(actor=current_actor(), appeal_id=id))
        return self._appeal(id)

    def GetAppeal(self, request: pb.GetAppealRequest, context: Context) -> pb.Appeal:
        return self._appeal(_appeal(request.name))

    def ListAppeals(
        self, request: pb.ListAppealsRequest, context: Context
    ) -> pb.ListAppealsResponse:
        programme = (
            resource_id(request.programme, "programmes", "programme") if request.programme else ""
        )
        fields = {
            "actor": current_actor(),
            "state": appeal_state_in(request.state, "state"),
            "programme_id": programme,
            "page_size": clamp_page_size(request.page_size),
            "offset": decode_page_token(request.page_token).get("offset", 0),
        }
        page = self.bus.handle(validated(c.ListAppeals, fields, {"programme_id": "programme"}))
        token = encode_page_token({"offset": page.next_offset}) if page.next_offset else ""
        return pb.ListAppealsResponse(
            appeals=[appeal_proto(appeal) for appeal in page.appeals], next_page_token=token
        )

    def _appeal(self, id: str) -> pb.Appeal:
        return appeal_proto(self.bus.handle(c.GetAppeal(actor=current_actor(), appeal_id=id)))

    def _application(self, id: str) -> pb.Application:
        return application_proto(
            self.bus.handle(c.GetApplication(actor=current_actor(), application_id=id))
        )

    # -- labels --------------------------------------------------------------------------
    def SuspendLabel(self, request: pb.SuspendLabelRequest, context: Context) -> pb.Label:
        return self._change(c.SuspendLabel, request)

    def ReinstateLabel(self, request: pb.ReinstateLabelRequest, context: Context) -> pb.Label:
        return self._change(c.ReinstateLabel, request)

    def RevokeLabel(self, request: pb.RevokeLabelRequest, context: Context) -> pb.Label:
        return self._change(c.RevokeLabel, request)

    def RecordSurveillance(
        self, request: pb.RecordSurveillanceRequest, context: Context
    ) -> pb.Label:
        outcome = enum_name(pb.SurveillanceOutcome, request.outcome, "outcome")
        if outcome == "SURVEILLANCE_OUTCOME_UNSPECIFIED":
            raise InvalidArgument(FieldViolation("outcome", "say what the check found"))
        due = (
            from_timestamp(request.conditions_due, "conditions_due")
            if request.HasField("conditions_due")
            else None
        )
        fields = {
            "actor": current_actor(),
            "code": _label(request.name),
            "outcome": outcome.removeprefix("SURVEILLANCE_OUTCOME_").lower(),
            "findings": request.findings,
            "conditions_due": due,
        }
        code = self.bus.handle(validated(c.RecordSurveillance, fields, {"code": "name"}))
        return label_proto(self.bus.handle(c.VerifyLabel(code=code)))

    def MarkConditionsMet(self, request: pb.MarkConditionsMetRequest, context: Context) -> pb.Label:
        fields = {"actor": current_actor(), "code": _label(request.name), "note": request.note}
        code = self.bus.handle(validated(c.MeetConditions, fields, {"code": "name"}))
        return label_proto(self.bus.handle(c.VerifyLabel(code=code)))

    def _change(
        self, command: type[c.SuspendLabel | c.ReinstateLabel | c.RevokeLabel], request: Any
    ) -> pb.Label:
        fields = {"actor": current_actor(), "code": _label(request.name), "reason": request.reason}
        code = self.bus.handle(validated(command, fields, {"code": "name"}))
        return label_proto(self.bus.handle(c.VerifyLabel(code=code)))

    def VerifyLabel(self, request: pb.VerifyLabelRequest, context: Context) -> pb.Label:
        query = validated(c.VerifyLabel, {"code": _label(request.name)}, {"code": "name"})
        return label_proto(self.bus.handle(query))

    def ListLabels(self, request: pb.ListLabelsRequest, context: Context) -> pb.ListLabelsResponse:
        fields = {
            "step": step_in(request.step, "step", required=False),
            "country": request.country,
            "query": request.query,
            "standing": request.standing or Standing.VALID.value,
            "open_conditions": request.open_conditions,
            "conditions_due_before": (
                from_timestamp(request.conditions_due_before, "conditions_due_before")
                if request.HasField("conditions_due_before")
                else None
            ),
            "page_size": clamp_page_size(request.page_size),
            "offset": decode_page_token(request.page_token).get("offset", 0),
        }
        page = self.bus.handle(validated(c.ListLabels, fields, {}))
        token = encode_page_token({"offset": page.next_offset}) if page.next_offset else ""
        return pb.ListLabelsResponse(
            labels=[label_proto(label) for label in page.labels],
            next_page_token=token,
            total_size=page.total_size,
        )

    def ListLabelHistory(
        self, request: pb.ListLabelHistoryRequest, context: Context
    ) -> pb.ListLabelHistoryResponse:
        programme = resource_id(request.programme, "programmes", "programme")
        history = self.bus.handle(c.ListLabelHistory(programme_id=programme))
        return pb.ListLabelHistoryResponse(changes=[change_proto(h) for h in history])
