"""AMQP over TLS against a RabbitMQ node of this test's own with only a TLS listener.

The node (its own name, ports, data directory and cookie) is started from the local
RabbitMQ installation for this module and stopped at its end; the shared broker is never
touched. Its certificate comes from a certificate authority made here.
"""
# kombu ships no annotations for most of its API.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from kombu import Exchange, Queue
from kombu.exceptions import OperationalError

from ecbm_runtime.amqp import AmqpTls, connection
from ecbm_runtime.certificates import CertificateAuthority
from ecbm_runtime.dlq import dead_letter_exchange, list_dead_letters
from ecbm_runtime.outbox import BrokerPublisher, OutboxMessage
from ecbm_runtime.testing import free_port, wait_until
from ecbm_runtime.worker import ServiceWorker, declare_queues

pytestmark = pytest.mark.rabbitmq
RABBITMQ_SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")


@dataclass(frozen=True)
class TlsBroker:
    url: str
    tls: AmqpTls  # the CA that signed the node's certificate, and a client certificate
    foreign_ca: Path  # a CA that signed nothing of the node's


def _answers(url: str, tls: AmqpTls) -> bool:
    try:
        with connection(url, tls, connect_timeout=2) as probe:
            probe.ensure_connection(max_retries=1)
            return True
    except (OSError, OperationalError):
        return False


@pytest.fixture(scope="module")
def tls_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsBroker]:
    assert RABBITMQ_SERVER.exists(), "needs the local RabbitMQ installation (./dev installs it)"
    base = tmp_path_factory.mktemp("tls-broker")
    ca = CertificateAuthority(base / "ca")
    server, client = ca.issue("broker"), ca.issue("client", client=True)
    foreign = CertificateAuthority(base / "foreign", name="Someone else's CA")
    port = free_port()
    (base / "rabbitmq.conf").write_text(
        "listeners.tcp = none\n"
        f"listeners.ssl.default = {port}\n"
        f"ssl_options.cacertfile = {ca.cert}\n"
        f"ssl_options.certfile = {server.cert}\n"
        f"ssl_options.keyfile = {server.key}\n"
        "ssl_options.verify = verify_peer\n"
        "ssl_options.fail_if_no_peer_cert = false\n"
    )
    (base / "enabled_plugins").write_text("[].\n")  # no management port to clash
    (base / "home").mkdir()
    env = {
        **os.environ,
        "HOME": str(base / "home"),  # its own Erlang cookie
        "RABBITMQ_NODENAME": f"ecbm-tls-{uuid.uuid4().hex[:8]}@localhost",
        "RABBITMQ_DIST_PORT": str(free_port()),
        "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
        "RABBITMQ_LOG_BASE": str(base / "log"),
        "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq.conf"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "enabled_plugins"),
        "RABBITMQ_PID_FILE": str(base / "node.pid"),
    }
    with (base / "server.log").open("wb") as log:
        node = subprocess.Popen(
            [str(RABBITMQ_SERVER)], env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as one below
        )  # fmt: skip
    tls = AmqpTls(str(ca.cert), str(client.cert), str(client.key))
    url = f"amqps://guest:guest@localhost:{port}//"
    try:
        wait_until(lambda: node.poll() is None and _answers(url, tls), 90, message="TLS node")
        yield TlsBroker(url, tls, foreign.cert)
    finally:
        os.killpg(node.pid, signal.SIGTERM)
        try:
            node.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(node.pid, signal.SIGKILL)
            node.wait(10)


def _row(exchange: str, body: str) -> OutboxMessage:
    event_id = uuid.uuid4().hex
    return OutboxMessage.of(
        0,
        {"exchange": exchange, "routing_key": "ThingHappened", "body": body,
         "headers": {"event_id": event_id}},
    )  # fmt: skip


def test_the_outbox_publishes_over_tls_and_a_consumer_reads_it(tls_broker: TlsBroker) -> None:
    exchange = f"tls-{uuid.uuid4().hex[:8]}.events"
    queue = Queue(f"q-{exchange}", Exchange(exchange, "topic", durable=True), "#")
    with connection(tls_broker.url, tls_broker.tls) as consumer:
        queue(consumer.default_channel).declare()
        publisher = BrokerPublisher(tls_broker.url, tls_broker.tls)
        try:
            publisher.publish(_row(exchange, '{"over": "tls"}'))
        finally:
            publisher.close()
        message = wait_until(lambda: queue(consumer.default_channel).get(no_ack=True), 10)
    assert json.loads(message.body) == {"over": "tls"}
    assert consumer.transport.__class__.__name__ == "SSLTransport"


def test_queues_and_the_dlq_are_declared_and_listed_over_tls(tls_broker: TlsBroker) -> None:
    class Worker(ServiceWorker):
        name = f"tls{uuid.uuid4().hex[:8]}"

    declared = declare_queues(Worker, tls_broker.url, 3, dlq_ttl_hours=1, tls=tls_broker.tls)

    assert declared == []  # no handlers; the DLQ is declared all the same
    assert list_dead_letters(tls_broker.url, Worker.name, tls=tls_broker.tls) == []
    with connection(tls_broker.url, tls_broker.tls) as probe:
        dead_letter_exchange(Worker.name)(probe.default_channel).declare(passive=True)


def test_a_broker_certificate_from_another_ca_is_refused(tls_broker: TlsBroker) -> None:
    publisher = BrokerPublisher(tls_broker.url, AmqpTls(ca_file=str(tls_broker.foreign_ca)))
    with pytest.raises((ssl.SSLError, OperationalError), match="CERTIFICATE_VERIFY_FAILED"):
        publisher.publish(_row("never.events", "{}"))
    publisher.close()
    # Without a CA file only the system's CAs count: a private CA's certificate fails too.
    with pytest.raises((ssl.SSLError, OperationalError), match="CERTIFICATE_VERIFY_FAILED"):
        list_dead_letters(tls_broker.url, "svc", tls=AmqpTls())


def test_the_plaintext_scheme_does_not_reach_a_tls_only_broker(tls_broker: TlsBroker) -> None:
    plaintext = tls_broker.url.replace("amqps://", "amqp://")
    assert not _answers(plaintext, AmqpTls())
