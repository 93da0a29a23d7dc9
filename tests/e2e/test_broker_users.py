"""Each service on its own RabbitMQ user, from a definitions file imported into the broker.

The platform works end to end with those users (registry publishes, notify consumes), and
a service cannot publish to another service's exchange.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import amqp
import kombu
import pytest
from test_first_slice import inbox, organisation_request, programme_request

from ecbm_runtime.broker_users import definitions
from ecbm_runtime.testing import bearer, wait_until

from platform_processes import ServiceProcesses, stubs

pytestmark = pytest.mark.e2e
SERVICES = ("registry", "notify")
EDITOR = bearer("editor")


@pytest.fixture
def service_urls(isolated_amqp_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Per service an AMQP URL of its own user, made by importing a definitions file."""
    parts = urlsplit(isolated_amqp_url)
    vhost = parts.path.removeprefix("/")
    suffix = uuid.uuid4().hex[:8]
    users = {service: f"{service}-{suffix}" for service in SERVICES}
    passwords = {service: secrets.token_urlsafe(16) for service in SERVICES}
    document = json.dumps(definitions(SERVICES, passwords, vhost, users))
    # On standard input: the broker node (another OS user) cannot read the test's tmp_path.
    subprocess.run(
        ["rabbitmqctl", "-q", "import_definitions", "--format", "json"],
        input=document.encode(), check=True,
    )  # fmt: skip
    try:
        host = f"{parts.hostname}:{parts.port or 5672}"
        yield {
            service: urlunsplit(
                parts._replace(netloc=f"{users[service]}:{passwords[service]}@{host}")
            )
            for service in SERVICES
        }
    finally:
        for user in users.values():
            subprocess.run(["rabbitmqctl", "-q", "delete_user", user], check=False)


def test_the_platform_runs_on_one_broker_user_per_service(
    service_urls: dict[str, str], tmp_path: Path
) -> None:
    processes = {}
    for service in SERVICES:
        prefix = f"ECBM_{service.upper()}_"
        env = {
            f"{prefix}AMQP_URL": service_urls[service],
            f"{prefix}DATABASE_URL": f"sqlite:///{tmp_path / (service + '.db')}",
        }
        processes[service] = ServiceProcesses(service, env, tmp_path)
    try:
        for service in processes.values():
            service.start("api")
            service.start("worker")
        registry, notify, channels = stubs(processes)
        email = f"{uuid.uuid4().hex[:8]}@example.org"

        organisation = registry.RegisterOrganisation(organisation_request(email), metadata=EDITOR)  # type: ignore[attr-defined]
        programme = registry.RegisterProgramme(
            programme_request(organisation.name), metadata=EDITOR
        )  # type: ignore[attr-defined]

        arrived = wait_until(lambda: inbox(notify, email), timeout=30, message="notification")
        assert [n.link for n in arrived] == [programme.name]
        for channel in channels:
            channel.close()
    finally:
        for service in processes.values():
            service.stop()


def test_a_service_cannot_publish_to_another_services_exchange(
    service_urls: dict[str, str],
) -> None:
    notify_exchange = kombu.Exchange("notify.events", type="topic", durable=True)
    own_exchange = kombu.Exchange("registry.events", type="topic", durable=True)
    with kombu.Connection(service_urls["registry"]) as connection:
        producer = connection.Producer()
        producer.publish(b"{}", exchange=own_exchange, routing_key="OrganisationRegistered",
                         declare=[own_exchange])  # fmt: skip
        with pytest.raises(amqp.exceptions.AccessRefused, match=r"notify\.events"):
            producer.publish(b"{}", exchange=notify_exchange, routing_key="Forged", declare=[])
            connection.default_channel.basic_qos(0, 1, False)  # a round trip surfaces the refusal
