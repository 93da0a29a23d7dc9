"""Matching's copy of registry's people and programmes: written by the registry's events,
read as ranking candidates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from ecbm_matching.adapters.introductions import History
from ecbm_matching.adapters.tables import organisation_editors, profile_topics, profiles
from ecbm_matching.domain.scoring import Candidate

# How many open introductions a person or programme takes at once.
CAPACITY = 3


class ProfileViews:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def exists(self, profile_id: str) -> bool:
        query = select(profiles.c.id).where(profiles.c.id == profile_id)
        return self._connection.execute(query).first() is not None

    def upsert(self, profile_id: str, now: datetime, **values: Any) -> None:
        """Create the profile or change the given columns."""
        if self.exists(profile_id):
            self._connection.execute(
                update(profiles)
                .where(profiles.c.id == profile_id)
                .values(update_time=now, **values)
            )
            return
        row = {
            "id": profile_id,
            "kind": "person",
            "display_name": "",
            "organisation_id": "",
            "country": "",
            "countries": [],
            "languages": [],
            "roles": [],
            "evidence": 0,
            "quality_labels": [],
            "active": True,
            "update_time": now,
        }
        self._connection.execute(insert(profiles).values({**row, **values}))

    def profile(self, profile_id: str) -> dict[str, Any] | None:
        row = (
            self._connection.execute(select(profiles).where(profiles.c.id == profile_id))
            .mappings()
            .first()
        )
        return dict(row) if row else None

    def set_topic(
        self, profile_id: str, relation: str, topic: str, level: str = "", description: str = ""
    ) -> None:
        self._connection.execute(
            delete(profile_topics).where(
                profile_topics.c.profile_id == profile_id,
                profile_topics.c.relation == relation,
                profile_topics.c.topic == topic,
            )
        )
        self._connection.execute(
            insert(profile_topics).values(
                profile_id=profile_id,
                relation=relation,
                topic=topic,
                level=level,
                description=description,
            )
        )

    def replace_topics(self, profile_id: str, relation: str, topics: list[str]) -> None:
        self._connection.execute(
            delete(profile_topics).where(
                profile_topics.c.profile_id == profile_id, profile_topics.c.relation == relation
            )
        )
        for topic in sorted(set(topics)):
            self.set_topic(profile_id, relation, topic, "practising")

    def topics(self, profile_id: str) -> list[dict[str, Any]]:
        query = select(profile_topics).where(profile_topics.c.profile_id == profile_id)
        return [dict(r) for r in self._connection.execute(query).mappings()]

    def forget(self, profile_id: str) -> None:
        self._connection.execute(
            delete(profile_topics).where(profile_topics.c.profile_id == profile_id)
        )
        self._connection.execute(delete(profiles).where(profiles.c.id == profile_id))
        self._connection.execute(
            delete(organisation_editors).where(organisation_editors.c.person_id == profile_id)
        )

    def add_editor(self, organisation_id: str, person_id: str) -> None:
        """The person speaks for the organisation's programmes (registry's editors)."""
        e = organisation_editors.c
        query = select(e.person_id).where(
            e.organisation_id == organisation_id, e.person_id == person_id
        )
        if self._connection.execute(query).first() is None:
            self._connection.execute(
                insert(organisation_editors).values(
                    organisation_id=organisation_id, person_id=person_id
                )
            )

    def contacts(self, programme_id: str) -> list[str]:
        """The people a message to the programme reaches: its organisation's editors."""
        e, p = organisation_editors.c, profiles.c
        query = (
            select(e.person_id)
            .join(profiles, p.organisation_id == e.organisation_id)
            .where(p.id == programme_id, p.kind == "programme", p.organisation_id != "")
            .order_by(e.person_id)
        )
        return list(self._connection.execute(query).scalars())

    def programmes_of_contact(self, person_id: str) -> list[str]:
        """The programmes the person speaks for."""
        e, p = organisation_editors.c, profiles.c
        query = (
            select(p.id)
            .join(organisation_editors, e.organisation_id == p.organisation_id)
            .where(e.person_id == person_id, p.kind == "programme")
            .order_by(p.id)
        )
        return list(self._connection.execute(query).scalars())

    def candidates(self, kind: str, history: History | None = None) -> list[Candidate]:
        """Active profiles of ``kind`` as candidates: what they know (expertise, focus), the
        text of their descriptions, and what past introductions say of them."""
        history = history or History({}, {}, {}, frozenset())
        rows = list(
            self._connection.execute(
                select(profiles)
                .where(profiles.c.kind == kind, profiles.c.active.is_(True))
                .order_by(profiles.c.id)
            ).mappings()
        )
        known: dict[str, dict[str, str]] = {r["id"]: {} for r in rows}
        texts: dict[str, list[str]] = {r["id"]: [] for r in rows}
        query = select(profile_topics).where(profile_topics.c.relation.in_(["expertise", "focus"]))
        for topic in self._connection.execute(query).mappings():
            if topic["profile_id"] in known:
                known[topic["profile_id"]][topic["topic"]] = topic["level"] or "aware"
                texts[topic["profile_id"]].append(topic["topic"].replace("-", " "))
                texts[topic["profile_id"]].append(topic["description"])
        return [
            Candidate(
                id=r["id"],
                organisation_id=r["organisation_id"],
                country=r["country"],
                languages=frozenset(r["languages"]),
                topics=known[r["id"]],
                text=" ".join(texts[r["id"]]),
                evidence=r["evidence"],
                quality_labels=len(r["quality_labels"]),
                capacity=CAPACITY,
                load=history.loads.get(r["id"], 0),
                ratings=history.ratings.get(r["id"], ()),
                no_shows=history.no_shows.get(r["id"], 0),
            )
            for r in rows
        ]
