"""Correlation ids: scoped to a call or message, never left behind in a thread."""

from __future__ import annotations

from ecbm_runtime.observability import correlation, correlation_id, current_correlation_id


def test_work_outside_any_call_gets_a_fresh_id_each_time_and_keeps_none() -> None:
    first, second = current_correlation_id(), current_correlation_id()

    assert first != second
    assert correlation_id.get() is None


def test_inside_a_scope_every_read_is_the_scopes_id_and_it_ends_with_the_scope() -> None:
    with correlation("corr-1", "cause-1"):
        assert current_correlation_id() == current_correlation_id() == "corr-1"

    assert correlation_id.get() is None
