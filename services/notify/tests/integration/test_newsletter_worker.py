"""Notify's real worker process (nameko, eventlet) against real RabbitMQ and an SMTP sink:
members' country and roles arrive with the registry's events, the timer sends a due
campaign to those the audience admits, and a forgotten member is left out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.fakes import sealed, verify_address

from ecbm_integration import registry
from ecbm_notify.adapters.smtp_sink import SmtpSink
from ecbm_notify.application.newsletter import commands, queries
from ecbm_notify.bootstrap import Notify
from ecbm_notify.domain.campaign import Draft
from ecbm_runtime.auth import Principal, acting_as
from ecbm_runtime.testing import publish_as_source, wait_until, worker_process

pytestmark = [pytest.mark.rabbitmq, pytest.mark.slow]
EDITOR = Principal(subject="editor-1", roles=frozenset({"editor"}))


@pytest.fixture
def worker(
    notify: Notify, database_url: str, isolated_amqp_url: str, smtp_sink: SmtpSink, tmp_path: Path
) -> Iterator[Path]:
    environment = {
        "ECBM_NOTIFY_DATABASE_URL": database_url,
        "ECBM_AMQP_URL": isolated_amqp_url,
        "ECBM_NOTIFY_SMTP_PORT": str(smtp_sink.port),
        "ECBM_NOTIFY_NEWSLETTER_SEND_INTERVAL_SECONDS": "0.2",
    }
    with worker_process("notify", environment, tmp_path) as log:
        yield log


def joined(person_id: str, country: str, roles: list[str]) -> registry.PersonJoined:
    return registry.PersonJoined(
        person_id=person_id,
        sealed_contact=sealed(person_id, person_id.title(), f"{person_id}@example.org"),
        preferred_language="en", contact_by_email=True, country=country,
        roles=roles, occurred_at=datetime.now(UTC),
    )  # type: ignore[arg-type]  # fmt: skip


def known(notify: Notify) -> tuple[int, int]:
    """(member profiles, registry people among recipients), on a fresh connection each time."""
    with notify.engine.connect() as connection:
        profiles = connection.exec_driver_sql("SELECT count(*) FROM newsletter_member_profiles")
        people = connection.exec_driver_sql(
            "SELECT count(*) FROM recipients WHERE person_id IS NOT NULL"
        )
        return int(profiles.scalar_one()), int(people.scalar_one())


def test_the_worker_sends_a_due_campaign_to_the_members_the_audience_admits(
    worker: Path, notify: Notify, isolated_amqp_url: str, smtp_sink: SmtpSink
) -> None:
    for event in (
        joined("ana", "BE", ["researcher"]),
        joined("bo", "NL", ["researcher"]),
        joined("cy", "BE", ["student"]),
        joined("di", "BE", ["researcher", "student"]),
    ):
        publish_as_source(isolated_amqp_url, "registry", event)
    wait_until(lambda: known(notify) == (4, 4), 30, message=f"four members (log: {worker})")
    forgotten = registry.PersonForgotten(person_id="di", occurred_at=datetime.now(UTC))
    publish_as_source(isolated_amqp_url, "registry", forgotten)
    wait_until(lambda: known(notify) == (3, 3), 30, message=f"di forgotten (log: {worker})")
    verify_address(notify, "ana")  # the others never followed their link: no newsletter
    draft = Draft.model_validate({
        "title": "December", "subject": "Mentoring news",
        "blocks": [{"kind": "paragraph", "text": "The summit is in Ghent."}],
        "audience": {"countries": ["BE"], "roles": ["researcher"]},
    })  # fmt: skip
    with acting_as(EDITOR):
        campaign_id = notify.bus.handle(commands.CreateCampaign(draft=draft))
        notify.bus.handle(commands.ScheduleCampaign(campaign_id=campaign_id))

    def sent() -> bool:
        with acting_as(EDITOR):
            view = notify.bus.handle(queries.GetCampaign(campaign_id=campaign_id))
        return bool(view.state == "sent")

    wait_until(sent, 30, message=f"campaign sent by the worker (log: {worker})")
    newsletters = [m for m in smtp_sink.received if m.message["Subject"] == "Mentoring news"]
    assert [mail.rcpt_tos for mail in newsletters] == [["ana@example.org"]]
