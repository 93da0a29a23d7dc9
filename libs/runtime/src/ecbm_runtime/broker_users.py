"""One RabbitMQ user per service, allowed to publish only to its own exchange.

`definitions` writes a RabbitMQ definitions document (the format ``rabbitmqctl
import_definitions`` and the ``load_definitions`` setting read): per service a user, its
permissions in the vhost, and the durable exchanges. Passwords come from the caller (from
secret files in a deployment) and are stored only as RabbitMQ's salted SHA-256 hash.

A service's permissions (regular expressions over exchange and queue names):
- configure: its dead-letter exchange and queue, its handler queues, and any ``*.events``
  exchange (a consumer re-declares the exchange it binds to; declaring is idempotent);
- write: its own ``<service>.events`` exchange, its dead-letter pair, its handler queues
  (binding a queue is a write to it);
- read: its dead-letter pair, its handler queues, any ``*.events`` exchange (to bind).
So a service can consume what others publish but publish only as itself.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any


def permissions_for(service: str) -> dict[str, str]:
    """The configure/write/read patterns of ``service``'s user."""
    own = re.escape(service)
    handlers = f"evt-.*--{own}\\..*"
    return {
        "configure": f"^({own}\\.(dlx|dlq)|{handlers}|[a-z_]+\\.events)$",
        "write": f"^({own}\\.(events|dlx|dlq)|{handlers})$",
        "read": f"^({own}\\.(dlx|dlq)|{handlers}|[a-z_]+\\.events)$",
    }


def password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's ``rabbit_password_hashing_sha256``: base64(salt + sha256(salt + password))."""
    salt = os.urandom(4) if salt is None else salt
    digest = hashlib.sha256(salt + password.encode("utf-8")).digest()
    return base64.b64encode(salt + digest).decode("ascii")


def definitions(
    services: Iterable[str],
    passwords: Mapping[str, str],
    vhost: str = "/",
    user_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The definitions document for ``services`` in ``vhost`` (user name = service name,
    unless ``user_names`` says otherwise)."""
    names = dict(user_names or {})
    wanted = list(services)
    return {
        "users": [
            {
                "name": names.get(service, service),
                "password_hash": password_hash(passwords[service]),
                "hashing_algorithm": "rabbit_password_hashing_sha256",
                "tags": [],
            }
            for service in wanted
        ],
        "vhosts": [{"name": vhost}],
        "permissions": [
            {"user": names.get(service, service), "vhost": vhost, **permissions_for(service)}
            for service in wanted
        ],
        "exchanges": [_exchange(f"{service}.events", vhost) for service in wanted],
    }


def _exchange(name: str, vhost: str) -> dict[str, Any]:
    """A durable topic exchange, as the outbox relay and nameko declare it."""
    return {
        "name": name, "vhost": vhost, "type": "topic", "durable": True,
        "auto_delete": False, "internal": False, "arguments": {},
    }  # fmt: skip
