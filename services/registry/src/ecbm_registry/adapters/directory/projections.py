"""Projections of the programme directory: programme and organisation events into its rows.

Runs next to the programmes area's own projections (same events, own tables), so the
directory is rebuilt by replay like every read model. The quality level comes from
``programme_quality_labels`` (fed by the quality service), which replay leaves alone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    bindparam,
    delete,
    insert,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from ecbm_registry.adapters.directory.read_models import (
    DIRECTORY_VERSION,
    directory_organisations,
    programme_directory,
    programme_directory_terms,
    programme_quality_labels,
)
from ecbm_registry.application.directory import levels, mapping, text
from ecbm_registry.domain.organisation import OrganisationRegistered, OrganisationUpdated
from ecbm_registry.domain.programme import (
    EvidenceLevelChanged,
    ProgrammeRegistered,
    ProgrammeUpdated,
    ProgrammeWithdrawn,
)
from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.db import among, is_postgresql
from ecbm_runtime.eventstore import StoredEvent
from ecbm_runtime.projections import RowProjection, Rows
from ecbm_runtime.uow import BatchProjection, Projection

_log = logging.getLogger("ecbm.registry.directory")

# Filter fields kept in the term table, and the event field each comes from.
TERM_FIELDS = ("countries", "target_groups", "formats", "focus_areas")
d = programme_directory


def register_organisations(
    connection: Connection, registered: Sequence[tuple[OrganisationRegistered, StoredEvent]]
) -> Rows:
    return {
        directory_organisations: [
            {"organisation_id": record.entity_id, "display_name": event.display_name}
            for event, record in registered
        ]
    }


def on_organisation_updated(
    connection: Connection, event: OrganisationUpdated, record: StoredEvent
) -> None:
    if "display_name" not in event.fields or event.display_name is None:
        return
    name, organisation_id = event.display_name, record.entity_id
    connection.execute(
        update(directory_organisations)
        .where(directory_organisations.c.organisation_id == organisation_id)
        .values(display_name=name)
    )
    rows = connection.execute(
        select(d.c.programme_id, d.c.description, d.c.city).where(
            d.c.organisation_id == organisation_id
        )
    ).all()
    for row in rows:
        connection.execute(
            update(d)
            .where(d.c.programme_id == row.programme_id)
            .values(
                organisation_name=name,
                search_body=text.search_body(row.description, name, row.city),
            )
        )
        _refresh_feature(connection, row.programme_id)
    _directory_changed(connection)


def register_programmes(
    connection: Connection, registered: Sequence[tuple[ProgrammeRegistered, StoredEvent]]
) -> Rows:
    """One read and rows of two tables however many programmes (a bulk import registers
    hundreds at once). Reads ``directory_organisations``: see ``DIRECTORY_PROJECTIONS``."""
    organisations, labels = directory_organisations, programme_quality_labels
    organisation_ids = {event.organisation_id for event, _ in registered}
    programme_ids = [record.entity_id for _, record in registered]
    # The organisations' names and any labels held before registration, in one round trip
    # (one array parameter each on PostgreSQL: a replay asks for 5,000 at once).
    o = organisations.c
    known = union_all(
        select(literal("organisation"), o.organisation_id, o.display_name)
        .where(among(connection, o.organisation_id, sorted(organisation_ids))),
        select(literal("label"), labels.c.programme_id, labels.c.level)
        .where(among(connection, labels.c.programme_id, programme_ids)),
    )  # fmt: skip
    found: dict[str, dict[str, str]] = {"organisation": {}, "label": {}}
    for kind, key, value in connection.execute(known):
        found[kind][key] = value
    organisation_names, held_labels = found["organisation"], found["label"]
    rows = [
        _directory_row(
            event,
            record,
            organisation_names.get(event.organisation_id, ""),
            held_labels.get(record.entity_id, levels.NO_LABEL),
        )
        for event, record in registered
    ]
    terms = [
        term
        for event, record in registered
        for term in _term_rows(record.entity_id, {f: getattr(event, f) for f in TERM_FIELDS})
    ]
    _directory_changed(connection)
    return {d: rows, programme_directory_terms: terms}


def _directory_row(
    event: ProgrammeRegistered, record: StoredEvent, organisation_name: str, label: str
) -> dict[str, Any]:
    location = event.location
    latitude = location.latitude if location else None
    longitude = location.longitude if location else None
    evidence = levels.EVIDENCE_LEVELS[0]
    feature = mapping.feature(
        mapping.MappedProgramme(
            programme_id=record.entity_id,
            display_name=event.display_name,
            organisation_name=organisation_name,
            countries=tuple(dict.fromkeys(event.countries)),
            city=event.city,
            latitude=latitude,
            longitude=longitude,
            evidence_level=evidence,
            quality_level=label,
        )
    )
    return {
        "programme_id": record.entity_id,
        "position": record.position,
        "organisation_id": event.organisation_id,
        "organisation_name": organisation_name,
        "display_name": event.display_name,
        "description": event.description,
        "status": event.status.value,
        "countries": _joined(event.countries),
        "target_groups": _joined(event.target_groups),
        "formats": _joined(event.formats),
        "focus_areas": _joined(event.focus_areas),
        "city": event.city,
        "latitude": latitude,
        "longitude": longitude,
        "evidence_level": evidence,
        "evidence_rank": levels.evidence_rank(evidence),
        "quality_level": label,
        "quality_rank": levels.quality_rank(label),
        "search_name": text.search_name(event.display_name),
        "search_body": text.search_body(event.description, organisation_name, event.city),
        "feature": feature,
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
        elif name == "status":
            values["status"] = value.value
        elif name in TERM_FIELDS:
            values[name] = _joined(value or ())
        elif name in ("display_name", "description", "city"):
            values[name] = value if value is not None else ""
    if {"display_name", "description", "city"} & values.keys():
        current = connection.execute(
            select(d.c.display_name, d.c.description, d.c.city, d.c.organisation_name).where(
                d.c.programme_id == programme_id
            )
        ).one_or_none()
        if current is None:
            # Registered before the directory existed and not replayed yet: nothing to
            # change here; ``ecbm replay registry`` brings it in whole.
            _log.warning("programme %s is not in the directory; replay fills it", programme_id)
            return
        merged = {**current._asdict(), **values}
        values["search_name"] = text.search_name(merged["display_name"])
        values["search_body"] = text.search_body(
            merged["description"], merged["organisation_name"], merged["city"]
        )
    if values:
        connection.execute(update(d).where(d.c.programme_id == programme_id).values(**values))
    changed_terms = {f: getattr(event, f) or () for f in TERM_FIELDS if f in event.fields}
    if changed_terms:
        t = programme_directory_terms
        connection.execute(
            delete(t).where(t.c.programme_id == programme_id, t.c.facet.in_(changed_terms))
        )
        _insert_terms(connection, programme_id, changed_terms)
    _refresh_feature(connection, programme_id)
    _directory_changed(connection)


def on_programme_withdrawn(
    connection: Connection, event: ProgrammeWithdrawn, record: StoredEvent
) -> None:
    # Kept with its status: no search ever shows a withdrawn programme.
    connection.execute(
        update(d).where(d.c.programme_id == record.entity_id).values(status="withdrawn")
    )
    _directory_changed(connection)


def change_evidence_levels(
    connection: Connection, changed: Sequence[tuple[EvidenceLevelChanged, StoredEvent]]
) -> None:
    connection.execute(
        _SET_EVIDENCE,
        [
            {"id": record.entity_id, "level": event.level.value, "rank": event.level.rank}
            for event, record in changed
        ],
    )
    _refresh_features(connection, [record.entity_id for _, record in changed])
    _directory_changed(connection)


_SET_EVIDENCE = (
    update(d)
    .where(d.c.programme_id == bindparam("id"))
    .values(evidence_level=bindparam("level"), evidence_rank=bindparam("rank"))
)


def record_quality_level(
    connection: Connection, programme_id: str, level: str, occurred_at: datetime
) -> bool:
    """Hold ``level`` as the programme's label unless a newer decision is held already.

    Returns whether it changed anything. The label is kept even for a programme the
    directory does not know (yet): its registration may arrive later, or come from replay.
    """
    labels = programme_quality_labels
    dialect_insert = postgresql.insert if is_postgresql(connection) else sqlite.insert
    new = dialect_insert(labels).values(
        programme_id=programme_id, level=level, occurred_at=occurred_at
    )
    upsert = new.on_conflict_do_update(
        index_elements=[labels.c.programme_id],
        set_={"level": new.excluded.level, "occurred_at": new.excluded.occurred_at},
        where=labels.c.occurred_at <= new.excluded.occurred_at,
    )
    if connection.execute(upsert.returning(labels.c.programme_id)).first() is None:
        _log.info("quality level %s of %s is older than the one held; ignored", level, programme_id)
        return False
    _log.info("programme %s has quality level %s", programme_id, level)
    connection.execute(
        update(d)
        .where(d.c.programme_id == programme_id)
        .values(quality_level=level, quality_rank=levels.quality_rank(level))
    )
    _refresh_feature(connection, programme_id)
    _directory_changed(connection)
    return True


def _directory_changed(connection: Connection) -> None:
    """Directory answers cached before this transaction are stale once it commits."""
    DIRECTORY_VERSION.move(connection)


def _refresh_feature(connection: Connection, programme_id: str) -> None:
    _refresh_features(connection, [programme_id])


def _refresh_features(connection: Connection, programme_ids: Sequence[str]) -> None:
    """Render the programmes' map features again from their rows (two statements)."""
    rows = connection.execute(
        select(
            d.c.programme_id, d.c.display_name, d.c.organisation_name, d.c.countries, d.c.city,
            d.c.latitude, d.c.longitude, d.c.evidence_level, d.c.quality_level,
        ).where(among(connection, d.c.programme_id, programme_ids))
    ).all()  # fmt: skip
    if not rows:
        return
    features = [
        {
            "id": row.programme_id,
            "feature": mapping.feature(
                mapping.MappedProgramme(
                    programme_id=row.programme_id,
                    display_name=row.display_name,
                    organisation_name=row.organisation_name,
                    countries=tuple(row.countries.split()),
                    city=row.city,
                    latitude=row.latitude,
                    longitude=row.longitude,
                    evidence_level=row.evidence_level,
                    quality_level=row.quality_level,
                )
            ),
        }
        for row in rows
    ]
    connection.execute(_SET_FEATURE, features)


