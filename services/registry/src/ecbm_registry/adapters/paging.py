"""Offset pages over read-model queries, shared by the network and resources views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Select, func, select


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_offset: int | None  # None: this is the last page
    total_size: int


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def paged(
    connection: Connection, query: Select[Any], size: int, offset: int
) -> tuple[list[Any], int | None, int]:
    """Rows of one page, the next page's offset (None at the end) and the total count.

    Offsets rather than keysets because these lists sort by user-chosen keys (stance, title);
    they hold hundreds of rows, not millions.
    """
    total = connection.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = list(connection.execute(query.offset(offset).limit(size + 1)).mappings())
    next_offset = offset + size if len(rows) > size else None
    return rows[:size], next_offset, int(total)
