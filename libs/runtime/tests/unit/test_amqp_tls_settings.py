"""AMQP TLS settings → the connection parameters every connection site uses."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
from nameko import config
from nameko.constants import AMQP_SSL_CONFIG_KEY, AMQP_URI_CONFIG_KEY

from ecbm_runtime.amqp import AmqpTls, connection, ssl_options
from ecbm_runtime.settings import ServiceSettings
from ecbm_runtime.worker import _amqp_connection, nameko_config

TLS_URL = "amqps://notify:secret@broker.internal:5671/%2F"


def test_plain_amqp_uses_no_tls() -> None:
    assert ssl_options("amqp://guest:guest@127.0.0.1:5672//", AmqpTls(ca_file="ca.pem")) is False
    assert connection("amqp://guest:guest@127.0.0.1:5672//").ssl is False


def test_amqps_verifies_the_broker_against_the_ca_and_its_host_name() -> None:
    options = ssl_options(TLS_URL, AmqpTls(ca_file="/run/secrets/ca.pem"))

    assert options == {
        "cert_reqs": ssl.CERT_REQUIRED,
        "server_hostname": "broker.internal",
        "tls_minimum_version": ssl.TLSVersion.TLSv1_2,
        "ca_certs": "/run/secrets/ca.pem",
    }
    assert connection(TLS_URL, AmqpTls(ca_file="/run/secrets/ca.pem")).ssl == options


def test_a_client_certificate_is_presented_when_configured() -> None:
    options = ssl_options(TLS_URL, AmqpTls("ca.pem", "client.pem", "client.key"))

    assert isinstance(options, dict)
    assert (options["certfile"], options["keyfile"]) == ("client.pem", "client.key")
    no_ca = ssl_options(TLS_URL, AmqpTls())
    assert isinstance(no_ca, dict) and "ca_certs" not in no_ca  # the system's CAs
    assert no_ca["cert_reqs"] == ssl.CERT_REQUIRED


def test_settings_read_the_shared_variables_and_a_service_may_override_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ECBM_AMQP_URL", TLS_URL)
    monkeypatch.setenv("ECBM_AMQP_CA_FILE", "/shared/ca.pem")
    monkeypatch.setenv("ECBM_AMQP_CERT_FILE", "/shared/client.pem")
    monkeypatch.setenv("ECBM_AMQP_KEY_FILE", "/shared/client.key")
    monkeypatch.setenv("ECBM_SERVICE_AMQP_CA_FILE", "/own/ca.pem")

    settings = ServiceSettings()

    assert settings.amqp_tls() == AmqpTls("/own/ca.pem", "/shared/client.pem", "/shared/client.key")
    assert settings.startup_problems() == [] or all(
        "AMQP" not in p for p in settings.startup_problems()
    )


def test_half_a_tls_configuration_stops_the_process_at_start() -> None:
    no_key = ServiceSettings(amqp_url=TLS_URL, amqp_cert_file="client.pem")
    plaintext = ServiceSettings(amqp_url="amqp://guest:guest@h:5672//", amqp_ca_file="ca.pem")

    assert (
        "AMQP client TLS needs both ECBM_AMQP_CERT_FILE and _KEY_FILE" in no_key.startup_problems()
    )
    assert any("not amqps://" in problem for problem in plaintext.startup_problems())


def test_the_worker_and_its_own_connections_take_the_tls_options(tmp_path: Path) -> None:
    settings = ServiceSettings(amqp_url=TLS_URL, amqp_ca_file=str(tmp_path / "ca.pem"))

    worker_config = nameko_config(settings)

    assert worker_config[AMQP_SSL_CONFIG_KEY] == ssl_options(TLS_URL, settings.amqp_tls())
    with config.patch(worker_config, clear=True):
        assert config[AMQP_URI_CONFIG_KEY] == TLS_URL
        assert _amqp_connection().ssl == worker_config[AMQP_SSL_CONFIG_KEY]
