"""The events worker process (nameko) against real RabbitMQ and PostgreSQL: registry's
PersonForgotten erases a registration, and the timer passes a lapsed offer on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from events_fakes import EDITOR, member
from events_serving import events_settings

from ecbm_events.application.programme.commands import CreateEvent, PublishEvent
from ecbm_events.application.registrations import commands as reg
from ecbm_events.bootstrap import SERVICE, Events, bootstrap
from ecbm_events.domain.places import Mode
from ecbm_events.domain.registration import RegistrationState
from ecbm_integration import registry
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.testing import publish_as_source, wait_until, worker_process

pytestmark = [pytest.mark.rabbitmq, pytest.mark.postgres]
OFFER_SECONDS = 1.0


@pytest.fixture
def app(postgres_url: str) -> Iterator[Events]:
    upgrade(SERVICE.migrations, postgres_url)
    hold = OFFER_SECONDS / 3600
    application = bootstrap(events_settings(database_url=postgres_url, offer_hold_hours=hold))
    yield application
    application.close()


@pytest.fixture
def worker(
    app: Events, postgres_url: str, isolated_amqp_url: str, tmp_path: Path
) -> Iterator[Path]:
    environment = {
        "ECBM_EVENTS_DATABASE_URL": postgres_url,
        "ECBM_AMQP_URL": isolated_amqp_url,
        "ECBM_EVENTS_OFFER_CHECK_INTERVAL_SECONDS": "0.2",
        "ECBM_EVENTS_OFFER_HOLD_HOURS": str(OFFER_SECONDS / 3600),
    }
    with worker_process("events", environment, tmp_path) as log:
        yield log


def state(app: Events, registration_id: str) -> tuple[RegistrationState, str]:
    with app.dependencies.read() as views:
        found = views.registrations.registration(registration_id)
    assert found is not None
    return found.state, found.person_id


def test_forgetting_and_lapsed_offers_run_in_the_worker(
    app: Events, worker: Path, isolated_amqp_url: str
) -> None:
    start = datetime.now(UTC) + timedelta(days=5)
    event_id = app.bus.handle(
        CreateEvent(
            actor=EDITOR, kind="seminar", title="Mentoring refugees",  # type: ignore[arg-type]
            start_time=start, end_time=start + timedelta(hours=2),
            on_site_places=1, waiting_list=True,
        )
    )  # fmt: skip
    app.bus.handle(PublishEvent(actor=EDITOR, event_id=event_id))
    ana, ben, cleo = (
        app.bus.handle(
            reg.RegisterForEvent(actor=member(p), event_id=event_id, mode=Mode.ON_SITE)
        ).registration_id
        for p in ("ana", "ben", "cleo")
    )

    publish_as_source(
        isolated_amqp_url,
        "registry",
        registry.PersonForgotten(person_id="ana", occurred_at=datetime.now(UTC)),
    )

    wait_until(
        lambda: state(app, ana) == (RegistrationState.CANCELLED, ""),
        30,
        message=f"ana erased ({worker})",
    )
    assert state(app, ben)[0] is RegistrationState.OFFERED
    # ben does not take the place within the hold: the timer offers it to cleo
    wait_until(
        lambda: state(app, cleo)[0] is RegistrationState.OFFERED, 30, message=f"moved on ({worker})"
    )
    assert state(app, ben)[0] is RegistrationState.CANCELLED
