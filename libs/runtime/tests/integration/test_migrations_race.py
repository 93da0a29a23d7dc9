"""An api and a worker migrating one empty database at once both end up running.

Real processes, released together by a file, as a container platform starts both of a
service's processes on a fresh database. Without the migration lock one of them fails
creating a table (or the version row) the other has just created.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from ecbm_runtime.db import make_engine
from ecbm_runtime.migrations import alembic_config
from ecbm_runtime.testing import wait_until

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
MIGRATING = """
import sys, time
from pathlib import Path
from ecbm_runtime.migrations import upgrade
go = Path(sys.argv[2])
Path(sys.argv[3]).touch()
while not go.exists():
    time.sleep(0.002)
upgrade(Path(sys.argv[1]), sys.argv[4])
"""
PROCESSES = 3


def test_processes_migrating_one_empty_database_at_once_all_succeed(
    database_url: str, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                MIGRATING,
                str(HERE / "sample_migrations"),
                str(go),
                str(tmp_path / f"ready-{n}"),
                database_url,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for n in range(PROCESSES)
    ]
    wait_until(
        lambda: all((tmp_path / f"ready-{n}").exists() for n in range(PROCESSES)),
        60,
        message="migrating processes ready",
    )
    go.touch()
    outputs = [process.communicate(timeout=120)[0].decode() for process in processes]

    assert [process.returncode for process in processes] == [0] * PROCESSES, outputs
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version"))
            assert sorted(versions.scalars()) == sorted(heads(database_url))
            tables = set(inspect(connection).get_table_names())
    finally:
        engine.dispose()
    assert {"events", "outbox", "inbox", "effects"} <= tables


def heads(url: str) -> list[str]:
    config = alembic_config(HERE / "sample_migrations", url)
    return list(ScriptDirectory.from_config(config).get_heads())
