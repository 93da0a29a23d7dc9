"""An event about a person who is becoming known at that moment is delivered, not left
parked: delivering-or-parking and knowing-then-taking-what-is-parked hold the person in
turn (``People.lock``), as two workers of notify would run them. PostgreSQL only: on
SQLite a write transaction already excludes every other."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from tests.conftest import notify_settings
from tests.fakes import delivered

from ecbm_integration import registry
from ecbm_notify.adapters.people.people import People, PersonDetails
from ecbm_notify.adapters.read_models import awaiting_person
from ecbm_notify.application.inbox.queries import ListNotifications
from ecbm_notify.bootstrap import SERVICE, bootstrap
from ecbm_notify.domain.recipients import Addresses
from ecbm_runtime.auth import Principal, acting_as
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.testing import wait_until

pytestmark = pytest.mark.postgres
WELCOME = "Welcome: your membership of the Center is approved"
MARIA = PersonDetails(
    person_id="p1", email="maria@example.org", display_name="Maria Ionescu",
    preferred_language="en", contact_by_email=True,
)  # fmt: skip


def _waiting_for_a_lock(engine: Engine) -> bool:
    """A session of this test's database waits for an advisory lock."""
    query = text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    with engine.connect() as connection:
        return bool(connection.execute(query).scalar_one())


def test_an_approval_arriving_while_the_person_joins_is_delivered_once_they_are_known(
    postgres_url: str,
) -> None:
    upgrade(SERVICE.migrations, postgres_url)
    notify = bootstrap(notify_settings(database_url=postgres_url))
    approved = registry.MembershipApproved(person_id="p1", occurred_at=datetime.now(UTC))
    handling: Any
    try:
        with ThreadPoolExecutor(1) as other_worker:
            with notify.engine.begin() as joining:  # PersonJoined's transaction, midway
                people = People(joining)
                people.lock("p1")
                recipient = people.remember_person(MARIA, Addresses(), "r-maria")
                assert people.take_parked("p1") == []  # nothing waits for her yet
                handling = other_worker.submit(notify.bus.handle, approved, delivered(approved))
                wait_until(lambda: _waiting_for_a_lock(notify.engine), 20, message="held back")
                assert not handling.done()
            handling.result(timeout=30)  # she is known now: delivered, not parked

        with acting_as(Principal(subject="p1", roles=frozenset({"member"}))):
            page = notify.bus.handle(ListNotifications(recipient_id=recipient))
        assert [n.title for n in page.notifications] == [WELCOME]
        with notify.engine.connect() as connection:
            parked = select(func.count()).select_from(awaiting_person)
            assert connection.execute(parked).scalar_one() == 0
    finally:
        notify.close()
