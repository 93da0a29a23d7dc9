"""How `ecbm up` renders the JSON log lines of its children."""

from __future__ import annotations

import json

from ecbm_cli.supervisor import readable


def test_a_json_log_line_becomes_time_level_message_and_short_correlation() -> None:
    line = json.dumps(
        {
            "time": "2026-11-23 10:56:00,123",
            "level": "INFO",
            "message": "registry api serving",
            "correlation_id": "0123456789abcdef",
        }
    )

    assert readable(line) == "10:56:00 INFO    registry api serving  [01234567]"


def test_a_traceback_is_kept_below_the_message() -> None:
    line = json.dumps({"time": "", "level": "ERROR", "message": "boom", "exc_info": "Traceback…"})

    assert readable(line).splitlines()[1] == "Traceback…"


def test_lines_that_are_not_json_pass_through_unchanged() -> None:
    assert readable("plain text from a library") == "plain text from a library"
    assert readable("[1, 2]") == "[1, 2]"
