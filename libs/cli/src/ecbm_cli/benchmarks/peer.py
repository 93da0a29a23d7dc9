"""The peer of the command phase: the ``eventsourcing`` library on its PostgreSQL recorder.

One ``Application`` (as one api process would hold) shared by the bench's threads, each
call saving one new aggregate: one event, in the library's own tables, with its own
commit-order lock. It writes no read model and no outbox and is called in process (no
gRPC hop), so the platform beating it means its design pays for what it does more.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from sqlalchemy.engine import make_url

from ecbm_runtime.bench.load import Call, CallerFactory


class PeerProgramme(Aggregate):
    """As much as a RegisterProgramme command carries."""

    @event("Registered")
    def __init__(
        self, organisation_id: str, display_name: str, description: str,
        languages: list[str], countries: list[str],
    ) -> None:  # fmt: skip
        self.organisation_id = organisation_id
        self.display_name = display_name
        self.description = description
        self.languages = languages
        self.countries = countries


class PeerApplication(Application[UUID]):
    name = "BenchPeer"


def peer_environment(database_url: str, pool_size: int) -> dict[str, str]:
    """The library's settings for the database at ``database_url`` (a SQLAlchemy URL)."""
    url = make_url(database_url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": url.database or "",
        "POSTGRES_HOST": url.host or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": url.username or "postgres",
        "POSTGRES_PASSWORD": url.password or "",
        "POSTGRES_POOL_SIZE": str(pool_size),
        "POSTGRES_MAX_OVERFLOW": "0",
        "CREATE_TABLE": "y",
    }


def peer_caller(application: PeerApplication, organisation_id: str) -> CallerFactory:
    """Save one new aggregate per call through the shared application."""

    def save() -> Any:
        programme = PeerProgramme(
            organisation_id,
            "Benchmark programme",
            "One new aggregate per call.",
            ["en", "fr"],
            ["BE", "NL"],
        )
        return application.save(programme)

    @contextmanager
    def open_caller() -> Iterator[Call]:
        yield save

    return open_caller


@contextmanager
def peer_application(database_url: str, pool_size: int) -> Iterator[PeerApplication]:
    application = PeerApplication(env=peer_environment(database_url, pool_size))
    try:
        yield application
    finally:
        application.close()
