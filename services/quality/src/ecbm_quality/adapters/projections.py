"""Projections of the quality aggregates' events to the register and the read models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, insert, select, update

from ecbm_quality.adapters.tables import (
    appeals,
    applications,
    criteria_sets,
    label_history,
    labels,
    panel_seats,
    programmes,
)
from ecbm_quality.domain import application as app
from ecbm_quality.domain import criteria as crit
from ecbm_quality.domain import label as lab
from ecbm_runtime.eventstore import StoredEvent


def _history(connection: Connection, record: StoredEvent, programme: str, reason: str) -> None:
    connection.execute(
        insert(label_history).values(
            code=record.entity_id,
            version=record.version,
            programme_id=programme,
            change=record.type,
            reason=reason,
            at=record.recorded_at,
        )
    )


def project_label_awarded(
    connection: Connection, event: lab.LabelAwarded, record: StoredEvent
) -> None:
    programme = connection.execute(
        select(programmes.c.display_name, programmes.c.country).where(
            programmes.c.programme_id == event.programme_id
        )
    ).first()
    name, country = (programme.display_name, programme.country) if programme else ("", "")
    connection.execute(
        insert(labels).values(
            programme_name=name,
            country=country,
            code=record.entity_id,
            programme_id=event.programme_id,
            organisation_id=event.organisation_id,
            step=event.step.value,
            criteria_set=event.criteria_set,
            valid_from=event.valid_from,
            valid_until=event.valid_until,
            standing=lab.Standing.VALID.value,
            reason="",
            reminded=0,
            surveillance_due=event.valid_from + (event.valid_until - event.valid_from) / 2,
            surveillance_reminded=0,
            conditions_due=event.conditions_due,
            conditions_reminded=0,
            conditions_deadline=event.conditions_due,
        )
    )
    _history(connection, record, event.programme_id, "")


_LABEL_CHANGES: dict[type, Callable[[Any], dict[str, Any]]] = {
    lab.RenewalReminded: lambda e: {"reminded": 1},
    lab.LabelSuspended: lambda e: {"standing": "suspended", "reason": e.reason},
    lab.LabelReinstated: lambda e: {"standing": "valid", "reason": ""},
    lab.LabelRevoked: lambda e: {"standing": "revoked", "reason": e.reason},
    lab.LabelExpired: lambda e: {"standing": "expired"},
    lab.LabelSuperseded: lambda e: {"standing": "superseded"},
    lab.SurveillanceReminded: lambda e: {"surveillance_reminded": 1},
    lab.SurveillanceRecorded: lambda e: {
        "surveillance_reminded": 1,
        **(
            {
                "conditions_due": e.conditions_due,
                "conditions_reminded": 0,
                "conditions_deadline": e.conditions_due,
            }
            if e.conditions_due
            else {}
        ),
    },
    lab.ConditionsReminded: lambda e: {"conditions_reminded": 1},
    # Met: no longer open (the worker stops following them); the deadline stays on show.
    lab.ConditionsMet: lambda e: {"conditions_due": None, "conditions_reminded": 0},
}
LABEL_CHANGED_BY = tuple(_LABEL_CHANGES)


def project_label_changed(connection: Connection, event: Any, record: StoredEvent) -> None:
    code = record.entity_id
    connection.execute(
        update(labels).where(labels.c.code == code).values(**_LABEL_CHANGES[type(event)](event))
    )
    programme = connection.execute(
        labels.select().with_only_columns(labels.c.programme_id).where(labels.c.code == code)
    ).scalar_one()
    said = (
        getattr(event, "reason", "") or getattr(event, "findings", "") or getattr(event, "note", "")
    )
    _history(connection, record, programme, said)


def project_application_opened(
    connection: Connection, event: app.ApplicationOpened, record: StoredEvent
) -> None:
    connection.execute(
        insert(applications).values(
            id=record.entity_id,
            programme_id=event.programme_id,
            organisation_id=event.organisation_id,
            step=event.step.value,
            criteria_set=event.criteria_set,
            status=app.ApplicationStatus.DRAFTING.value,
            panel={},
            update_time=record.recorded_at,
        )
    )


_STATUS_AFTER: dict[type, app.ApplicationStatus] = {
    app.SelfAssessmentSubmitted: app.ApplicationStatus.SUBMITTED,
    app.PanelAssigned: app.ApplicationStatus.UNDER_AUDIT,
    app.ScoresReconciled: app.ApplicationStatus.RECONCILED,
    app.Decided: app.ApplicationStatus.DECIDED,
    app.AppealLodged: app.ApplicationStatus.APPEALED,
}
APPLICATION_CHANGED_BY = (*_STATUS_AFTER, app.AppealDecided)
APPEAL_CHANGED_BY = (app.AppealLodged, app.AppealReviewStarted, app.AppealDecided)


def project_appeal(connection: Connection, event: Any, record: StoredEvent) -> None:
    """``quality_appeals``: the open appeal of an application is its newest row."""
    if isinstance(event, app.AppealLodged):
        application = connection.execute(
            select(applications.c.programme_id, applications.c.organisation_id).where(
                applications.c.id == record.entity_id
            )
        ).one()
        connection.execute(
            insert(appeals).values(
                appeal_id=event.appeal_id or record.entity_id,
                application_id=record.entity_id,
                programme_id=application.programme_id,
                organisation_id=application.organisation_id,
                state=app.AppealState.LODGED.value,
                grounds=event.grounds,
                lodged_by=event.by,
                reviewer="",
                reasons="",
                lodge_time=event.at,
                update_time=event.at,
            )
        )
        return
    open_appeal = (
        select(appeals.c.appeal_id)
        .where(
            appeals.c.application_id == record.entity_id,
            appeals.c.state.in_([app.AppealState.LODGED.value, app.AppealState.UNDER_REVIEW.value]),
        )
        .scalar_subquery()
    )
    values: dict[str, Any] = {"update_time": event.at}
    if isinstance(event, app.AppealReviewStarted):
        values |= {"state": app.AppealState.UNDER_REVIEW.value, "reviewer": event.by}
    else:
        state = app.AppealState.UPHELD if event.upheld else app.AppealState.DISMISSED
        values |= {"state": state.value, "reasons": event.reasons, "reviewer": event.by}
    connection.execute(update(appeals).where(appeals.c.appeal_id == open_appeal).values(**values))


def project_application_changed(connection: Connection, event: Any, record: StoredEvent) -> None:
    if isinstance(event, app.AppealDecided):
        status = "reconciled" if event.upheld else app.ApplicationStatus.APPEAL_DECIDED.value
    else:
        status = _STATUS_AFTER[type(event)].value
    values: dict[str, Any] = {"status": status, "update_time": record.recorded_at}
    if isinstance(event, app.PanelAssigned):
        values["panel"] = {person: role.value for person, role in event.auditors.items()}
        programme = connection.execute(
            applications.select()
            .with_only_columns(applications.c.programme_id)
            .where(applications.c.id == record.entity_id)
        ).scalar_one()
        for person in event.auditors:
            connection.execute(
                insert(panel_seats).values(
                    person_id=person,
                    application_id=record.entity_id,
                    programme_id=programme,
                    at=event.at,
                )
            )
    connection.execute(
        update(applications).where(applications.c.id == record.entity_id).values(**values)
    )


def project_criteria_set_drafted(
    connection: Connection, event: crit.CriteriaSetDrafted, record: StoredEvent
) -> None:
    connection.execute(
        insert(criteria_sets).values(
            id=record.entity_id,
            version=event.version,
            status="draft",
            content=event.content.model_dump(mode="json"),
        )
    )


def project_criteria_set_changed(connection: Connection, event: Any, record: StoredEvent) -> None:
    values: dict[str, Any]
    if isinstance(event, crit.CriteriaSetRevised):
        values = {"content": event.content.model_dump(mode="json")}
    else:
        status = "published" if isinstance(event, crit.CriteriaSetPublished) else "retired"
        values = {"status": status}
    connection.execute(
        update(criteria_sets).where(criteria_sets.c.id == record.entity_id).values(**values)
    )


CRITERIA_CHANGED_BY = (crit.CriteriaSetRevised, crit.CriteriaSetPublished, crit.CriteriaSetRetired)
