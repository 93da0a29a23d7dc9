"""Ends a supervised process when its supervisor is gone, however the supervisor died.

``ecbm up`` starts each child with ``ECBM_SUPERVISOR_PID`` in its environment and, on Linux,
with ``PR_SET_PDEATHSIG`` (see ``die_with_parent``). ``watch_supervisor`` is the portable
fallback: the child notices its parent changed (it was re-parented) and stops itself.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

SUPERVISOR_PID = "ECBM_SUPERVISOR_PID"
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

_log = logging.getLogger("ecbm_runtime.lifeline")


def die_with_parent(signum: int = signal.SIGTERM) -> Callable[[], None] | None:
    """A ``preexec_fn`` asking Linux to send ``signum`` to the child when its parent dies.

    ``prctl`` is looked up here, in the parent: between fork and exec the child must do as
    little as possible. ``None`` where prctl does not exist. The signal follows the death of
    the *thread* that started the child, so start children from the main thread.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    option, value = ctypes.c_int(PR_SET_PDEATHSIG), ctypes.c_ulong(signum)

    def preexec() -> None:
        prctl(option, value)

    return preexec


def watch_supervisor(interval: float = 0.5, grace: float = 30.0) -> bool:
    """If a supervisor started this process, SIGTERM it once the supervisor is gone.

    A daemon thread (a green thread under eventlet) compares ``os.getppid()`` with
    ``ECBM_SUPERVISOR_PID``; the process's own SIGTERM handler then stops it as gracefully
    as a Ctrl-C. If it is still alive ``grace`` seconds later it exits hard. Returns whether
    it watches.
    """
    expected = os.environ.get(SUPERVISOR_PID, "")
    if not expected.isdigit():
        return False

    def watch() -> None:
        while os.getppid() == int(expected):
            time.sleep(interval)
        _log.warning("supervisor (pid %s) is gone; stopping", expected)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(grace)
        _log.error("still running %.0fs after the supervisor died; exiting", grace)
        os._exit(1)

    threading.Thread(target=watch, name="lifeline", daemon=True).start()
    return True
