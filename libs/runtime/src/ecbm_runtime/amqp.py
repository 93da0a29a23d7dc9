"""Connections to RabbitMQ, plaintext (``amqp://``) or TLS (``amqps://``), made one way.

Every place that talks to the broker (the outbox's publisher, the nameko worker, the
dead-letter tools, ``ecbm migrate``'s queue declarations) builds its kombu connection
from the URL and the service's ``AmqpTls`` (``ECBM_AMQP_CA_FILE``, ``ECBM_AMQP_CERT_FILE``,
``ECBM_AMQP_KEY_FILE``): an ``amqps://`` URL verifies the broker's certificate against
the CA file (the system's CAs without one) and its host name, and presents a client
certificate when one is configured (for brokers that require one, or that log in with
``EXTERNAL``).
"""
# kombu ships no annotations for most of its API.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from kombu.connection import Connection


@dataclass(frozen=True)
class AmqpTls:
    """PEM files for TLS to the broker; all optional."""

    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""

    def problems(self, url: str) -> list[str]:
        """Why this configuration cannot work with ``url`` (checked at start)."""
        found: list[str] = []
        if bool(self.cert_file) != bool(self.key_file):
            found.append("AMQP client TLS needs both ECBM_AMQP_CERT_FILE and _KEY_FILE")
        if (self.ca_file or self.cert_file) and not is_tls(url):
            found.append("ECBM_AMQP_CA_FILE/_CERT_FILE are set but the AMQP URL is not amqps://")
        return found


def is_tls(url: str) -> bool:
    return urlsplit(url).scheme == "amqps"


def ssl_options(url: str, tls: AmqpTls | None = None) -> dict[str, Any] | bool:
    """kombu's ``ssl=`` for ``url``: False for ``amqp://``; for ``amqps://`` the options
    that verify the broker (certificate and host name) and name the client certificate."""
    if not is_tls(url):
        return False
    tls = tls or AmqpTls()
    options: dict[str, Any] = {
        "cert_reqs": ssl.CERT_REQUIRED,
        "server_hostname": urlsplit(url).hostname,
        "tls_minimum_version": ssl.TLSVersion.TLSv1_2,
    }
    if tls.ca_file:
        options["ca_certs"] = tls.ca_file
    if tls.cert_file:
        options["certfile"] = tls.cert_file
        options["keyfile"] = tls.key_file or None
    return options


def connection(url: str, tls: AmqpTls | None = None, **options: Any) -> Connection:
    """A kombu connection to ``url`` (not yet connected), with TLS when it is ``amqps://``."""
    return Connection(url, ssl=ssl_options(url, tls), **options)
