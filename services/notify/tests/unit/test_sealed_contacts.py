"""PersonJoined/PersonUpdated version 1 (name and e-mail in clear) read as version 2.

Bodies from before the registry sealed contacts may still sit in a queue or a DLQ; the
worker's upcaster seals them on arrival, so the handlers see only version 2.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pydantic
import pytest

from ecbm_integration import registry
from ecbm_notify.entrypoints.worker import sealed_v1_contact
from ecbm_notify.settings import NotifySettings
from ecbm_runtime.sealing import Contact, development_seal
from ecbm_runtime.worker import EventHandler

V1 = {
    "person_id": "p1", "display_name": "Ana Silva", "email": "ana@example.org",
    "preferred_language": "pt", "contact_by_email": True, "country": "PT", "roles": [],
    "occurred_at": datetime(2030, 1, 1, tzinfo=UTC).isoformat(),
}  # fmt: skip


def handler(upcast: Any = sealed_v1_contact) -> EventHandler:
    entrypoint = EventHandler("registry", registry.PersonJoined, upcast=upcast)
    entrypoint.settings = NotifySettings(mode="development")
    return entrypoint


def test_a_version_1_body_reaches_the_handler_as_version_2_with_its_contact_sealed() -> None:
    body = handler()._upcast(json.dumps(V1).encode(), {"schema_version": 1})

    event = registry.PersonJoined.read(body)
    assert "ana@example.org" not in json.dumps(body) and "Ana Silva" not in json.dumps(body)
    assert development_seal().open("p1", event.sealed_contact) == Contact(
        "Ana Silva", "ana@example.org"
    )
    assert (event.country, event.preferred_language) == ("PT", "pt")


def test_a_version_2_body_is_left_as_it_is() -> None:
    body = {"anything": 1}
    assert handler()._upcast(body, {"schema_version": 2}) is body
    assert handler()._upcast(body, {}) is body  # no header: the current version


def test_an_old_body_that_cannot_be_upcast_is_refused_without_quoting_it() -> None:
    broken = {k: v for k, v in V1.items() if k != "display_name"}
    with pytest.raises(ValueError) as refused:  # the worker dead-letters it; never crashes
        handler()._upcast(json.dumps(broken), {"schema_version": 1})
    assert "ana@example.org" not in str(refused.value)
    # Without an upcaster the body reaches the event class as it is, which cannot read a
    # plaintext contact: the worker dead-letters it.
    plain = json.dumps(V1)
    assert handler(upcast=None)._upcast(plain, {"schema_version": 1}) is plain
    with pytest.raises(pydantic.ValidationError):
        registry.PersonJoined.model_validate_json(plain)
