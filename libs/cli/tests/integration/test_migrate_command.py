"""``ecbm migrate`` brings a service's schema and its worker's queues into being."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from kombu import Connection
from typer.testing import CliRunner

from ecbm_cli.main import app

pytestmark = [pytest.mark.rabbitmq]


def queues_of(amqp_url: str, names: list[str]) -> list[str]:
    """Those of ``names`` that exist on the broker (a passive declare fails for the others)."""
    found = []
    with Connection(amqp_url) as connection:
        for name in names:
            try:
                connection.default_channel.queue_declare(name, passive=True)
            except Exception:  # NOT_FOUND closes the channel; the next call reopens one
                connection.close()
                connection.connect()
            else:
                found.append(name)
    return found


def test_migrate_declares_the_worker_queues_before_any_worker_runs(
    isolated_amqp_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECBM_AMQP_URL", isolated_amqp_url)
    monkeypatch.setenv("ECBM_NOTIFY_DATABASE_URL", f"sqlite:///{tmp_path / 'notify.db'}")

    result = CliRunner().invoke(app, ["migrate", "notify"])

    assert result.exit_code == 0, result.output
    from ecbm_notify.entrypoints.worker import NotifyWorker
    from ecbm_runtime.worker import handler_queues

    expected = [queue.name for queue in handler_queues(NotifyWorker, max_deliveries=5)]
    assert expected and f"notify: {len(expected)} queue(s) declared" in result.output
    assert queues_of(isolated_amqp_url, [*expected, "notify.dlq"]) == [*expected, "notify.dlq"]
    assert (tmp_path / "notify.db").exists()
    assert unquote(urlsplit(isolated_amqp_url).path) != "/"  # the test's own vhost
