"""``ecbm outbox list|retry`` show and release a service's parked outbox rows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select
from typer.testing import CliRunner

from ecbm_cli.main import app
from ecbm_runtime.db import make_engine
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.service import load_service
from ecbm_runtime.tables import outbox


def row(event_id: str, stream: str, parked: bool) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "event_id": event_id, "exchange": "notify.events", "routing_key": "Sent", "body": "{}",
        "headers": {}, "created_at": now, "stream": stream, "attempts": 5 if parked else 0,
        "parked_at": now if parked else None,
        "last_error": "PreconditionFailed(406, 'inequivalent arg')" if parked else None,
    }  # fmt: skip


def test_lists_parked_rows_and_retries_the_one_named(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECBM_NOTIFY_DATABASE_URL", database_url)
    upgrade(load_service("notify").migrations, database_url)
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(insert(outbox), [
            row("e-parked", "s-1", parked=True), row("e-behind", "s-1", parked=False),
            row("e-other", "s-2", parked=True),
        ])  # fmt: skip
    runner = CliRunner()

    listed = runner.invoke(app, ["outbox", "list", "notify"])
    retried = runner.invoke(app, ["outbox", "retry", "notify", "--id", "1"])
    refused = runner.invoke(app, ["outbox", "retry", "notify"])
    listed_after = runner.invoke(app, ["outbox", "list", "notify"])

    assert listed.exit_code == 0, listed.output
    assert "2 parked outbox row(s) in notify" in listed.output
    assert "#1 notify.events Sent event e-parked stream s-1" in listed.output
    assert "1 row(s) waiting behind; last error: PreconditionFailed" in listed.output
    assert retried.exit_code == 0 and "released 1 parked outbox row(s)" in retried.output
    assert refused.exit_code == 2  # neither --id nor --all
    assert "1 parked outbox row(s) in notify" in listed_after.output
    with engine.connect() as connection:
        state = connection.execute(select(outbox.c.event_id, outbox.c.parked_at, outbox.c.attempts)
                                   .order_by(outbox.c.id)).all()  # fmt: skip
    engine.dispose()
    assert [(e, p is None, a) for e, p, a in state] == [
        ("e-parked", True, 0), ("e-behind", True, 0), ("e-other", False, 5)
    ]  # fmt: skip
