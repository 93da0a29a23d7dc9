"""Two imports of the same keys at once (PostgreSQL): no row lost, none doubled, none half."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from sqlalchemy import Connection, func, select

from ecbm_registry.adapters.programmes.read_models import organisations, programmes
from ecbm_registry.adapters.views import RegistryViews
from ecbm_registry.application.imports.commands import ImportProgrammes, ProgrammeRowInput
from ecbm_registry.application.imports.handlers import ImportedBatch, Outcome, import_programmes
from ecbm_registry.bootstrap import SERVICE, Registry, bootstrap, load_settings
from ecbm_registry.entrypoints.demo import programme_rows
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.uow import SqlUnitOfWork


class MeetingUnitOfWork(SqlUnitOfWork[RegistryViews]):
    """Writes only once both imports have read what exists: both think every key is new."""

    def __init__(self, *args: object, barrier: threading.Barrier, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._barrier = barrier

    def flush(self) -> None:
        if not self._barrier.broken:
            with contextlib.suppress(threading.BrokenBarrierError):
                self._barrier.wait(timeout=5)
            self._barrier.abort()  # once: the retries need not meet
        super().flush()


@pytest.fixture
def registry(postgres_url: str) -> Iterator[Registry]:
    upgrade(SERVICE.migrations, postgres_url)
    app = bootstrap(load_settings(database_url=postgres_url))
    yield app
    app.engine.dispose()


def test_the_second_of_two_simultaneous_imports_finds_the_first_ones_rows(
    registry: Registry, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "ecbm_registry.application.imports.handlers")
    rows = tuple(ProgrammeRowInput(row=n, fields=f) for n, f in enumerate(programme_rows(40)))
    barrier = threading.Barrier(2)
    codec = registry.wiring.codec

    def views(connection: Connection) -> RegistryViews:
        return RegistryViews(connection, codec)

    deps = replace(
        registry.dependencies,
        units_of_work=lambda context, claim: MeetingUnitOfWork(
            registry.engine, registry.wiring, views, context, claim, barrier=barrier
        ),
    )

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: import_programmes(ImportProgrammes(rows=rows), deps),
                                range(2)))  # fmt: skip

    first, second = sorted(results, key=lambda r: r.outcomes[0].outcome != Outcome.CREATED)
    assert isinstance(first, ImportedBatch)
    assert {o.outcome for o in first.outcomes} == {Outcome.CREATED}
    assert {o.outcome for o in second.outcomes} == {Outcome.UNCHANGED}
    assert [o.programme_id for o in second.outcomes] == [o.programme_id for o in first.outcomes]
    with registry.engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(programmes)).scalar_one()
        organisation_count = connection.execute(
            select(func.count()).select_from(organisations)
        ).scalar_one()
    assert count == 40 and organisation_count == first.organisations_created
    assert "conflicted; rows one by one" in caplog.text  # the second batch's commit failed
