"""Projections: domain events into the registry's read-model rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from ecbm_registry.adapters.programmes.read_models import (
    organisations,
    programme_countries,
    programmes,
)
from ecbm_registry.domain.organisation import (
    OrganisationEditorAdded,
    OrganisationRegistered,
    OrganisationUpdated,
    OrganisationWithdrawn,
    normalised_name,
)
from ecbm_registry.domain.programme import (
    EvaluationAdded,
    EvidenceLevelChanged,
    ProgrammeLearningGoalDeclared,
    ProgrammeRegistered,
    ProgrammeUpdated,
    ProgrammeWithdrawn,
)
from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.eventstore import StoredEvent
from ecbm_runtime.projections import RowProjection, Rows
from ecbm_runtime.uow import BatchProjection, Projection


def register_organisations(
    connection: Connection, registered: Sequence[tuple[OrganisationRegistered, StoredEvent]]
) -> Rows:
    return {
        organisations: [
            {
                "id": record.entity_id,
                "display_name": event.display_name,
                "normalised_name": normalised_name(event.display_name),
                "kind": event.kind.value,
                "country": event.country,
                "city": event.city,
                "website": event.website,
                "contact_name": event.contact_name,
                "contact_email": event.contact_email,
                "description": event.description,
                "editors": list(event.editors),
                "version": record.version,
                "create_time": record.recorded_at,
                "update_time": record.recorded_at,
            }
            for event, record in registered
        ]
    }


def register_programmes(
    connection: Connection, registered: Sequence[tuple[ProgrammeRegistered, StoredEvent]]
) -> Rows:
    """Rows of two tables however many programmes: a bulk import registers hundreds at once."""
    return {
        programmes: [
            {
                "id": record.entity_id,
                "registered_position": record.position,
                "organisation_id": event.organisation_id,
                "display_name": event.display_name,
                "description": event.description,
                "languages": list(event.languages),
                "countries": list(event.countries),
                "status": event.status.value,
                "external_id": event.external_id or None,
                **_profile(event),
                "version": record.version,
                "create_time": record.recorded_at,
                "update_time": record.recorded_at,
            }
            for event, record in registered
        ],
        programme_countries: [
            {"programme_id": record.entity_id, "country": country}
            for event, record in registered
            for country in dict.fromkeys(event.countries)
        ],
    }


def _profile(event: ProgrammeRegistered) -> dict[str, Any]:
    location = event.location
    return {
        "target_groups": list(event.target_groups),
        "formats": list(event.formats),
        "focus_areas": list(event.focus_areas),
        "age_min": event.age_min,
        "age_max": event.age_max,
        "mentors_per_year": event.mentors_per_year,
        "mentees_per_year": event.mentees_per_year,
        "matches_per_year": event.matches_per_year,
        "start_year": event.start_year,
        "regions": list(event.regions),
        "city": event.city,
        "latitude": location.latitude if location else None,
        "longitude": location.longitude if location else None,
        "location_matched": location.matched if location else None,
    }


def on_programme_updated(
    connection: Connection, event: ProgrammeUpdated, record: StoredEvent
) -> None:
    programme_id = record.entity_id
    values: dict[str, Any] = {}
    for name in event.fields:
        value = getattr(event, name)
        if name == "location":
            values["latitude"] = value.latitude if value else None
            values["longitude"] = value.longitude if value else None
            values["location_matched"] = value.matched if value else None
        elif name == "status":
            values["status"] = value.value
        else:
            values[name] = list(value) if isinstance(value, tuple) else value
    _touch_programmes(connection, [(record, values)])
    if "countries" in event.fields and event.countries is not None:
        connection.execute(
            delete(programme_countries).where(programme_countries.c.programme_id == programme_id)
        )
        connection.execute(
            insert(programme_countries),
            [{"programme_id": programme_id, "country": c} for c in set(event.countries)],
        )


def add_evaluations(
    connection: Connection, added: Sequence[tuple[EvaluationAdded, StoredEvent]]
) -> None:
    held = _programme_column(connection, programmes.c.evaluations, added)
    _touch_programmes(
        connection,
        [
            (record, {"evaluations": [*(held[record.entity_id] or []), _evaluation(event)]})
            for event, record in added
        ],
    )


def _evaluation(event: EvaluationAdded) -> dict[str, Any]:
    return {"design": event.design.value, "year": event.year, "link": event.link}


def declare_learning_goals(
    connection: Connection, declared: Sequence[tuple[ProgrammeLearningGoalDeclared, StoredEvent]]
) -> None:
    held = _programme_column(connection, programmes.c.learning_goals, declared)
    changes = []
    for event, record in declared:
        goals = [g for g in held[record.entity_id] or [] if g["topic"] != event.topic]
        goals.append({"topic": event.topic, "description": event.description})
        changes.append((record, {"learning_goals": goals}))
    _touch_programmes(connection, changes)


def change_evidence_levels(
    connection: Connection, changed: Sequence[tuple[EvidenceLevelChanged, StoredEvent]]
) -> None:
    _touch_programmes(
        connection,
        [
            (record, {"evidence_level": event.level.value, "evidence_rank": event.level.rank})
            for event, record in changed
        ],
    )


def _programme_column(
    connection: Connection, column: Any, projected: Sequence[tuple[Any, StoredEvent]]
) -> dict[str, Any]:
    """``column`` of each programme the events are about, in one query."""
    ids = [record.entity_id for _, record in projected]
    query = select(programmes.c.id, column).where(programmes.c.id.in_(ids))
    return {id: value for id, value in connection.execute(query)}


def on_programme_withdrawn(
    connection: Connection, event: ProgrammeWithdrawn, record: StoredEvent
) -> None:
    _touch_programmes(connection, [(record, {"status": "withdrawn"})])


_TOUCH_PROGRAMMES: dict[frozenset[str], Any] = {}


def _touch_programmes(
    connection: Connection, changes: Sequence[tuple[StoredEvent, dict[str, Any]]]
) -> None:
    """Set the given values (the same columns for each) and move version and update time.

    One executemany however many programmes; the statement is built once per column set.
    """
    columns = frozenset(changes[0][1])
    statement = _TOUCH_PROGRAMMES.get(columns)
    if statement is None:
        statement = (
            update(programmes)
            .where(programmes.c.id == bindparam("programme_id"))
            .values(
                {
                    **{name: bindparam(f"new_{name}") for name in sorted(columns)},
                    "version": bindparam("new_version"),
                    "update_time": bindparam("new_update_time"),
                }
            )
        )
        _TOUCH_PROGRAMMES[columns] = statement
    connection.execute(
        statement,
        [
            {
                "programme_id": record.entity_id,
                "new_version": record.version,
                "new_update_time": record.recorded_at,
                **{f"new_{name}": value for name, value in values.items()},
            }
            for record, values in changes
        ],
    )


def on_organisation_updated(
    connection: Connection, event: OrganisationUpdated, record: StoredEvent
) -> None:
    values: dict[str, Any] = {name: getattr(event, name) for name in event.fields}
    if "kind" in values:
        values["kind"] = values["kind"].value
    if "display_name" in values:
        values["normalised_name"] = normalised_name(values["display_name"])
    connection.execute(
        update(organisations)
        .where(organisations.c.id == record.entity_id)
        .values(**values, version=record.version, update_time=record.recorded_at)
    )


def on_organisation_editor_added(
    connection: Connection, event: OrganisationEditorAdded, record: StoredEvent
) -> None:
    organisation_id = record.entity_id
    current = connection.execute(
        select(organisations.c.editors).where(organisations.c.id == organisation_id)
    ).scalar_one()
    connection.execute(
        update(organisations)
        .where(organisations.c.id == organisation_id)
        .values(
            editors=[*(current or []), event.person_id],
            version=record.version,
            update_time=record.recorded_at,
        )
    )


def on_organisation_withdrawn(
    connection: Connection, event: OrganisationWithdrawn, record: StoredEvent
) -> None:
    connection.execute(
        update(organisations)
        .where(organisations.c.id == record.entity_id)
        .values(status="withdrawn", version=record.version, update_time=record.recorded_at)
    )


PROJECTIONS: dict[type[DomainEvent], list[Projection]] = {
    OrganisationRegistered: [RowProjection(register_organisations)],
    ProgrammeRegistered: [RowProjection(register_programmes)],
    ProgrammeUpdated: [on_programme_updated],
    ProgrammeWithdrawn: [on_programme_withdrawn],
    EvaluationAdded: [BatchProjection(add_evaluations)],
    ProgrammeLearningGoalDeclared: [BatchProjection(declare_learning_goals)],
    EvidenceLevelChanged: [BatchProjection(change_evidence_levels)],
    OrganisationUpdated: [on_organisation_updated],
    OrganisationEditorAdded: [on_organisation_editor_added],
    OrganisationWithdrawn: [on_organisation_withdrawn],
}
