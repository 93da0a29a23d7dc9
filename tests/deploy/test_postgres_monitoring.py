"""deploy/postgres/init.sh makes the metrics exporter's login: statistics, never table data."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.postgres
SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "postgres" / "init.sh"


@pytest.fixture
def monitoring_role(postgres_server_url: str, tmp_path: Path) -> Iterator[str]:
    role = f"monitoring_{uuid.uuid4().hex[:8]}"
    (tmp_path / "postgres_monitoring_password").write_text("pw-for-the-test\n")
    env = {
        **os.environ,
        "ECBM_SECRETS_DIR": str(tmp_path),
        "ECBM_MONITORING_ROLE": role,
        "PGHOST": "127.0.0.1",
        "PGUSER": "postgres",
    }
    subprocess.run(["bash", str(SCRIPT)], env=env, check=True, capture_output=True)
    yield role
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()


def test_the_exporter_role_reads_statistics_and_nothing_more(
    monitoring_role: str, postgres_server_url: str
) -> None:
    admin = create_engine(postgres_server_url)
    with admin.connect() as connection:
        role = connection.execute(
            text(
                "SELECT rolsuper, rolcreatedb, rolcreaterole, rolcanlogin,"
                " pg_has_role(rolname, 'pg_monitor', 'member') AS monitor,"
                " pg_has_role(rolname, 'pg_read_all_data', 'member') AS read_all"
                " FROM pg_roles WHERE rolname = :role"
            ),
            {"role": monitoring_role},
        ).one()
    admin.dispose()

    assert role.rolcanlogin and role.monitor
    assert not (role.rolsuper or role.rolcreatedb or role.rolcreaterole or role.read_all)
