"""The registry's published language: domain events → integration events, in one place."""

from __future__ import annotations

from typing import Any

from ecbm_integration import registry as published
from ecbm_registry.domain.organisation import (
    OrganisationEditorAdded,
    OrganisationRegistered,
    OrganisationUpdated,
    OrganisationWithdrawn,
)
from ecbm_registry.domain.programme import (
    EvaluationAdded,
    EvidenceLevelChanged,
    Location,
    ProgrammeLearningGoalDeclared,
    ProgrammeRegistered,
    ProgrammeUpdated,
    ProgrammeWithdrawn,
)
from ecbm_runtime.eventstore import StoredEvent
from ecbm_runtime.uow import Translation

# Keyword arguments of a published programme event; the event's model checks them.
Profile = dict[str, Any]


def organisation_registered(
    event: OrganisationRegistered, record: StoredEvent
) -> published.OrganisationRegistered:
    return published.OrganisationRegistered(
        organisation_id=record.entity_id,
        display_name=event.display_name,
        kind=event.kind.name,
        country=event.country,
        contact_name=event.contact_name,
        contact_email=event.contact_email,
        occurred_at=record.recorded_at,
        editors=list(event.editors),
    )


def programme_registered(
    event: ProgrammeRegistered, record: StoredEvent
) -> published.ProgrammeRegistered:
    return published.ProgrammeRegistered(
        programme_id=record.entity_id,
        organisation_id=event.organisation_id,
        occurred_at=record.recorded_at,
        **_profile(event, event.location),
    )


def programme_updated(event: ProgrammeUpdated, record: StoredEvent) -> published.ProgrammeUpdated:
    location: Location | None = event.location if "location" in event.fields else None
    return published.ProgrammeUpdated(
        programme_id=record.entity_id,
        updated_fields=list(event.fields),
        status=event.status.name if event.status is not None else None,
        occurred_at=record.recorded_at,
        **_profile(event, location),
    )


def _profile(event: ProgrammeRegistered | ProgrammeUpdated, location: Location | None) -> Profile:
    """The profile fields both events publish, in one place so the two cannot drift apart."""
    return {
        "display_name": event.display_name,
        "countries": _listed(event.countries),
        "languages": _listed(event.languages),
        "target_groups": _listed(event.target_groups),
        "formats": _listed(event.formats),
        "focus_areas": _listed(event.focus_areas),
        "age_min": event.age_min,
        "age_max": event.age_max,
        "start_year": event.start_year,
        "regions": _listed(event.regions),
        "latitude": location.latitude if location else None,
        "longitude": location.longitude if location else None,
    }


def _listed(values: tuple[str, ...] | None) -> list[str] | None:
    """None (an update's unchanged field) stays None; a tuple becomes a list, even an empty one."""
    return list(values) if values is not None else None


def programme_withdrawn(
    event: ProgrammeWithdrawn, record: StoredEvent
) -> published.ProgrammeWithdrawn:
    return published.ProgrammeWithdrawn(
        programme_id=record.entity_id, reason=event.reason, occurred_at=record.recorded_at
    )


def organisation_updated(
    event: OrganisationUpdated, record: StoredEvent
) -> published.OrganisationUpdated:
    return published.OrganisationUpdated(
        organisation_id=record.entity_id,
        updated_fields=list(event.fields),
        display_name=event.display_name,
        contact_name=event.contact_name,
        contact_email=event.contact_email,
        occurred_at=record.recorded_at,
    )


def organisation_editor_added(
    event: OrganisationEditorAdded, record: StoredEvent
) -> published.OrganisationEditorAdded:
    return published.OrganisationEditorAdded(
        organisation_id=record.entity_id, person_id=event.person_id, occurred_at=record.recorded_at
    )


def organisation_withdrawn(
    event: OrganisationWithdrawn, record: StoredEvent
) -> published.OrganisationWithdrawn:
    return published.OrganisationWithdrawn(
        organisation_id=record.entity_id, reason=event.reason, occurred_at=record.recorded_at
    )


def evaluation_added(
    event: EvaluationAdded, record: StoredEvent
) -> published.ProgrammeEvaluationAdded:
    return published.ProgrammeEvaluationAdded(
        programme_id=record.entity_id,
        design=event.design.name,
        year=event.year,
        link=event.link,
        occurred_at=record.recorded_at,
    )


def evidence_level_changed(
    event: EvidenceLevelChanged, record: StoredEvent
) -> published.ProgrammeEvidenceLevelChanged:
    return published.ProgrammeEvidenceLevelChanged(
        programme_id=record.entity_id,
        previous=event.previous.name,
        level=event.level.name,
        occurred_at=record.recorded_at,
    )


def programme_learning_goal_declared(
    event: ProgrammeLearningGoalDeclared, record: StoredEvent
) -> published.ProgrammeLearningGoalDeclared:
    return published.ProgrammeLearningGoalDeclared(
        programme_id=record.entity_id,
        topic=event.topic,
        description=event.description,
        occurred_at=record.recorded_at,
    )


INTEGRATION: dict[type, Translation] = {
    OrganisationRegistered: organisation_registered,
    ProgrammeRegistered: programme_registered,
    ProgrammeUpdated: programme_updated,
    ProgrammeWithdrawn: programme_withdrawn,
    OrganisationUpdated: organisation_updated,
    OrganisationEditorAdded: organisation_editor_added,
    OrganisationWithdrawn: organisation_withdrawn,
    EvaluationAdded: evaluation_added,
    EvidenceLevelChanged: evidence_level_changed,
    ProgrammeLearningGoalDeclared: programme_learning_goal_declared,
}
