"""Admins' weights per request kind, with their history (newest in force)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from ecbm_matching.adapters.requests import aware
from ecbm_matching.adapters.tables import weight_history
from ecbm_matching.domain.scoring import Weights


@dataclass(frozen=True)
class WeightChange:
    kind: str
    weights: Weights
    set_by: str
    note: str
    set_time: datetime


class WeightViews:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def history(self, kind: str) -> list[WeightChange]:
        query = (
            select(weight_history)
            .where(weight_history.c.kind == kind)
            .order_by(weight_history.c.id.desc())
        )
        return [
            WeightChange(
                r["kind"],
                Weights(**r["weights"]),
                r["set_by"],
                r["note"],
                aware(r["set_time"]) or r["set_time"],
            )
            for r in self._connection.execute(query).mappings()
        ]

    def current(self, kind: str) -> Weights:
        history = self.history(kind)
        return history[0].weights if history else Weights()

    def record(self, kind: str, weights: Weights, set_by: str, note: str, now: datetime) -> None:
        self._connection.execute(
            insert(weight_history).values(
                kind=kind, weights=weights.__dict__, set_by=set_by, note=note, set_time=now
            )
        )

    def forget_setter(self, person_id: str) -> None:
        from sqlalchemy import update

        self._connection.execute(
            update(weight_history).where(weight_history.c.set_by == person_id).values(set_by="")
        )
