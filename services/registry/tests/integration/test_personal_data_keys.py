"""Envelope encryption: person keys are stored wrapped, and the wrapping keys can rotate."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet, InvalidToken
from pydantic import SecretStr
from sqlalchemy import Engine, insert, select

from ecbm_registry.adapters.people.personal_data import person_keys, rewrap_all
from ecbm_registry.application.people import commands, queries
from ecbm_registry.bootstrap import SERVICE, Registry, bootstrap, load_settings
from ecbm_runtime.actor import Actor
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.tables import events

EDITOR = Actor(subject="editor-1", roles=frozenset({"editor"}))
OLD_KEK, NEW_KEK = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
def open_registry(database_url: str) -> Iterator[object]:
    """Opens the registry on one database with the given key-encryption keys."""
    upgrade(SERVICE.migrations, database_url)
    opened: list[Registry] = []

    def open_with(keys: str) -> Registry:
        app = bootstrap(
            load_settings(database_url=database_url, personal_data_keys=SecretStr(keys))
        )
        opened.append(app)
        return app

    yield open_with
    for app in opened:
        app.close()


def join(registry: Registry, name: str, email: str) -> str:
    person = commands.PersonDetails(display_name=name, email=email, country="PL")
    joined = registry.bus.handle(
        commands.JoinNetwork(request_id=email, actor=EDITOR, person=person)
    )
    return str(joined)  # a command returns the id


def name_of(registry: Registry, person_id: str) -> str:
    person = registry.bus.handle(queries.GetPerson(actor=EDITOR, person_id=person_id))
    return str(person.display_name)


def stored_key(engine: Engine, person_id: str) -> str:
    with engine.connect() as connection:
        query = select(person_keys.c.key).where(person_keys.c.person_id == person_id)
        return str(connection.execute(query).scalar_one())


def sealed_field(engine: Engine, person_id: str) -> str:
    with engine.connect() as connection:
        query = select(events.c.data).where(events.c.stream_id.contains(person_id))
        data = connection.execute(query).scalars().first()
    assert data is not None, "the person has no events"
    return str((data if isinstance(data, dict) else json.loads(data))["sealed"])


def test_a_stolen_key_table_opens_nothing_without_the_wrapping_key(open_registry: object) -> None:
    registry = open_registry(OLD_KEK)  # type: ignore[operator]
    person_id = join(registry, "Jolanta Wiśniewska", "jolanta@example.org")

    stored = stored_key(registry.engine, person_id)
    with pytest.raises((InvalidToken, ValueError)):
        Fernet(stored.encode()).decrypt(sealed_field(registry.engine, person_id).encode())
    person_key = Fernet(OLD_KEK.encode()).decrypt(stored.encode())
    assert (
        "Jolanta"
        in Fernet(person_key).decrypt(sealed_field(registry.engine, person_id).encode()).decode()
    )


def test_rotation_rewraps_every_key_and_the_old_wrapping_key_can_go(open_registry: object) -> None:
    before = open_registry(OLD_KEK)  # type: ignore[operator]
    person_id = join(before, "Jolanta Wiśniewska", "jolanta@example.org")

    during = open_registry(f"{NEW_KEK},{OLD_KEK}")  # type: ignore[operator]
    assert name_of(during, person_id) == "Jolanta Wiśniewska"  # old wrapping still opens
    with during.engine.begin() as connection:
        assert (
            rewrap_all(
                connection,
                load_settings(personal_data_keys=SecretStr(f"{NEW_KEK},{OLD_KEK}")).key_wrapping(),
            )
            == 1
        )

    after = open_registry(NEW_KEK)  # type: ignore[operator]
    assert name_of(after, person_id) == "Jolanta Wiśniewska"
    with pytest.raises(InvalidToken):
        Fernet(OLD_KEK.encode()).decrypt(stored_key(after.engine, person_id).encode())


def test_keys_stored_before_wrapping_stay_readable_until_rewrapped(open_registry: object) -> None:
    registry = open_registry(NEW_KEK)  # type: ignore[operator]
    legacy = Fernet.generate_key()
    with registry.engine.begin() as connection:
        connection.execute(
            insert(person_keys).values(person_id="p-legacy", key=legacy.decode(), wrapped=False,
                                       create_time=datetime.now(UTC))
        )  # fmt: skip
        assert (
            rewrap_all(
                connection, load_settings(personal_data_keys=SecretStr(NEW_KEK)).key_wrapping()
            )
            == 1
        )
    assert (
        Fernet(NEW_KEK.encode()).decrypt(stored_key(registry.engine, "p-legacy").encode()) == legacy
    )


def test_production_refuses_to_start_without_its_own_wrapping_keys() -> None:
    bare = load_settings(mode="production", jwt_secret=SecretStr("x" * 40))
    assert "ECBM_REGISTRY_PERSONAL_DATA_KEYS is not set" in bare.startup_problems()
    assert "ECBM_CONTACT_SEALING_KEYS is not set" in bare.startup_problems()
    bad = load_settings(
        mode="production", jwt_secret=SecretStr("x" * 40), personal_data_keys=SecretStr("nope")
    )
    assert any("Fernet" in p for p in bad.startup_problems())
    good = load_settings(
        mode="production", jwt_secret=SecretStr("x" * 40), personal_data_keys=SecretStr(NEW_KEK),
        contact_sealing_keys=SecretStr(OLD_KEK),
    )  # fmt: skip
    assert good.startup_problems() == []
