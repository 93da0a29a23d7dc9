"""The matching worker process (nameko) against real RabbitMQ and PostgreSQL: registry's
people and the events service's Meet & Match registrations come in; PersonForgotten erases."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from matching_feeds import NOW

from ecbm_integration import events, registry
from ecbm_matching.bootstrap import SERVICE, Matching, bootstrap
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.sealing import Contact, development_seal
from ecbm_runtime.testing import free_port, publish_as_source, wait_until

pytestmark = [pytest.mark.rabbitmq, pytest.mark.postgres]


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture
def app(postgres_url: str) -> Iterator[Matching]:
    upgrade(SERVICE.migrations, postgres_url)
    application = bootstrap(SERVICE.load_settings(database_url=postgres_url))
    yield application
    application.close()


@pytest.fixture
def worker(
    app: Matching, postgres_url: str, isolated_amqp_url: str, tmp_path: Path
) -> Iterator[Path]:
    port = free_port()
    log = tmp_path / "matching-worker.log"
    environment = {
        **os.environ,
        "ECBM_MATCHING_DATABASE_URL": postgres_url,
        "ECBM_AMQP_URL": isolated_amqp_url,
        "ECBM_MATCHING_WORKER_METRICS_PORT": str(port),
        "ECBM_VAR_DIR": str(tmp_path),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "ecbm_runtime.worker_main", "matching"],
            env=environment, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_until(
            lambda: process.poll() is None and _healthy(port), 60, message=f"worker up ({log})"
        )
        yield log
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_profiles_and_participants_arrive_and_forgetting_erases(
    app: Matching, worker: Path, isolated_amqp_url: str
) -> None:
    publish_as_source(isolated_amqp_url, "registry", registry.PersonJoined(
        person_id="ana", preferred_language="fr",
        sealed_contact=development_seal().seal("ana", Contact("Ana", "ana@example.org")),
        contact_by_email=True, country="BE", roles=["researcher"], occurred_at=NOW,
    ))  # fmt: skip
    publish_as_source(isolated_amqp_url, "events", events.RegistrationConfirmed(
        registration_id="r1", event_id="mm1", person_id="ana", kind="meet_and_match",
        title="Meet & Match", mode="on_site", starts_at=NOW, occurred_at=NOW,
    ))  # fmt: skip

    def known() -> tuple[bool, bool]:
        with app.dependencies.read() as views:
            return (
                views.profiles.exists("ana"),
                views.meet_and_match.takes_part("mm1", "ana"),
            )

    wait_until(lambda: known() == (True, True), 30, message=f"ana arrived ({worker})")
    publish_as_source(
        isolated_amqp_url, "registry", registry.PersonForgotten(person_id="ana", occurred_at=NOW)
    )
    wait_until(lambda: known() == (False, False), 30, message=f"ana erased ({worker})")
