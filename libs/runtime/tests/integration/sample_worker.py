"""A minimal service worker the runtime's integration tests run in a subprocess.

``python -m ecbm_runtime.worker_main sample_worker:SERVICE`` with ``SAMPLE_SERVICE`` (its
name), ``SAMPLE_SOURCE`` (the service whose events it consumes), ``SAMPLE_GATE_DIR`` (where a
blocking handler waits for a file) and settings from ``ECBM_SAMPLE_*``.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict
from pydantic_settings import SettingsConfigDict
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, insert

from ecbm_runtime.context import MessageContext
from ecbm_runtime.db import make_engine
from ecbm_runtime.eventstore import EventCodec
from ecbm_runtime.service import ServiceDefinition
from ecbm_runtime.settings import ServiceSettings
from ecbm_runtime.uow import EventWiring, SqlUnitOfWork, no_views

EVENT_TYPE = "SampleRecorded"

effects = Table(
    "effects",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("note", String(200), nullable=False),
    Column("event_id", String(64), nullable=False),
)


class SampleRecorded(BaseModel):
    """The one event the sample consumes; ``mode`` tells the handler how to behave."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    source: ClassVar[str] = os.environ.get("SAMPLE_SOURCE", "sample-source")
    schema_version: ClassVar[int] = 1

    note: str
    mode: Literal["ok", "fail", "block", "crash_after_commit"] = "ok"

    @classmethod
    def event_type(cls) -> str:
        return cls.__name__


class SampleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ECBM_SAMPLE_", extra="ignore")


class SampleApp:
    """What bootstrap returns: records one effect row per event in a unit of work."""

    def __init__(self, engine: Engine, gate_dir: Path) -> None:
        self.engine = engine
        self.gate_dir = gate_dir

    def record(self, event: SampleRecorded, context: MessageContext) -> None:
        delivery = context.delivery
        event_id = delivery.event_id if delivery else ""
        wiring = EventWiring(EventCodec())
        with SqlUnitOfWork(self.engine, wiring, no_views, context, delivery) as uow:
            uow.connection.execute(insert(effects).values(note=event.note, event_id=event_id))
            if event.mode == "fail":
                raise RuntimeError("the sample handler fails on purpose")
            if event.mode == "block":
                self._wait_for_gate(event.note)
            uow.commit()
        if event.mode == "crash_after_commit":
            self._crash_once(event.note)

    def _crash_once(self, note: str) -> None:
        """Die by SIGKILL after the commit and before nameko acks (first delivery only)."""
        marker = self.gate_dir / f"{note}.crashed"
        if not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)

    def _wait_for_gate(self, note: str) -> None:
        """Hold the transaction open until the test creates ``<note>.go``."""
        (self.gate_dir / f"{note}.started").touch()
        while not (self.gate_dir / f"{note}.go").exists():
            time.sleep(0.05)  # green under eventlet

    def close(self) -> None:
        self.engine.dispose()


def bootstrap(settings: ServiceSettings) -> SampleApp:
    engine = make_engine(settings.effective_database_url(), pool_size=2)
    return SampleApp(engine, Path(os.environ.get("SAMPLE_GATE_DIR", ".")))


def worker_class() -> type:
    from ecbm_runtime.worker import Received, ServiceBus, ServiceWorker, event_handler

    class SampleWorker(ServiceWorker):
        name = SERVICE.name
        app = ServiceBus(bootstrap)

        @event_handler(SampleRecorded.source, SampleRecorded)
        def on_sample_recorded(self, received: Received[SampleRecorded]) -> None:
            self.app.record(received.event, received.context)

    return SampleWorker


def _no_api(settings: ServiceSettings) -> Any:
    raise NotImplementedError("the sample service has no api process")


SERVICE = ServiceDefinition(
    name=os.environ.get("SAMPLE_SERVICE", "sample"),
    grpc_port=0,
    metrics_port=0,
    worker_metrics_port=0,
    settings_class=SampleSettings,
    migrations=Path(__file__).parent / "sample_migrations",
    build_api=_no_api,
    worker_class=worker_class,
)
