"""Alembic for every service: the store tables are one branch, each service's tables another."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from ecbm_runtime.db import make_engine, normalise_url

STORE_VERSIONS = Path(__file__).parent / "store_migrations"


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
    """Bring a service's database to the newest schema (store branch and service branch)."""
    command.upgrade(alembic_config(service_migrations, url), "heads")


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
