"""A worker's green threads keep running while one of them waits for a row lock.

In a worker process (eventlet) one green thread holds a row lock across green I/O, as the
outbox relay does while it publishes the rows it locked, and another deletes that row, as
forgetting a person deletes their unpublished messages. psycopg's C wait would block the
whole process in the DELETE, so the holder never ran again: a deadlock that froze the
events worker of the forget-scan test. The same scenario runs in a process started like
a worker (``ecbm_runtime.worker_main``) and in one merely monkey-patched.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecbm_runtime.db import normalise_url

pytestmark = pytest.mark.postgres

SCENARIO = """
import sys
if sys.argv[2] == "worker":
    import ecbm_runtime.worker_main  # noqa: F401  (what a worker process runs first)
else:
    import eventlet
    eventlet.monkey_patch()
import eventlet
import psycopg
from eventlet.event import Event

url = sys.argv[1]
with psycopg.connect(url, autocommit=True) as connection:
    connection.execute("CREATE TABLE held (id int PRIMARY KEY); INSERT INTO held VALUES (1)")
locked = Event()

def holder():
    with psycopg.connect(url) as connection:
        connection.execute("SELECT id FROM held WHERE id = 1 FOR UPDATE")
        locked.send()
        eventlet.sleep(0.3)  # green I/O with the row locked: the relay's publish

def deleter():
    locked.wait()
    with psycopg.connect(url) as connection:
        return connection.execute("DELETE FROM held WHERE id = 1").rowcount

holding, deleting = eventlet.spawn(holder), eventlet.spawn(deleter)
holding.wait()
print("deleted", deleting.wait())
"""


def _run(tmp_path: Path, url: str, how: str, timeout: float) -> str:
    script = tmp_path / "scenario.py"
    script.write_text(SCENARIO)
    libpq = normalise_url(url).replace("postgresql+psycopg://", "postgresql://")
    env = {k: v for k, v in os.environ.items() if k != "PSYCOPG_WAIT_FUNC"}
    done = subprocess.run(
        [sys.executable, str(script), libpq, how],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_worker_process_deletes_the_row_once_the_green_lock_holder_commits(
    postgres_url: str, tmp_path: Path
) -> None:
    assert _run(tmp_path, postgres_url, "worker", timeout=60) == "deleted 1"


def test_merely_monkey_patched_the_same_delete_waits_forever(
    postgres_url: str, tmp_path: Path
) -> None:
    """The fault the worker's setting removes: the holder's 0.3 s never end."""
    with pytest.raises(subprocess.TimeoutExpired):
        _run(tmp_path, postgres_url, "plain", timeout=5)
