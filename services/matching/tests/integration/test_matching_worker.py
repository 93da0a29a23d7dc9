"""The matching worker process (nameko) against real RabbitMQ and PostgreSQL: registry's
people and the events service's Meet & Match registrations come in; PersonForgotten erases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from matching_feeds import NOW

from ecbm_integration import events, registry
from ecbm_matching.bootstrap import SERVICE, Matching, bootstrap
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.sealing import Contact, development_seal
from ecbm_runtime.testing import publish_as_source, wait_until, worker_process

pytestmark = [pytest.mark.rabbitmq, pytest.mark.postgres]


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
    environment = {
        "ECBM_MATCHING_DATABASE_URL": postgres_url,
        "ECBM_AMQP_URL": isolated_amqp_url,
    }
    with worker_process("matching", environment, tmp_path) as log:
        yield log


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