_SET_FEATURE = (
    update(d).where(d.c.programme_id == bindparam("id")).values(feature=bindparam("feature"))
)


def _joined(values: Iterable[str]) -> str:
    if isinstance(values, tuple) and len(values) < 2:  # most: one value or none
        return values[0] if values else ""
    return " ".join(dict.fromkeys(values))


def _insert_terms(
    connection: Connection, programme_id: str, terms: dict[str, Iterable[str]]
) -> None:
    rows = _term_rows(programme_id, terms)
    if rows:
        connection.execute(insert(programme_directory_terms), rows)


def _term_rows(programme_id: str, terms: dict[str, Iterable[str]]) -> list[dict[str, str]]:
    return [
        {"facet": facet, "value": value, "programme_id": programme_id}
        for facet, values in terms.items()
        for value in dict.fromkeys(values)
    ]


DIRECTORY_PROJECTIONS: dict[type[DomainEvent], list[Projection]] = {
    OrganisationRegistered: [RowProjection(register_organisations)],
    OrganisationUpdated: [on_organisation_updated],
    ProgrammeRegistered: [RowProjection(register_programmes, reads=(directory_organisations,))],
    ProgrammeUpdated: [on_programme_updated],
    ProgrammeWithdrawn: [on_programme_withdrawn],
    EvidenceLevelChanged: [BatchProjection(change_evidence_levels)],
}
