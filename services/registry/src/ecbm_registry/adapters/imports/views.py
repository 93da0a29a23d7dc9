"""What an import batch needs to know before it writes: one query per question per batch."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, select, tuple_

from ecbm_registry.adapters.programmes.read_models import organisations, programmes
from ecbm_runtime.db import among


def _storable(keys: Collection[str]) -> list[str]:
    """The keys that could be stored: PostgreSQL text holds no NUL, and refuses to compare one."""
    return [key for key in keys if "\x00" not in key]


class ImportViews:
    """What an import batch looks up before it writes, on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def programmes_by_external_id(self, external_ids: Collection[str]) -> dict[str, str]:
        """External id → programme id, for those of ``external_ids`` already imported."""
        if not external_ids:
            return {}
        query = select(programmes.c.external_id, programmes.c.id).where(
            among(self.connection, programmes.c.external_id, _storable(external_ids))
        )
        return {external_id: id for external_id, id in self.connection.execute(query)}

    def existing_organisations(self, ids: Collection[str]) -> set[str]:
        if not ids:
            return set()
        query = select(organisations.c.id).where(organisations.c.id.in_(_storable(ids)))
        return set(self.connection.execute(query).scalars())

    def withdrawn_organisations(self, ids: Collection[str]) -> set[str]:
        """Those of ``ids`` that are withdrawn: an import registers nothing for them."""
        if not ids:
            return set()
        query = select(organisations.c.id).where(
            organisations.c.id.in_(_storable(ids)), organisations.c.status == "withdrawn"
        )
        return set(self.connection.execute(query).scalars())

    def organisations_by_identity(
        self, identities: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], str]:
        """(normalised name, country) → organisation id, for those of ``identities`` registered."""
        if not identities:
            return {}
        query = select(
            organisations.c.normalised_name, organisations.c.country, organisations.c.id
        ).where(
            tuple_(organisations.c.normalised_name, organisations.c.country).in_(
                [(name, country) for name, country in identities if _storable([name, country])]
            )
        )
        return {(name, country): id for name, country, id in self.connection.execute(query)}
