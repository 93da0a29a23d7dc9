"""RowLookup: one row by key, on the driver's cursor on PostgreSQL, through SQLAlchemy on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    select,
)
from sqlalchemy.exc import OperationalError

from ecbm_runtime.db import make_engine, read_only_connection
from ecbm_runtime.lookup import RowLookup

tables = MetaData()
things = Table(
    "things",
    tables,
    Column("id", String(20), primary_key=True),
    Column("size", Integer, nullable=True),
    Column("tags", JSON, nullable=False),
    Column("made", DateTime(timezone=True), nullable=False),
)
BY_ID = RowLookup(select(things).where(things.c.id == bindparam("id")))
MADE = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    tables.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            things.insert(), [{"id": "a", "size": 3, "tags": ["x", "y"], "made": MADE}]
        )
    yield engine
    engine.dispose()


def test_a_lookup_finds_the_row_by_column_name_with_its_values_decoded(engine: Engine) -> None:
    with read_only_connection(engine) as connection:
        for _ in range(6):  # past psycopg's prepare threshold: prepared or not, one answer
            row = BY_ID.first(connection, id="a")
            assert row is not None
            assert (row["id"], row["size"], row["tags"]) == ("a", 3, ["x", "y"])
            assert row["made"].replace(tzinfo=row["made"].tzinfo or UTC) == MADE


def test_a_lookup_of_a_missing_key_finds_nothing(engine: Engine) -> None:
    with read_only_connection(engine) as connection:
        assert BY_ID.first(connection, id="missing") is None


def test_a_lookup_in_a_transaction_sees_its_own_uncommitted_rows(engine: Engine) -> None:
    with engine.connect() as connection, connection.begin() as transaction:
        connection.execute(things.insert().values(id="b", size=None, tags=[], made=MADE))
        row = BY_ID.first(connection, id="b")
        transaction.rollback()
    with read_only_connection(engine) as connection:
        gone = BY_ID.first(connection, id="b")

    assert row is not None and row["size"] is None and row["tags"] == []
    assert gone is None


def test_a_lookup_on_a_connection_the_server_ended_raises_sqlalchemys_error(
    postgres_url: str,
) -> None:
    """The gRPC mapping turns SQLAlchemy's OperationalError into UNAVAILABLE; a raw driver
    error would reach callers as INTERNAL (seen while PostgreSQL restarted under load)."""
    engine = make_engine(postgres_url)
    tables.create_all(engine)
    with engine.begin() as connection:
        connection.execute(things.insert().values(id="a", size=1, tags=[], made=MADE))
    with engine.connect() as victim, engine.connect() as killer:
        pid = victim.exec_driver_sql("select pg_backend_pid()").scalar_one()
        killer.exec_driver_sql(f"select pg_terminate_backend({pid})")
        with pytest.raises(OperationalError) as raised:
            BY_ID.first(victim, id="a")
        assert raised.value.connection_invalidated
        assert victim.invalidated
    with read_only_connection(engine) as connection:  # the pool hands out a live one
        assert BY_ID.first(connection, id="a") is not None
    engine.dispose()
