"""Newsletter subscriptions leave nothing readable once their address's owner is forgotten,
or once their confirmation link ran out unfollowed (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import MetaData, insert, select
from tests.fakes import member, verify_address

from ecbm_integration import registry
from ecbm_notify.adapters.newsletter.tables import newsletter_sends, newsletter_subscribers
from ecbm_notify.application.newsletter import commands
from ecbm_notify.bootstrap import NOTIFY, Notify
from ecbm_notify.domain.subscriber import Interests
from ecbm_runtime.projections import replay

MARIA = "maria.ionescu@example.org"
JAN = "jan.devries@example.org"


def subscribe(notify: Notify, email: str, name: str) -> str:
    notify.bus.handle(commands.Subscribe(email=email, interests=Interests(display_name=name)))
    with notify.engine.connect() as connection:
        query = select(newsletter_subscribers.c.id).where(newsletter_subscribers.c.email == email)
        return str(connection.execute(query).scalar_one())


def every_table_as_text(notify: Notify) -> str:
    tables = MetaData()
    tables.reflect(notify.engine)
    with notify.engine.connect() as connection:
        return "\n".join(
            f"{table.name}: {row!r}"
            for table in tables.sorted_tables
            for row in connection.execute(select(table)).all()
        ).lower()


def subscribers(notify: Notify) -> list[str]:
    with notify.engine.connect() as connection:
        query = select(newsletter_subscribers.c.email).order_by(newsletter_subscribers.c.email)
        return list(connection.execute(query).scalars())


def a_send(notify: Notify, subscriber_id: str) -> None:
    """A campaign's send row for the subscriber, as the sender leaves it."""
    with notify.engine.begin() as connection:
        connection.execute(
            insert(newsletter_sends).values(
                campaign_id="campaign-1", recipient_id=subscriber_id, status="sent"
            )
        )


def test_forgetting_a_member_erases_the_subscription_of_their_verified_address(
    registry_events: Any, notify: Notify
) -> None:
    registry_events.deliver(member("p1", MARIA, name="Maria Ionescu"))
    verify_address(notify, "p1")
    maria = subscribe(notify, MARIA, "Maria the Subscriber")
    a_send(notify, maria)
    subscribe(notify, JAN, "Jan de Vries")
    assert "maria the subscriber" in every_table_as_text(notify)  # the request, the row

    registry_events.deliver(registry.PersonForgotten(person_id="p1", occurred_at=datetime.now(UTC)))

    everything = every_table_as_text(notify)
    assert MARIA not in everything and "maria" not in everything, [
        line for line in everything.splitlines() if "maria" in line
    ]
    assert subscribers(notify) == [JAN]
    replay(
        notify.engine, notify.wiring, NOTIFY.read_model_tables
    )  # the redacted request stays away
    assert subscribers(notify) == [JAN] and "maria" not in every_table_as_text(notify)
    assert subscribe(notify, MARIA, "Maria again") != maria  # a new subscription, unlinked


def test_forgetting_someone_who_only_typed_an_address_leaves_its_owners_subscription(
    registry_events: Any, notify: Notify
) -> None:
    subscribe(notify, MARIA, "Maria Ionescu")
    registry_events.deliver(member("p-other", MARIA))  # never verified: not theirs

    registry_events.deliver(
        registry.PersonForgotten(person_id="p-other", occurred_at=datetime.now(UTC))
    )

    assert subscribers(notify) == [MARIA]


def test_a_subscription_whose_link_ran_out_unconfirmed_is_erased(notify: Notify) -> None:
    subscribe(notify, MARIA, "Maria Ionescu")
    subscribe(notify, JAN, "Jan de Vries")
    valid_for = notify.dependencies.newsletter.links.valid_for
    later = datetime.now(UTC) + valid_for + timedelta(days=2)
    with notify.engine.begin() as connection:  # Jan asked again since: his link still works
        connection.execute(
            newsletter_subscribers.update()
            .where(newsletter_subscribers.c.email == JAN)
            .values(update_time=later - timedelta(days=1))
        )

    erased = notify.bus.handle(commands.EraseUnconfirmedSubscriptions(now=later))

    assert erased == 1
    assert subscribers(notify) == [JAN]
    everything = every_table_as_text(notify)
    assert MARIA not in everything and "ionescu" not in everything
