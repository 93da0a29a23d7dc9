"""Read side: plain SQL over the read models (never through aggregates)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, or_, select

from ecbm_registry.adapters.programmes.read_models import (
    organisations,
    programme_countries,
    programmes,
)
from ecbm_registry.application.programmes.queries import ListOrganisations, ListProgrammes
from ecbm_runtime.lookup import RowLookup
from ecbm_runtime.tables import events


@dataclass(frozen=True)
class OrganisationView:
    id: str
    display_name: str
    kind: str
    country: str
    city: str
    website: str
    contact_name: str
    contact_email: str
    description: str
    version: int
    create_time: datetime
    update_time: datetime
    editors: tuple[str, ...] = ()
    status: str = "active"  # OrganisationStatus


@dataclass(frozen=True)
class ProgrammeView:
    id: str
    organisation_id: str
    display_name: str
    description: str
    languages: tuple[str, ...]
    countries: tuple[str, ...]
    status: str
    version: int
    create_time: datetime
    update_time: datetime
    registered_position: int
    target_groups: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    focus_areas: tuple[str, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    mentors_per_year: int | None = None
    mentees_per_year: int | None = None
    matches_per_year: int | None = None
    start_year: int | None = None
    regions: tuple[str, ...] = ()
    city: str = ""
    latitude: float | None = None
    longitude: float | None = None
    location_matched: str = ""
    evaluations: tuple[dict[str, Any], ...] = ()
    learning_goals: tuple[dict[str, Any], ...] = ()
    evidence_level: str = "none"
    external_id: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    type: str
    actor: str  # token subject of who did it; "" when unknown (a worker, a script)
    recorded_at: datetime
    data: dict[str, Any]


@dataclass(frozen=True)
class ProgrammeHistory:
    entries: list[HistoryEntry]
    next_after_version: int  # 0: no more


@dataclass(frozen=True)
class ProgrammePage:
    programmes: list[ProgrammeView]
    next_after: str
    total_size: int


@dataclass(frozen=True)
class OrganisationPage:
    organisations: list[OrganisationView]
    next_after: tuple[str, str] | None  # sort key and id of the last one; None: last page
    total_size: int


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _organisation(row: Any) -> OrganisationView:
    values = {name: row[name] for name in OrganisationView.__dataclass_fields__}
    values["editors"] = tuple(row["editors"] or ())
    values["create_time"], values["update_time"] = (
        _aware(row["create_time"]),
        _aware(row["update_time"]),
    )
    return OrganisationView(**values)


def _programme(row: Any) -> ProgrammeView:
    values = {name: row[name] for name in ProgrammeView.__dataclass_fields__}
    for name in ("languages", "countries", "target_groups", "formats", "focus_areas", "regions"):
        values[name] = tuple(row[name] or ())
    values["city"], values["location_matched"] = row["city"] or "", row["location_matched"] or ""
    values["evaluations"] = tuple(row["evaluations"] or ())
    values["learning_goals"] = tuple(row["learning_goals"] or ())
    values["evidence_level"] = row["evidence_level"] or "none"
    values["external_id"] = row["external_id"] or ""
    values["create_time"], values["update_time"] = (
        _aware(row["create_time"]),
        _aware(row["update_time"]),
    )
    return ProgrammeView(**values)


# The hot lookups, built once: building a select and its cache key on every call cost
# about a third of a GetProgramme's handler time; RowLookup then halves what is left.
_ORGANISATION_BY_ID = select(organisations).where(organisations.c.id == bindparam("id"))
_PROGRAMME_BY_ID = select(programmes).where(programmes.c.id == bindparam("id"))
_ORGANISATION_LOOKUP = RowLookup(_ORGANISATION_BY_ID)
_PROGRAMME_LOOKUP = RowLookup(_PROGRAMME_BY_ID)


# ListOrganisations' order_by field → the column it sorts on. By name means by the name
# compared as duplicates are (case and spacing ignored), so "acme" and "Acme" sit together.
_ORGANISATION_SORT = {
    "display_name": organisations.c.normalised_name,
    "create_time": organisations.c.create_time,
}


class ProgrammeViews:
    """Organisations and programmes, read on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def organisation(self, organisation_id: str) -> OrganisationView | None:
        row = _ORGANISATION_LOOKUP.first(self.connection, id=organisation_id)
        return _organisation(row) if row else None

    def organisation_named(self, normalised_name: str, country: str) -> str | None:
        query = select(organisations.c.id).where(
            organisations.c.normalised_name == normalised_name, organisations.c.country == country
        )
        return self.connection.execute(query).scalar_one_or_none()

    def active_programme_count(self, organisation_id: str) -> int:
        """How many of the organisation's programmes are not withdrawn."""
        query = select(func.count()).where(
            programmes.c.organisation_id == organisation_id, programmes.c.status != "withdrawn"
        )
        return int(self.connection.execute(query).scalar_one())

    def list_organisations(self, query: ListOrganisations) -> OrganisationPage:
        """One page, keyset-paged on (sort column, id): no row skipped or repeated across pages.

        The count and the page are two statements (see ``list_programmes`` on why that is fine).
        """
        filtered = select(organisations).where(
            organisations.c.status.in_([s.value for s in query.statuses()])
        )
        if query.country:
            filtered = filtered.where(organisations.c.country == query.country)
        if query.kind:
            filtered = filtered.where(organisations.c.kind == query.kind.value)
        total = self.connection.execute(
            select(func.count()).select_from(filtered.subquery())
        ).scalar_one()
        (field, descending), *_ = query.order_by
        column, id_column = _ORGANISATION_SORT[field], organisations.c.id
        page_query = filtered
        if query.after is not None:
            raw_key, after_id = query.after
            key: object = datetime.fromisoformat(raw_key) if field == "create_time" else raw_key
            if descending:
                page_query = page_query.where(
                    or_(column < key, and_(column == key, id_column < after_id))
                )
            else:
                page_query = page_query.where(
                    or_(column > key, and_(column == key, id_column > after_id))
                )
        ordering = (column.desc(), id_column.desc()) if descending else (column, id_column)
        rows = list(
            self.connection.execute(
                page_query.order_by(*ordering).limit(query.page_size + 1)
            ).mappings()
        )
        page = [_organisation(row) for row in rows[: query.page_size]]
        next_after: tuple[str, str] | None = None
        if len(rows) > query.page_size:
            last = rows[query.page_size - 1]
            sort_key = (
                page[-1].create_time.isoformat() if field == "create_time" else last[column.name]
            )
            next_after = (sort_key, last["id"])
        return OrganisationPage(organisations=page, next_after=next_after, total_size=int(total))

    def programme(self, programme_id: str) -> ProgrammeView | None:
        row = _PROGRAMME_LOOKUP.first(self.connection, id=programme_id)
        return _programme(row) if row else None

    def programme_history(
        self, programme_id: str, after_version: int, page_size: int
    ) -> ProgrammeHistory:
        """The programme's stored events in order, as stored (not upcast): its audit trail."""
        query = (
            select(events)
            .where(events.c.stream_id == f"programme-{programme_id}")
            .where(events.c.version > after_version)
            .order_by(events.c.version)
            .limit(page_size + 1)
        )
        rows = self.connection.execute(query).mappings().all()
        entries = [
            HistoryEntry(
                version=row["version"],
                type=row["type"],
                actor=(row["metadata"] or {}).get("actor") or "",
                recorded_at=_aware(row["recorded_at"]),
                data=dict(row["data"]),
            )
            for row in rows[:page_size]
        ]
        more = len(rows) > page_size
        return ProgrammeHistory(entries, entries[-1].version if more else 0)

    def list_programmes(self, query: ListProgrammes) -> ProgrammePage:
        """One page in registration order, keyset-paged on the registering event's position.

        On a read-only self.connection (autocommit on PostgreSQL) the count and the page are two
        snapshots: a programme registered between them can be on the page but not in
        ``total_size``. Accepted: the total is stale once sent anyway, and one snapshot
        (REPEATABLE READ) would cost two more round trips per call. Keyset paging itself
        never skips or repeats a row.
        """
        filtered = select(programmes)
        if query.organisation_id:
            filtered = filtered.where(programmes.c.organisation_id == query.organisation_id)
        if query.status:
            filtered = filtered.where(programmes.c.status == query.status.value)
        if query.min_evidence_level and query.min_evidence_level.rank > 0:
            filtered = filtered.where(programmes.c.evidence_rank >= query.min_evidence_level.rank)
        if query.external_id:
            filtered = filtered.where(programmes.c.external_id == query.external_id)
        if query.country:
            in_country = select(programme_countries.c.programme_id).where(
                programme_countries.c.country == query.country
            )
            filtered = filtered.where(programmes.c.id.in_(in_country))
        total = self.connection.execute(
            select(func.count()).select_from(filtered.subquery())
        ).scalar_one()
        after = int(query.after) if query.after else 0
        page_query = (
            filtered.where(programmes.c.registered_position > after)
            .order_by(programmes.c.registered_position)
            .limit(query.page_size + 1)
        )
        rows = [_programme(row) for row in self.connection.execute(page_query).mappings()]
        has_more = len(rows) > query.page_size
        rows = rows[: query.page_size]
        next_after = str(rows[-1].registered_position) if has_more else ""
        return ProgrammePage(programmes=rows, next_after=next_after, total_size=int(total))
