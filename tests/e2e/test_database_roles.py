"""deploy/postgres/init.sh: one role per service owning one database no other role can use."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text

from ecbm_runtime.migrations import upgrade
from ecbm_runtime.service import load_service

pytestmark = pytest.mark.postgres
SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "postgres" / "init.sh"


@pytest.fixture
def databases(postgres_server_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Runs the init script for registry and notify (names made unique); their URLs."""
    suffix = uuid.uuid4().hex[:8]
    urls = {
        service: f"postgresql+psycopg://{service}_{suffix}:pw{suffix}@127.0.0.1:5432/{service}_{suffix}"
        for service in ("registry", "notify")
    }
    for service, url in urls.items():
        (tmp_path / f"{service}_database_url").write_text(url + "\n")
    env = {
        **os.environ,
        "ECBM_SECRETS_DIR": str(tmp_path),
        "PGHOST": "127.0.0.1",
        "PGUSER": "postgres",
    }
    subprocess.run(["bash", str(SCRIPT)], env=env, check=True, capture_output=True)
    yield urls
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for service in urls:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{service}_{suffix}" WITH (FORCE)'))
            connection.execute(text(f'DROP ROLE IF EXISTS "{service}_{suffix}"'))
    admin.dispose()


def test_each_service_migrates_its_own_database_as_its_own_role(databases: dict[str, str]) -> None:
    upgrade(load_service("registry").migrations, databases["registry"])

    engine = create_engine(databases["registry"])
    with engine.connect() as connection:
        me = connection.execute(
            text("SELECT current_user, usesuper FROM pg_user WHERE usename = current_user")
        ).one()
        tables = connection.execute(
            text("SELECT count(*) FROM pg_tables WHERE tableowner = current_user")
        ).scalar()
    engine.dispose()
    assert me.usesuper is False
    assert tables and tables > 5


def test_a_service_role_cannot_connect_to_another_services_database(
    databases: dict[str, str],
) -> None:
    notify_role = databases["notify"].split("//")[1].split(":")[0]
    registry_database = databases["registry"].rsplit("/", 1)[1]
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        psycopg.connect(host="127.0.0.1", user=notify_role, dbname=registry_database).close()
