"""A supervised process ends when its supervisor is killed: by PDEATHSIG, or by its watchdog."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ecbm_runtime.lifeline import SUPERVISOR_PID, watch_supervisor
from ecbm_runtime.testing import wait_until

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

# A stand-in supervisor: starts one child that waits for a signal, prints its pid, waits.
SUPERVISOR = textwrap.dedent(
    """
    import os, subprocess, sys
    from ecbm_runtime.lifeline import SUPERVISOR_PID, die_with_parent

    mode = sys.argv[1]
    child = (
        "import signal\\n"
        "from ecbm_runtime.lifeline import watch_supervisor\\n"
        "watch_supervisor(interval=0.05)\\n"
        "signal.pause()\\n"
    )
    env = {**os.environ, SUPERVISOR_PID: str(os.getpid())} if mode == "watchdog" else None
    preexec = die_with_parent() if mode == "pdeathsig" else None
    process = subprocess.Popen([sys.executable, "-c", child], env=env, preexec_fn=preexec)
    print(process.pid, flush=True)
    process.wait()
    """
)


def gone(pid: int) -> bool:
    """No such process, or a zombie nobody reaps (an orphan's new parent may not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


@pytest.mark.parametrize("mode", ["pdeathsig", "watchdog"])
def test_the_child_ends_when_its_supervisor_is_killed(mode: str) -> None:
    supervisor = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR, mode], stdout=subprocess.PIPE, text=True
    )
    assert supervisor.stdout is not None
    child = int(supervisor.stdout.readline())
    try:
        assert not gone(child)

        supervisor.send_signal(signal.SIGKILL)
        supervisor.wait(10)

        wait_until(lambda: gone(child), timeout=20, message=f"child {child} gone ({mode})")
    finally:
        if not gone(child):
            os.kill(child, signal.SIGKILL)


def test_a_process_not_started_by_a_supervisor_watches_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(SUPERVISOR_PID, raising=False)

    assert watch_supervisor() is False
