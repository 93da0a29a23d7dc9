"""The outbox's timing settings: the api's fast path and the worker's sweep never overlap."""

from __future__ import annotations

from ecbm_runtime.settings import ServiceSettings


def test_a_fast_path_at_or_above_the_sweeps_grace_period_stops_the_process_at_start() -> None:
    overlapping = ServiceSettings(outbox_fast_path_seconds=2.0, outbox_sweep_grace_seconds=2.0)
    apart = ServiceSettings(outbox_fast_path_seconds=1.0, outbox_sweep_grace_seconds=2.0)

    assert any("FAST_PATH" in problem for problem in overlapping.startup_problems())
    assert not any("FAST_PATH" in problem for problem in apart.startup_problems())
    assert ServiceSettings().outbox_fast_path_seconds < ServiceSettings().outbox_sweep_grace_seconds
