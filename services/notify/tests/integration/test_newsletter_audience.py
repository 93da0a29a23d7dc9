"""The audience the database expands is exactly the one the domain's filter admits, for
any filter (hypothesis), on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, insert, select

from ecbm_notify.adapters.newsletter.projections import joined
from ecbm_notify.adapters.newsletter.sends import NewsletterSends
from ecbm_notify.adapters.newsletter.tables import (
    newsletter_sends as sends,
)
from ecbm_notify.adapters.newsletter.tables import (
    newsletter_subscribers,
)
from ecbm_notify.adapters.read_models import recipients
from ecbm_notify.bootstrap import SERVICE
from ecbm_notify.domain.campaign import Audience
from ecbm_runtime.db import make_engine
from ecbm_runtime.migrations import upgrade

COUNTRIES = ["BE", "NL", "DE"]
ROLES = ["practitioner", "researcher", "student"]
TOPICS = ["research", "policy"]
MEMBERS = [
    (f"m{n}", country, roles, consent)
    for n, (country, roles, consent) in enumerate(
        itertools.product(
            COUNTRIES, [(), ("researcher",), ("practitioner", "student")], [True, False]
        )
    )
]
SUBSCRIBERS = [
    (f"s{n}", country, topics, state)
    for n, (country, topics, state) in enumerate(
        itertools.product(
            [*COUNTRIES, None],
            [(), ("research",), ("research", "policy")],
            ["confirmed", "pending"],
        )
    )
]


@pytest.fixture
def population(database_url: str) -> Iterator[Engine]:
    upgrade(SERVICE.migrations, database_url)
    engine = make_engine(database_url)
    with engine.begin() as connection:
        for recipient_id, country, roles, consent in MEMBERS:
            connection.execute(
                insert(recipients).values(
                    id=recipient_id,
                    email=f"{recipient_id}@example.org",
                    display_name=recipient_id,
                    person_id=f"p-{recipient_id}",
                    preferred_language="en",
                    contact_by_email=consent,
                )
            )
            NewsletterSends(connection).remember_member(f"p-{recipient_id}", country, roles)
        for subscriber_id, where, topics, state in SUBSCRIBERS:
            connection.execute(
                insert(newsletter_subscribers).values(
                    id=subscriber_id,
                    email=f"{subscriber_id}@example.org",
                    display_name="",
                    language="en",
                    country=where,
                    topics=joined(topics),
                    state=state,
                    create_time=_now(),
                    update_time=_now(),
                )
            )
    yield engine
    engine.dispose()


def _now() -> datetime:
    return datetime.now(UTC)


def expected(audience: Audience) -> set[str]:
    members = {
        recipient_id
        for recipient_id, country, roles, consent in MEMBERS
        if consent and audience.admits_member(country, roles)
    }
    subscribers = {
        subscriber_id
        for subscriber_id, country, topics, state in SUBSCRIBERS
        if state == "confirmed" and audience.admits_subscriber(country, topics)
    }
    return members | subscribers


audiences = st.builds(
    Audience,
    countries=st.lists(st.sampled_from(COUNTRIES), max_size=2, unique=True).map(tuple),
    roles=st.lists(st.sampled_from(ROLES), max_size=2, unique=True).map(tuple),
    topics=st.lists(st.sampled_from(TOPICS), max_size=2, unique=True).map(tuple),
    include_members=st.booleans(),
    include_subscribers=st.booleans(),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(audience=audiences)
def test_the_expanded_audience_is_the_domain_filter(population: Engine, audience: Audience) -> None:
    with population.begin() as connection:
        size = NewsletterSends(connection).expand_audience("c", audience)
        again = NewsletterSends(connection).expand_audience("c", audience)  # idempotent
        found = set(connection.execute(select(sends.c.recipient_id)).scalars())
        connection.execute(delete(sends))
    assert found == expected(audience)
    assert size == again == len(found)
