"""Translations between the quality proto messages and the service's own values."""

from __future__ import annotations

from typing import Any

from ecbm.quality.v1 import quality_pb2 as pb
from ecbm_quality.adapters.views import AppealView, HistoryEntry, LabelView
from ecbm_quality.domain.application import Application
from ecbm_quality.domain.criteria import CriteriaContent
from ecbm_quality.domain.steps import Step
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.grpc.convert import enum_name, timestamp

_STEP_PREFIX = "STEP_"


def step_in(number: int, field: str, required: bool = True) -> Step | None:
    name = enum_name(pb.Step, number, field)
    if name == "STEP_UNSPECIFIED":
        if required:
            raise InvalidArgument(FieldViolation(field, "say which step"))
        return None
    return Step(name.removeprefix(_STEP_PREFIX).lower())


def step_out(step: Step | None) -> int:
    return pb.Step.Value(f"{_STEP_PREFIX}{step.value.upper()}") if step else 0


def content_fields(message: pb.CriteriaSet) -> dict[str, Any]:
    """The request's set as CriteriaContent fields (validated by the domain)."""
    return {
        "title": dict(message.title),
        "standards": [
            {
                "code": standard.code,
                "title": dict(standard.title),
                "criteria": [
                    {
                        "code": c.code,
                        "statement": dict(c.statement),
                        "guidance": dict(c.guidance),
                        "evidence_expected": dict(c.evidence_expected),
                        "weight": c.weight,
                        "required_for": step_in(
                            c.required_for,
                            f"criteria_set.standards[{s}].criteria[{i}].required_for",
                            required=False,
                        ),
                    }
                    for i, c in enumerate(standard.criteria)
                ],
            }
            for s, standard in enumerate(message.standards)
        ],
        "thresholds": {
            step_in(t.step, f"criteria_set.thresholds[{i}].step"): {
                "overall": t.overall,
                "minimum_per_standard": t.minimum_per_standard,
            }
            for i, t in enumerate(message.thresholds)
        },
    }


def criteria_set_proto(id: str, state: str, content: CriteriaContent) -> pb.CriteriaSet:
    return pb.CriteriaSet(
        name=f"criteriaSets/{id}",
        version=int(id.removeprefix("v")),
        state=state,
        title=content.title,
        standards=[
            pb.Standard(
                code=s.code,
                title=s.title,
                criteria=[
                    pb.Criterion(
                        code=c.code,
                        statement=c.statement,
                        guidance=c.guidance,
                        evidence_expected=c.evidence_expected,
                        weight=c.weight,
                        required_for=step_out(c.required_for),
                    )
                    for c in s.criteria
                ],
            )
            for s in content.standards
        ],
        thresholds=[
            pb.Threshold(
                step=step_out(step), overall=t.overall, minimum_per_standard=t.minimum_per_standard
            )
            for step, t in content.thresholds.items()
        ],
    )


def application_proto(application: Application) -> pb.Application:
    s = application.state
    return pb.Application(
        name=f"applications/{application.id}",
        programme=f"programmes/{s.programme_id}",
        step=step_out(s.step),
        criteria_set=f"criteriaSets/{s.criteria_set}",
        state=s.status.value,
        self_assessment=[
            pb.CriterionAssessment(
                code=code, score=a.score, evidence=list(a.evidence), action_plan=a.action_plan
            )
            for code, a in s.self_assessment.items()
        ],
        panel=[pb.PanelSeat(person=f"people/{p}", role=r.value) for p, r in s.panel.items()],
        outcome=s.outcome.value if s.outcome else "",
    )


def label_proto(label: LabelView) -> pb.Label:
    return pb.Label(
        name=f"labels/{label.code}",
        code=label.code,
        programme=f"programmes/{label.programme_id}",
        programme_display_name=label.programme_name,
        step=step_out(label.step),
        criteria_set=f"criteriaSets/{label.criteria_set}",
        valid_from=timestamp(label.valid_from),
        valid_until=timestamp(label.valid_until),
        standing=label.standing.value,
        reason=label.reason,
        country=label.country,
        conditions_due=timestamp(label.conditions_due),
        conditions_met=label.conditions_met,
    )


def change_proto(entry: HistoryEntry) -> pb.LabelChange:
    return pb.LabelChange(
        label=f"labels/{entry.code}",
        change=entry.change,
        reason=entry.reason,
        time=timestamp(entry.at),
    )


def appeal_proto(appeal: AppealView) -> pb.Appeal:
    return pb.Appeal(
        name=f"appeals/{appeal.appeal_id}",
        application=f"applications/{appeal.application_id}",
        programme=f"programmes/{appeal.programme_id}",
        state=pb.AppealState.Value(f"APPEAL_STATE_{appeal.state.upper()}"),
        grounds=appeal.grounds,
        reviewer=f"people/{appeal.reviewer}" if appeal.reviewer else "",
        reasons=appeal.reasons,
        lodge_time=timestamp(appeal.lodge_time),
        update_time=timestamp(appeal.update_time),
    )


def appeal_state_in(number: int, field: str) -> str | None:
    name = enum_name(pb.AppealState, number, field)
    return (
        None if name == "APPEAL_STATE_UNSPECIFIED" else name.removeprefix("APPEAL_STATE_").lower()
    )
