"""Reads of the quality read models, and the writes of registry's facts (no aggregate owns
them: they are what registry said)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)

from ecbm_quality.adapters.tables import (
    appeals,
    applications,
    conflicts,
    criteria_sets,
    editors,
    introductions,
    label_history,
    labels,
    members,
    panel_seats,
    people,
    programmes,
)
from ecbm_quality.domain.criteria import CriteriaContent
from ecbm_quality.domain.label import Standing
from ecbm_quality.domain.steps import Step
from ecbm_runtime.db import is_postgresql
from ecbm_runtime.lookup import RowLookup


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ProgrammeFacts:
    programme_id: str
    organisation_id: str
    display_name: str
    country: str
    published_step: Step | None


@dataclass(frozen=True)
class LabelView:
    code: str
    programme_id: str
    programme_name: str
    organisation_id: str
    country: str
    step: Step
    criteria_set: str
    valid_from: datetime
    valid_until: datetime
    standing: Standing
    reason: str
    # The latest conditions' deadline (an award with conditions, surveillance findings);
    # none without conditions. Met: marked met by the committee (MarkConditionsMet).
    conditions_due: datetime | None = None
    conditions_met: bool = False


@dataclass(frozen=True)
class LabelPage:
    labels: list[LabelView]
    next_offset: int | None
    total_size: int


@dataclass(frozen=True)
class AppealView:
    appeal_id: str
    application_id: str
    programme_id: str
    organisation_id: str
    state: str
    grounds: str
    reviewer: str
    reasons: str
    lodge_time: datetime
    update_time: datetime


@dataclass(frozen=True)
class AppealPage:
    appeals: list[AppealView]
    next_offset: int | None


def _appeal(row: Any) -> AppealView:
    return AppealView(
        row.appeal_id, row.application_id, row.programme_id, row.organisation_id, row.state,
        row.grounds, row.reviewer, row.reasons, aware(row.lodge_time), aware(row.update_time),
    )  # fmt: skip


@dataclass(frozen=True)
class HistoryEntry:
    code: str
    change: str
    reason: str
    at: datetime


_LABEL_COLUMNS = (
    labels.c.code,
    labels.c.programme_id,
    labels.c.programme_name,
    labels.c.organisation_id,
    labels.c.country,
    labels.c.step,
    labels.c.criteria_set,
    labels.c.valid_from,
    labels.c.valid_until,
    labels.c.standing,
    labels.c.reason,
    labels.c.conditions_due,
    labels.c.conditions_deadline,
)


def as_of(label: LabelView, now: datetime) -> LabelView:
    """The label as verified at ``now``: expiry shows before the worker records it."""
    if label.standing is Standing.VALID and now >= label.valid_until:
        return replace(label, standing=Standing.EXPIRED)
    return label


def _label(row: Mapping[Any, Any], now: datetime | None = None) -> LabelView:
    until = aware(row["valid_until"])
    standing = Standing(row["standing"])
    if standing is Standing.VALID and now is not None and now >= until:
        standing = Standing.EXPIRED  # before the worker records it
    return LabelView(
        code=row["code"],
        programme_id=row["programme_id"],
        programme_name=row["programme_name"],
        organisation_id=row["organisation_id"],
        country=row["country"],
        step=Step(row["step"]),
        criteria_set=row["criteria_set"],
        valid_from=aware(row["valid_from"]),
        valid_until=until,
        standing=standing,
        reason=row["reason"],
        conditions_due=aware(row["conditions_deadline"]) if row["conditions_deadline"] else None,
        conditions_met=row["conditions_deadline"] is not None and row["conditions_due"] is None,
    )


# Verification is the public hot path (badges on programmes' websites): built once, run as
# a prepared statement on PostgreSQL.
_LABEL_LOOKUP = RowLookup(select(*_LABEL_COLUMNS).where(labels.c.code == bindparam("code")))


class QualityViews:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    # -- registry's facts ----------------------------------------------------------------
    def _upsert(
        self,
        table: Any,
        keys: dict[str, Any],
        values: dict[str, Any],
        new: dict[str, Any] | None = None,
    ) -> None:
        """Update the row with ``keys`` or insert it (with ``new`` besides)."""
        found = self._c.execute(
            select(func.count())
            .select_from(table)
            .where(and_(*(table.c[k] == v for k, v in keys.items())))
        ).scalar_one()
        if found and values:
            self._c.execute(
                update(table)
                .where(and_(*(table.c[k] == v for k, v in keys.items())))
                .values(**values)
            )
        elif not found:
            self._c.execute(insert(table).values(**keys, **values, **(new or {})))

    def record_programme(
        self, programme_id: str, organisation_id: str, name: str, country: str
    ) -> None:
        self._upsert(
            programmes,
            {"programme_id": programme_id},
            {"organisation_id": organisation_id, "display_name": name, "country": country},
            {"published_step": ""},
        )
        self._c.execute(
            update(labels)
            .where(labels.c.programme_id == programme_id)
            .values(programme_name=name, country=country)
        )

    def record_editor(self, organisation_id: str, person_id: str) -> None:
        self._upsert(editors, {"organisation_id": organisation_id, "person_id": person_id}, {})

    def record_membership(self, person_id: str, member: bool) -> None:
        if member:
            self._upsert(members, {"person_id": person_id}, {})
        else:
            self._c.execute(delete(members).where(members.c.person_id == person_id))

    def record_roles(self, person_id: str, roles: list[str]) -> None:
        self._upsert(people, {"person_id": person_id}, {"roles": " ".join(sorted(roles))})

    def declare_conflict(self, person_id: str, subject_id: str, reason: str, at: datetime) -> None:
        self._upsert(conflicts, {"person_id": person_id, "subject_id": subject_id},
                     {"reason": reason, "at": at})  # fmt: skip

    def conflicts_of(self, person_id: str) -> frozenset[str]:
        query = select(conflicts.c.subject_id).where(conflicts.c.person_id == person_id)
        return frozenset(self._c.execute(query).scalars())

    def record_introduction(self, introduction_id: str, person_id: str, at: datetime) -> None:
        self._upsert(
            introductions, {"introduction_id": introduction_id, "person_id": person_id}, {"at": at}
        )

    def collaborated_with(self, person_id: str, since: datetime) -> frozenset[str]:
        """Organisations with an editor the person was introduced to (matching) since
        ``since``: the recent-collaboration rule of impartiality."""
        mine, theirs = introductions.alias("mine"), introductions.alias("theirs")
        query = (
            select(editors.c.organisation_id)
            .distinct()
            .select_from(mine)
            .join(theirs, theirs.c.introduction_id == mine.c.introduction_id)
            .join(editors, editors.c.person_id == theirs.c.person_id)
            .where(
                mine.c.person_id == person_id,
                theirs.c.person_id != person_id,
                mine.c.at >= since,
            )
        )
        return frozenset(self._c.execute(query).scalars())

    def forget_person(self, person_id: str) -> None:
        for table in (members, people, editors, panel_seats, conflicts, introductions):
            self._c.execute(delete(table).where(table.c.person_id == person_id))

    def set_published_step(self, programme_id: str, step: Step | None) -> None:
        self._c.execute(
            update(programmes)
            .where(programmes.c.programme_id == programme_id)
            .values(published_step=step.value if step else "")
        )

    def programme(self, programme_id: str) -> ProgrammeFacts | None:
        row = self._c.execute(
            select(programmes).where(programmes.c.programme_id == programme_id)
        ).first()
        if row is None:
            return None
        step = Step(row.published_step) if row.published_step else None
        return ProgrammeFacts(
            row.programme_id, row.organisation_id, row.display_name, row.country, step
        )

    def programmes_of_person(self, person_id: str) -> list[str]:
        query = (
            select(programmes.c.programme_id)
            .join(editors, editors.c.organisation_id == programmes.c.organisation_id)
            .where(editors.c.person_id == person_id)
        )
        return list(self._c.execute(query).scalars())

    def programmes_of_organisation(self, organisation_id: str) -> list[str]:
        query = select(programmes.c.programme_id).where(
            programmes.c.organisation_id == organisation_id
        )
        return list(self._c.execute(query).scalars())

    def is_affiliated(self, organisation_id: str) -> bool:
        """An editor of the organisation holds an approved membership (domain.affiliation)."""
        query = select(
            exists().where(
                editors.c.organisation_id == organisation_id,
                editors.c.person_id == members.c.person_id,
            )
        )
        return bool(self._c.execute(query).scalar())

    def edits(self, person_id: str, organisation_id: str) -> bool:
        query = select(
            exists().where(
                editors.c.organisation_id == organisation_id, editors.c.person_id == person_id
            )
        )
        return bool(self._c.execute(query).scalar())

    def organisations_of(self, person_id: str) -> frozenset[str]:
        query = select(editors.c.organisation_id).where(editors.c.person_id == person_id)
        return frozenset(self._c.execute(query).scalars())

    def roles_of(self, person_id: str) -> frozenset[str]:
        query = select(people.c.roles).where(people.c.person_id == person_id)
        return frozenset((self._c.execute(query).scalar() or "").split())

    def audited_since(self, person_id: str, since: datetime) -> frozenset[str]:
        """Programmes the person audited since ``since`` (the previous cycle: rotation)."""
        query = select(panel_seats.c.programme_id).where(
            panel_seats.c.person_id == person_id, panel_seats.c.at >= since
        )
        return frozenset(self._c.execute(query).scalars())

    # -- labels --------------------------------------------------------------------------
    def best_label_step(self, programme_id: str, now: datetime) -> Step | None:
        query = select(labels.c.step).where(
            labels.c.programme_id == programme_id,
            labels.c.standing == Standing.VALID.value,
            labels.c.valid_until > now,
        )
        steps = [Step(s) for s in self._c.execute(query).scalars()]
        return max(steps, key=lambda s: s.rank) if steps else None

    def live_labels(self, programme_id: str) -> list[str]:
        query = select(labels.c.code).where(
            labels.c.programme_id == programme_id,
            labels.c.standing.in_([Standing.VALID.value, Standing.SUSPENDED.value]),
        )
        return list(self._c.execute(query).scalars())

    def label(self, code: str, now: datetime | None = None) -> LabelView | None:
        """The label by its code; its standing as stored unless ``now`` is given."""
        row = _LABEL_LOOKUP.first(self._c, code=code)
        return _label(row, now) if row else None

    def register(
        self,
        *,
        step: Step | None,
        country: str,
        query: str,
        standing: Standing,
        now: datetime,
        size: int,
        offset: int,
        open_conditions: bool = False,
        conditions_due_before: datetime | None = None,
    ) -> LabelPage:
        """A page in the register's order (programme name, code; the index
        ``ix_quality_labels_register`` walks it) and how many match, counted on its own.
        ``open_conditions``: only labels whose conditions are not met yet;
        ``conditions_due_before``: only those due before then (open ones, implied)."""
        select_labels = select(*_LABEL_COLUMNS)
        if standing is Standing.VALID:
            select_labels = select_labels.where(
                labels.c.standing == "valid", labels.c.valid_until > now
            )
        elif standing is Standing.EXPIRED:
            select_labels = select_labels.where(
                or_(
                    labels.c.standing == "expired",
                    and_(labels.c.standing == "valid", labels.c.valid_until <= now),
                )
            )
        else:
            select_labels = select_labels.where(labels.c.standing == standing.value)
        if step is not None:
            select_labels = select_labels.where(labels.c.step == step.value)
        if country:
            select_labels = select_labels.where(labels.c.country == country.upper())
        if open_conditions or conditions_due_before is not None:
            select_labels = select_labels.where(labels.c.conditions_due.is_not(None))
        if conditions_due_before is not None:
            select_labels = select_labels.where(labels.c.conditions_due < conditions_due_before)
        if query:
            pattern = f"%{query.lower()}%"
            select_labels = select_labels.where(func.lower(labels.c.programme_name).like(pattern))
        ordered = select_labels.order_by(labels.c.standing, labels.c.programme_name, labels.c.code)
        rows = self._c.execute(ordered.offset(offset).limit(size + 1)).all()
        total = self._c.execute(
            select(func.count()).select_from(select_labels.subquery())
        ).scalar_one()
        next_offset = offset + size if len(rows) > size else None
        return LabelPage([_label(r._mapping, now) for r in rows[:size]], next_offset, int(total))

    def history(self, programme_id: str) -> list[HistoryEntry]:
        query = (
            select(label_history)
            .where(label_history.c.programme_id == programme_id)
            .order_by(label_history.c.at, label_history.c.code, label_history.c.version)
        )
        return [
            HistoryEntry(r.code, r.change, r.reason, aware(r.at)) for r in self._c.execute(query)
        ]

    def due_for_reminder(self, now: datetime, notice: timedelta) -> list[str]:
        query = select(labels.c.code).where(
            labels.c.standing == "valid",
            labels.c.reminded == 0,
            labels.c.valid_until <= now + notice,
        )
        return list(self._c.execute(query).scalars())

    def due_for_surveillance(self, now: datetime) -> list[str]:
        query = select(labels.c.code).where(
            labels.c.standing == "valid",
            labels.c.surveillance_reminded == 0,
            labels.c.surveillance_due <= now,
        )
        return list(self._c.execute(query).scalars())

    def conditions_due(self, now: datetime, notice: timedelta) -> list[str]:
        """Valid labels with open conditions: due within ``notice`` and not reminded yet,
        or past their deadline."""
        query = select(labels.c.code).where(
            labels.c.standing == "valid",
            labels.c.conditions_due.is_not(None),
            or_(
                and_(labels.c.conditions_reminded == 0, labels.c.conditions_due <= now + notice),
                labels.c.conditions_due <= now,
            ),
        )
        return list(self._c.execute(query).scalars())

    def lapsed(self, now: datetime) -> list[str]:
        query = select(labels.c.code).where(
            labels.c.standing == "valid", labels.c.valid_until <= now
        )
        return list(self._c.execute(query).scalars())

    # -- appeals ---------------------------------------------------------------------------
    def appeal(self, appeal_id: str) -> AppealView | None:
        row = self._c.execute(select(appeals).where(appeals.c.appeal_id == appeal_id)).first()
        return _appeal(row) if row else None

    def appeals(
        self, *, state: str | None, programme_id: str, editor: str | None, size: int, offset: int
    ) -> AppealPage:
        """Newest first; ``editor``: only the organisations that person edits."""
        query = select(appeals)
        if state:
            query = query.where(appeals.c.state == state)
        if programme_id:
            query = query.where(appeals.c.programme_id == programme_id)
        if editor is not None:
            query = query.where(
                appeals.c.organisation_id.in_(
                    select(editors.c.organisation_id).where(editors.c.person_id == editor)
                )
            )
        ordered = query.order_by(appeals.c.lodge_time.desc(), appeals.c.appeal_id)
        rows = self._c.execute(ordered.offset(offset).limit(size + 1)).all()
        next_offset = offset + size if len(rows) > size else None
        return AppealPage([_appeal(r) for r in rows[:size]], next_offset)

    # -- applications and criteria --------------------------------------------------------
    def application_panel(self, application_id: str) -> dict[str, str] | None:
        row = self._c.execute(
            select(applications.c.panel).where(applications.c.id == application_id)
        ).first()
        return dict(row.panel) if row else None

    def published_criteria_set(self) -> tuple[str, CriteriaContent] | None:
        row = self._c.execute(
            select(criteria_sets.c.id, criteria_sets.c.content)
            .where(criteria_sets.c.status == "published")
            .order_by(criteria_sets.c.version.desc())
            .limit(1)
        ).first()
        return (row.id, CriteriaContent.model_validate(row.content)) if row else None

    def criteria_set(self, criteria_set: str) -> tuple[str, CriteriaContent] | None:
        row = self._c.execute(
            select(criteria_sets.c.status, criteria_sets.c.content).where(
                criteria_sets.c.id == criteria_set
            )
        ).first()
        return (row.status, CriteriaContent.model_validate(row.content)) if row else None

    @property
    def postgresql(self) -> bool:
        return is_postgresql(self._c)
