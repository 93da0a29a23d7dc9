"""A servicer honours its caller's deadline: past it, nothing is committed.

A real gRPC server and client; the test holds the database's write lock so the command
waits past the caller's deadline, then lets it go. The command must roll back: a caller
that got DEADLINE_EXCEEDED and retries must not find the first attempt committed too.
"""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
from broker_helpers import Happened
from sqlalchemy import Connection, Engine, func, select, text

from ecbm_runtime import auth, errors
from ecbm_runtime.context import MessageContext
from ecbm_runtime.db import make_engine
from ecbm_runtime.eventstore import EventCodec
from ecbm_runtime.grpc import ServiceRegistration, create_server
from ecbm_runtime.settings import ServiceSettings
from ecbm_runtime.tables import outbox, store_metadata
from ecbm_runtime.testing import wait_until
from ecbm_runtime.uow import EventWiring, SqlUnitOfWork, no_views

SERVICE = "ecbm.test.v1.DeadlineService"


class Recorder:
    """``Record``: one outbox row in a unit of work (what a command handler writes)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.finished: list[str] = []  # how each handling ended, once it has

    def record(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        outcome = "raised"
        try:
            message_context = MessageContext.at_edge()
            wiring = EventWiring(EventCodec())
            with SqlUnitOfWork(self.engine, wiring, no_views, message_context) as uow:
                uow.publish(Happened("deadline", request.decode()))
                uow.commit()
            outcome = "committed"
            return b"ok"
        except errors.DeadlineExceeded:
            outcome = "deadline"
            raise
        finally:
            self.finished.append(outcome)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    store_metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def served(engine: Engine) -> Iterator[tuple[grpc.Channel, Recorder]]:
    recorder = Recorder(engine)
    handlers = grpc.method_handlers_generic_handler(
        SERVICE, {"Record": grpc.unary_unary_rpc_method_handler(recorder.record)}
    )
    registration = ServiceRegistration(
        lambda servicer, server: server.add_generic_rpc_handlers((handlers,)), None, SERVICE
    )
    server, port = create_server(
        ServiceSettings(service_name="test", grpc_port=0),
        registrations=[registration],
        access_policy={f"/{SERVICE}/Record": auth.PUBLIC},
        readiness_check=lambda: True,
    )
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield channel, recorder
    channel.close()
    server.stop(None).wait()


def rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(outbox)).scalar_one())


def hold_write_lock(connection: Connection) -> None:
    """Take what a unit of work needs to write, so it waits (SQLite: the database lock)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("LOCK TABLE outbox IN EXCLUSIVE MODE"))
    else:
        connection.execute(text("SELECT 1"))  # the engine's BEGIN IMMEDIATE took the lock


def test_a_command_still_waiting_when_its_deadline_passes_commits_nothing(
    engine: Engine, served: tuple[grpc.Channel, Recorder]
) -> None:
    channel, recorder = served
    record = channel.unary_unary(f"/{SERVICE}/Record")
    with engine.connect() as blocker, blocker.begin():
        hold_write_lock(blocker)
        with pytest.raises(grpc.RpcError) as raised:
            record(b"late", timeout=0.5)
        assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    wait_until(lambda: recorder.finished, 30, message="the late handling ended")

    assert recorder.finished == ["deadline"]
    assert rows(engine) == 0
    assert record(b"in time", timeout=30) == b"ok"
    assert rows(engine) == 1
