"""The filters ``ecbm_runtime.db`` writes for both databases: ``among`` (``column IN values``
as one statement whatever the number of values) and ``listed_in`` (a JSON array holds a value)."""

from __future__ import annotations

import pytest
from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, insert, select

from ecbm_runtime.db import among, listed_in, make_engine

_metadata = MetaData()
_things = Table(
    "things",
    _metadata,
    Column("id", String(40), primary_key=True),
    Column("rank", Integer),
    Column("tags", JSON),
)


def test_among_finds_exactly_the_values_asked_for_whatever_their_number(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    _metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(_things), [{"id": f"t{n}", "rank": n} for n in range(10)])
    with engine.connect() as connection:

        def ids(values: list[str]) -> list[str]:
            query = select(_things.c.id).where(among(connection, _things.c.id, values))
            return sorted(connection.execute(query).scalars())

        def ranks(values: list[int]) -> list[int]:
            query = select(_things.c.rank).where(among(connection, _things.c.rank, values))
            return sorted(connection.execute(query).scalars())

        assert ids([]) == []
        assert ids(["t3"]) == ["t3"]
        assert ids(["t1", "nope", "t7", "t1"]) == ["t1", "t7"]
        assert ranks([2, 4, 99]) == [2, 4]
    engine.dispose()


@pytest.mark.postgres
def test_on_postgresql_every_number_of_values_shares_one_prepared_statement(
    postgres_url: str,
) -> None:
    """An IN list would be a statement per length, each prepared only after five runs of
    that length on a connection; one array parameter is one statement, prepared once."""
    engine = make_engine(postgres_url)
    _metadata.create_all(engine)
    with engine.connect() as connection:
        for run in range(60):
            values = [f"t{n}" for n in range(run % 12 + 1)]
            connection.execute(select(_things.c.id).where(among(connection, _things.c.id, values)))
        prepared = connection.exec_driver_sql(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%FROM things%%'"
        ).scalar()
    assert prepared == 1
    engine.dispose()


def test_listed_in_finds_the_rows_whose_json_array_holds_the_value_and_no_others(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    _metadata.create_all(engine)
    tags = {"a": ["education", "youth"], "b": ["youth"], "c": [], "d": ["education-policy"]}
    with engine.begin() as connection:
        connection.execute(insert(_things), [{"id": k, "tags": v} for k, v in tags.items()])
    with engine.connect() as connection:

        def holding(value: str) -> list[str]:
            query = select(_things.c.id).where(listed_in(connection, _things.c.tags, value))
            return sorted(connection.execute(query).scalars())

        assert holding("youth") == ["a", "b"]
        assert holding("education") == ["a"]  # a whole element, never a part of one
        assert holding("educ") == []
        assert holding('"youth"') == []  # the value is data, not JSON to splice in
    engine.dispose()
