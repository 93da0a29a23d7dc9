"""Alembic for every service: the store tables are one branch, each service's tables another."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from ecbm_runtime.db import make_engine, normalise_url

STORE_VERSIONS = Path(__file__).parent / "store_migrations"
# The session-level advisory lock upgrades take on PostgreSQL (the event store's append
# lock is another key, and a transaction-level one).
MIGRATION_LOCK_KEY = 0x0ECB_3160


def alembic_config(service_migrations: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(service_migrations))
    config.set_main_option("path_separator", "os")
    config.set_main_option(
        "version_locations",
        os.pathsep.join([str(service_migrations / "versions"), str(STORE_VERSIONS)]),
    )
    config.attributes["url"] = normalise_url(url)
    return config


def upgrade(service_migrations: Path, url: str) -> None:
    """Bring a service's database to the newest schema (store branch and service branch).

    Upgrades of one database take turns: an api and a worker started at once on an empty
    database (as a container platform starts them) would otherwise both create the same
    tables and one would crash. The second waits for the lock, then finds nothing to do.
    """
    config = alembic_config(service_migrations, url)
    with migration_lock(config.attributes["url"]) as connection:
        if connection is not None:
            config.attributes["connection"] = connection
        command.upgrade(config, "heads")


@contextmanager
def migration_lock(url: str) -> Iterator[Connection | None]:
    """Hold the database's migration lock; on PostgreSQL, yields the connection holding it.

    PostgreSQL: ``pg_advisory_lock`` on the connection the upgrade then runs on (the lock
    goes with the session, whatever the migrations commit). SQLite: an exclusive ``flock``
    on a file beside the database (a migration spans several transactions, so SQLite's own
    write lock does not cover it). An in-memory database has no one to race with.
    """
    if url.startswith("sqlite"):
        database = make_url(url).database
        if not database or database == ":memory:":
            yield None
            return
        with open(f"{database}.migrate-lock", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)  # released when the file closes
            yield None
        return
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()
            try:
                yield connection
            finally:
                connection.rollback()  # a failed migration leaves its transaction aborted
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
                connection.commit()
    finally:
        engine.dispose()


def run_migrations_in_env() -> None:
    """The body of every service's ``migrations/env.py``."""
    from alembic import context

    config = context.config
    connection: Connection | None = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.attributes["url"], pool_size=1)
    try:
        with engine.connect() as new_connection:
            _run(new_connection)
    finally:
        engine.dispose()


def _run(connection: Connection) -> None:
    from alembic import context

    context.configure(
        connection=connection,
        target_metadata=None,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    if connection.in_transaction():
        connection.commit()
