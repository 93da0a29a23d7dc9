"""A registration and a withdrawal of the same organisation at the same instant (PostgreSQL).

Both wait on the store's append lock, held here by another transaction; once it is let go,
exactly one of them may succeed: never a new programme in a withdrawn organisation.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, text

from ecbm_registry.application.programmes import commands
from ecbm_registry.bootstrap import SERVICE, Registry, bootstrap, load_settings
from ecbm_runtime.actor import Actor
from ecbm_runtime.errors import DomainError
from ecbm_runtime.eventstore import store_for
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.testing import wait_until

pytestmark = pytest.mark.postgres
EDITOR = Actor(subject="editor-1", roles=frozenset({"editor"}))


@pytest.fixture
def pg_registry(postgres_url: str) -> Iterator[Registry]:
    upgrade(SERVICE.migrations, postgres_url)
    app = bootstrap(load_settings(database_url=postgres_url))
    yield app
    app.engine.dispose()


def waiting_on_locks(engine: Engine) -> int:
    with engine.connect() as connection:
        query = text(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int(connection.execute(query).scalar_one())


def test_a_programme_never_lands_in_an_organisation_withdrawn_at_the_same_instant(
    pg_registry: Registry,
) -> None:
    bus = pg_registry.bus
    organisation = bus.handle(
        commands.RegisterOrganisation(
            display_name="Mentoring Lab", kind="mentoring_organisation", country="BE",
            contact_name="An Peeters", contact_email="an@example.org",
        )
    )  # fmt: skip
    register = commands.RegisterProgramme(
        actor=EDITOR, organisation_id=str(organisation), display_name="Buddy Up",
        languages=("nl",), countries=("BE",),
    )  # fmt: skip
    withdraw = commands.WithdrawOrganisation(actor=EDITOR, organisation_id=str(organisation))
    outcomes: dict[str, str] = {}

    def run(name: str, command: object) -> Callable[[], None]:
        def attempt() -> None:
            try:
                bus.handle(command)
                outcomes[name] = "done"
            except DomainError as refused:
                outcomes[name] = type(refused).__name__

        return attempt

    with pg_registry.engine.connect() as holder, holder.begin() as held:
        store_for(holder).lock_appends()  # another writer's transaction, still open
        threads = [
            threading.Thread(target=run("register", register)),
            threading.Thread(target=run("withdraw", withdraw)),
        ]
        for started, thread in enumerate(threads, start=1):
            thread.start()
            wait_until(
                lambda: waiting_on_locks(pg_registry.engine) >= started,  # noqa: B023
                10,
                message=f"{started} command(s) waiting on the store lock",
            )
        held.rollback()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["register", "withdraw"]
    assert list(outcomes.values()).count("done") == 1, outcomes
