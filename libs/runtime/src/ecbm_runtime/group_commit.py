"""Group commit: commands of one kind that arrive together are decided and saved together.

An api serves each gRPC call on a thread of its own. When many callers send the same
command at once (registrations for a popular event), every call pays for its own
transaction: its round trips, its commit, a turn on the same counter row, and the thread
hand-offs of each round trip. A ``GroupCommit`` hands the commands that arrive while one
group is being saved to one thread, which runs them as the next group: one unit of work,
set-based statements, one commit (PostgreSQL's own group commit, done one level up).

``run_group`` decides each command of the group in arrival order and saves them all in one
unit of work; it answers each command with its result or with the domain error that
refused it (which fails that command alone). If the group fails as a whole (a race lost at
commit, a constraint), every command of it runs again on its caller's thread, alone, the
ordinary way: one command never fails another.

Measured on the events api (docs/benchmarks.md): see "Group commit".
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from prometheus_client import Counter, Histogram

from ecbm_runtime.context import MessageContext
from ecbm_runtime.errors import DeadlineExceeded

C = TypeVar("C")
R = TypeVar("R")

_log = logging.getLogger("ecbm_runtime.group_commit")

group_size = Histogram(
    "ecbm_group_commit_size",
    "Commands saved per group commit.",
    ("group",),
    buckets=(1, 2, 4, 8, 16, 32, 64, 128),
)

groups_run_alone = Counter(
    "ecbm_group_commit_alone_total",
    "Commands sent back to run alone because their group failed as a whole.",
    ("group",),
)

# How long a caller waits for its group without a deadline of its own: a group is one
# transaction, so this is only reached if the database stops answering.
DEFAULT_WAIT_SECONDS = 60.0


@dataclass(frozen=True)
class Submitted(Generic[C]):
    """A command waiting for its group, with the context of the call that sent it."""

    command: C
    context: MessageContext


class _Alone:
    """The answer that sends a command back to its caller to run alone."""


ALONE = _Alone()


class _Waiting(Generic[C, R]):
    __slots__ = ("answer", "done", "submitted")

    def __init__(self, submitted: Submitted[C]) -> None:
        self.submitted = submitted
        self.done = threading.Event()
        self.answer: R | BaseException | _Alone = ALONE

    def settle(self, answer: R | BaseException | _Alone) -> None:
        self.answer = answer
        self.done.set()


GroupRunner = Callable[[Sequence[Submitted[C]]], Sequence[R | BaseException]]


class GroupCommit(Generic[C, R]):
    """One thread that runs the waiting commands as groups; ``submit`` from any thread.

    ``run_group`` gets the group and returns one answer per command, in order: a result, or
    an exception that refused that command. ``run_alone`` runs one command the ordinary way
    (its own unit of work, its own retries); the caller's thread uses it when a group fails.
    """

    def __init__(
        self,
        name: str,
        run_group: GroupRunner[C, R],
        run_alone: Callable[[C, MessageContext], R],
        max_group: int = 64,
    ) -> None:
        self.name = name
        self._run_group = run_group
        self._run_alone = run_alone
        self._max_group = max_group
        self._waiting: queue.SimpleQueue[_Waiting[C, R] | None] = queue.SimpleQueue()
        self._size = group_size.labels(name)
        self._alone = groups_run_alone.labels(name)
        self._thread = threading.Thread(target=self._serve, name=f"group-{name}", daemon=True)
        self._thread.start()

    def submit(self, command: C, context: MessageContext) -> R:
        """The command's result once its group is saved (or it ran alone); its error if refused."""
        if not self.alive:  # stopped (closing): nothing would answer
            return self._run_alone(command, context)
        waiting: _Waiting[C, R] = _Waiting(Submitted(command, context))
        self._waiting.put(waiting)
        remaining = context.time_remaining()
        wait = DEFAULT_WAIT_SECONDS if remaining is None else max(remaining, 0.0)
        if not waiting.done.wait(wait):
            raise DeadlineExceeded(f"{self.name}: the group was not saved in {wait:.1f}s")
        answer = waiting.answer
        if isinstance(answer, _Alone):
            return self._run_alone(command, context)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    @property
    def queued(self) -> int:
        """Commands waiting for the next group."""
        return self._waiting.qsize()

    def close(self) -> None:
        """Stop after the commands already waiting are answered."""
        self._waiting.put(None)
        self._thread.join(timeout=30)

    def _serve(self) -> None:
        while True:
            first = self._waiting.get()
            group = [first] if first is not None else []
            while first is not None and len(group) < self._max_group:
                try:
                    nxt = self._waiting.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    first = None  # stop once this group is answered
                    break
                group.append(nxt)
            if group:
                self._answer(group)
            if first is None:
                return

    def _answer(self, group: list[_Waiting[C, R]]) -> None:
        live = []
        for waiting in group:
            try:
                waiting.submitted.context.check_deadline()  # the caller gave up: not run
            except DeadlineExceeded as gone:
                waiting.settle(gone)
            else:
                live.append(waiting)
        if not live:
            return
        self._size.observe(len(live))
        answers: list[R | BaseException | _Alone] = [ALONE] * len(live)
        try:
            answered = list(self._run_group([w.submitted for w in live]))
            if len(answered) != len(live):
                raise RuntimeError(f"{len(answered)} answers for a group of {len(live)}")
            answers = list(answered)
        except Exception as error:  # the group as a whole: each command runs alone instead
            self._alone.inc(len(live))
            _log.info(
                "%s: a group of %d failed, each runs alone: %s",
                self.name, len(live), type(error).__name__,
                extra={"group": self.name, "group_size": len(live)},
            )  # fmt: skip
        finally:  # whatever happened, nobody is left waiting
            for waiting, answer in zip(live, answers, strict=True):
                waiting.settle(answer)
