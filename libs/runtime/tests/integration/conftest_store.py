"""Helpers for the store's integration tests: a database migrated to the store schema only.

Not a ``conftest.py`` (another suite owns that file): test modules import ``migrated_engine``
and wrap it in a fixture of their own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from ecbm_runtime.db import make_engine
from ecbm_runtime.migrations import upgrade

ENV_PY = "from ecbm_runtime.migrations import run_migrations_in_env\n\nrun_migrations_in_env()\n"


def empty_service_migrations(directory: Path) -> Path:
    """An Alembic directory of a service with no tables of its own."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "versions").mkdir(exist_ok=True)
    (directory / "env.py").write_text(ENV_PY)
    (directory / "script.py.mako").write_text("")
    return directory


@contextmanager
def migrated_engine(url: str, tmp_path: Path) -> Iterator[Engine]:
    """An engine on ``url`` after the store migrations ran; disposed afterwards."""
    upgrade(empty_service_migrations(tmp_path / "migrations"), url)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def run_threads(*targets: Callable[[], object], timeout: float = 120.0) -> list[object]:
    """Run each target in its own thread; return results or exceptions, in target order."""
    outcomes: list[object] = [None] * len(targets)

    def run(index: int, target: Callable[[], object]) -> None:
        try:
            outcomes[index] = target()
        except BaseException as error:  # handed back to the test to assert on
            outcomes[index] = error

    threads = [
        threading.Thread(target=run, args=(index, target), daemon=True)
        for index, target in enumerate(targets)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        if thread.is_alive():
            raise AssertionError(f"a thread still runs after {timeout}s")
    return outcomes


def postgres_backend_waits_on_lock(engine: Engine, pid: int) -> bool:
    """True while the PostgreSQL backend ``pid`` waits for a lock (advisory, row, xid)."""
    with engine.connect() as connection:
        waiting = connection.execute(
            text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
        ).scalar_one_or_none()
    return waiting == "Lock"


def postgres_backends_waiting_on_locks(engine: Engine) -> int:
    """How many backends of this database wait for a lock now."""
    with engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
        )
