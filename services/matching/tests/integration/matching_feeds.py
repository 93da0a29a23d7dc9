"""What the tests feed matching: registry's events as the worker delivers them, callers."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from ecbm_integration import events, registry
from ecbm_matching.bootstrap import Matching
from ecbm_runtime.actor import Actor
from ecbm_runtime.context import MessageContext
from ecbm_runtime.inbox import Delivery
from ecbm_runtime.sealing import Contact, development_seal

NOW = datetime(2026, 12, 1, tzinfo=UTC)
ADMIN = Actor(subject="root", roles=frozenset({"admin"}))
_ids = itertools.count(1)


def member(person: str) -> Actor:
    return Actor(subject=person, roles=frozenset({"member"}))


def registered(app: Matching, event_id: str, *people: str) -> None:
    """Each of ``people`` confirmed on site for the Meet & Match ``event_id`` (events' event)."""
    for person in people:
        deliver(
            app,
            events.RegistrationConfirmed(
                registration_id=f"reg-{person}", event_id=event_id, person_id=person,
                kind="meet_and_match", title="Meet & Match Brussels", mode="on_site",
                starts_at=NOW, occurred_at=NOW,
            ),
        )  # fmt: skip


def deliver(app: Matching, event: object) -> None:
    """``event`` handled as the worker hands it over (a delivery the inbox claims)."""
    n = f"d{next(_ids)}"
    delivery = Delivery(handler=f"matching.{type(event).__name__}", event_id=n)
    app.bus.handle(event, MessageContext(correlation_id=n, causation_id=n, delivery=delivery))


def person(
    app: Matching,
    pid: str,
    country: str = "BE",
    language: str = "en",
    topics: dict[str, str] | None = None,
) -> None:
    deliver(
        app,
        registry.PersonJoined(
            person_id=pid,
            sealed_contact=development_seal().seal(
                pid, Contact(display_name=f"Person {pid}", email=f"{pid}@example.org")
            ),
            preferred_language=language,
            contact_by_email=True,
            country=country,
            roles=["practitioner"],
            occurred_at=NOW,
        ),
    )
    for topic, level in (topics or {}).items():
        deliver(
            app,
            registry.ExpertiseDeclared(
                person_id=pid,
                topic=topic,
                level=level,
                occurred_at=NOW,  # type: ignore[arg-type]
            ),
        )


def expert(app: Matching, pid: str, topic: str) -> None:
    person(app, pid, topics={topic: "expert"})
