"""Runs every service's api and worker as child processes with prefixed, readable logs.

The children end with the supervisor, however it ends: Ctrl-C and SIGTERM stop them in
order; if the supervisor is killed outright, Linux sends each one SIGTERM (PR_SET_PDEATHSIG)
and, elsewhere, each notices it was re-parented (``ecbm_runtime.lifeline``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from ecbm_runtime.lifeline import SUPERVISOR_PID, die_with_parent
from ecbm_runtime.service import ServiceDefinition

COLOURS = ("36", "32", "35", "33", "34", "31")


@dataclass
class Child:
    label: str
    process: subprocess.Popen[bytes]


def command_for(service: str, kind: str) -> list[str]:
    module = "ecbm_runtime.api_main" if kind == "api" else "ecbm_runtime.worker_main"
    return [sys.executable, "-m", module, service]


def readable(line: str) -> str:
    """A JSON log line as ``HH:MM:SS LEVEL message [correlation]``; other lines unchanged."""
    try:
        record = json.loads(line)
    except ValueError:
        return line
    if not isinstance(record, dict):
        return line
    stamp = str(record.get("time", ""))[11:19]
    level = str(record.get("level", "")).ljust(7)
    text = f"{stamp} {level} {record.get('message', '')}"
    if record.get("correlation_id"):
        text += f"  [{str(record['correlation_id'])[:8]}]"
    if record.get("exc_info"):
        text += "\n" + str(record["exc_info"])
    return text


def _pump(label: str, colour: str, stream: IO[bytes], out: IO[str], lock: threading.Lock) -> None:
    prefix = f"\x1b[{colour}m{label:<16}\x1b[0m| " if out.isatty() else f"{label:<16}| "
    for raw in iter(stream.readline, b""):
        text = readable(raw.decode("utf-8", "replace").rstrip())
        with lock:
            out.write("".join(prefix + part + "\n" for part in text.splitlines() or [""]))
            out.flush()


class Supervisor:
    """Starts children, relays their output, and stops them all on Ctrl-C or SIGTERM."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        # eventlet announces its own deprecation on import: known, and noise in every worker.
        quiet = {"PYTHONUNBUFFERED": "1", "PYTHONWARNINGS": "ignore::DeprecationWarning"}
        lifeline = {SUPERVISOR_PID: str(os.getpid())}
        self.env = {**os.environ, **(env or {}), **quiet, **lifeline}
        self._preexec = die_with_parent(signal.SIGTERM)
        self.children: list[Child] = []
        self._lock = threading.Lock()
        # Set by the signal handler, read by `wait`'s loop. A plain attribute, not an Event:
        # a second signal arriving while the handler holds an Event's lock (Ctrl-C reaches
        # the process from the terminal and again from `uv run`) deadlocked on it.
        self._signalled: int | None = None

    def start(
        self, services: Iterable[ServiceDefinition], kinds: Sequence[str] = ("api", "worker")
    ) -> None:
        for index, definition in enumerate(services):
            for kind in kinds:
                self._spawn(
                    f"{definition.name}.{kind}",
                    command_for(definition.name, kind),
                    COLOURS[index % 6],
                )

    def run(self, label: str, command: list[str]) -> None:
        """One more child that is not a service (e.g. the local SMTP sink)."""
        self._spawn(label, command, COLOURS[len(self.children) % 6])

    def _spawn(self, label: str, command: list[str], colour: str) -> None:
        process = subprocess.Popen(
            command,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            # Own session: a Ctrl-C reaches only the supervisor, which stops children in order.
            start_new_session=True,
            preexec_fn=self._preexec,
        )
        assert process.stdout is not None
        threading.Thread(
            target=_pump, args=(label, colour, process.stdout, sys.stdout, self._lock), daemon=True
        ).start()
        self.children.append(Child(label, process))

    def say(self, text: str) -> None:
        with self._lock:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()

    def wait(self) -> int:
        """Block until a signal or until a child dies; then stop everything."""
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            while self._signalled is None:
                dead = [c for c in self.children if c.process.poll() is not None]
                if dead:
                    child = dead[0]
                    self.say(f"{child.label} exited with {child.process.returncode}; stopping all")
                    break
                time.sleep(0.2)
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 0 if self._signalled is not None else 1

    def _on_signal(self, signum: int, _frame: object) -> None:
        """Only records the signal: anything that takes a lock here can deadlock."""
        self._signalled = signum

    def stop(self, timeout: float = 15.0) -> None:
        for child in self.children:
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for child in self.children:
            try:
                child.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(f"{child.label} did not stop in {timeout:.0f}s; killing it")
                child.process.kill()
                child.process.wait()
