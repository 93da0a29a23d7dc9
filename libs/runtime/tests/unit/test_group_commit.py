"""Group commit: commands that wait while a group is saved go together in the next one;
a refused command fails alone; a failed group sends every command back to run alone."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from ecbm_runtime.context import MessageContext
from ecbm_runtime.errors import DeadlineExceeded, RuleViolation
from ecbm_runtime.group_commit import GroupCommit, Submitted

WAIT = 10.0


class Desk:
    """A ``run_group`` that records its groups; the first group waits until released."""

    def __init__(self, fail_groups: bool = False) -> None:
        self.groups: list[list[int]] = []
        self.alone: list[tuple[int, str]] = []
        self.first_started = threading.Event()
        self.release_first = threading.Event()
        self.fail_groups = fail_groups

    def run_group(self, group: Sequence[Submitted[int]]) -> list[int | BaseException]:
        if not self.groups:
            self.first_started.set()
            assert self.release_first.wait(WAIT)
        self.groups.append([item.command for item in group])
        if self.fail_groups:
            raise RuntimeError("a race lost at commit")
        return [RuleViolation(f"{n} is odd") if n % 2 else n * 10 for n in self.groups[-1]]

    def run_alone(self, command: int, context: MessageContext) -> int:
        self.alone.append((command, threading.current_thread().name))
        return command * 100


def until(condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        time.sleep(0.005)


def submit_while_first_group_is_saved(
    desk: Desk, groups: GroupCommit[int, int], commands: list[int]
) -> dict[int, object]:
    """Command 0 opens a group that is held; the others queue behind it; then release."""
    answers: dict[int, object] = {}

    def send(command: int) -> None:
        try:
            answers[command] = groups.submit(command, MessageContext())
        except Exception as error:
            answers[command] = error

    with ThreadPoolExecutor(len(commands), thread_name_prefix="caller") as callers:
        callers.submit(send, commands[0])
        assert desk.first_started.wait(WAIT)
        for command in commands[1:]:
            callers.submit(send, command)
        until(lambda: groups.queued == len(commands) - 1, "the others queued")
        desk.release_first.set()
    return answers


def test_commands_that_wait_during_a_group_are_saved_together_in_the_next() -> None:
    desk = Desk()
    groups = GroupCommit("test", desk.run_group, desk.run_alone)
    try:
        answers = submit_while_first_group_is_saved(desk, groups, [0, 2, 4, 6, 8])
    finally:
        groups.close()
    assert desk.groups == [[0], [2, 4, 6, 8]]
    assert answers == {0: 0, 2: 20, 4: 40, 6: 60, 8: 80}
    assert desk.alone == []


def test_a_refused_command_fails_alone_and_the_others_of_its_group_are_saved() -> None:
    desk = Desk()
    groups = GroupCommit("test", desk.run_group, desk.run_alone)
    try:
        answers = submit_while_first_group_is_saved(desk, groups, [0, 2, 3, 4])
    finally:
        groups.close()
    assert desk.groups == [[0], [2, 3, 4]]
    assert isinstance(answers[3], RuleViolation)
    assert (answers[2], answers[4]) == (20, 40)


def test_a_failed_group_sends_each_command_back_to_run_alone_on_its_callers_thread() -> None:
    desk = Desk(fail_groups=True)
    groups = GroupCommit("test", desk.run_group, desk.run_alone)
    try:
        answers = submit_while_first_group_is_saved(desk, groups, [0, 2, 4])
    finally:
        groups.close()
    assert desk.groups == [[0], [2, 4]]  # each group was tried, and failed
    assert answers == {0: 0, 2: 200, 4: 400}
    assert sorted(command for command, _ in desk.alone) == [0, 2, 4]
    assert all(thread.startswith("caller") for _, thread in desk.alone)


def test_a_command_whose_caller_gave_up_is_not_run() -> None:
    desk = Desk()
    desk.release_first.set()
    groups = GroupCommit("test", desk.run_group, desk.run_alone)
    try:
        with pytest.raises(DeadlineExceeded):
            groups.submit(2, MessageContext(deadline=time.monotonic() - 1))
        assert groups.submit(4, MessageContext()) == 40
    finally:
        groups.close()
    assert desk.groups == [[4]]


def test_close_answers_the_commands_already_waiting() -> None:
    desk = Desk()
    groups = GroupCommit("test", desk.run_group, desk.run_alone)
    answers: list[int] = []
    caller = threading.Thread(target=lambda: answers.append(groups.submit(6, MessageContext())))
    caller.start()
    assert desk.first_started.wait(WAIT)
    desk.release_first.set()
    groups.close()
    caller.join(WAIT)
    assert answers == [60]
    assert not groups.alive
