"""Wiring of events. Its domain arrives with its own issue; until then the service migrates,
serves gRPC health and reflection under its own name, and runs a worker that relays its outbox.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from ecbm_runtime.service import ApiWiring, ServiceDefinition, skeleton_api
from ecbm_runtime.settings import ServiceSettings


class EventsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ECBM_EVENTS_", extra="ignore")
    service_name: str = "events"


def build_api(settings: ServiceSettings) -> ApiWiring:
    from ecbm.events.v1 import events_pb2, events_pb2_grpc

    full_name = events_pb2.DESCRIPTOR.services_by_name["EventsService"].full_name
    return skeleton_api(
        settings,
        events_pb2_grpc.add_EventsServiceServicer_to_server,
        events_pb2_grpc.EventsServiceServicer(),
        full_name,
    )


def worker_class() -> type:
    from ecbm_events.entrypoints.worker import EventsWorker

    return EventsWorker


SERVICE = ServiceDefinition(
    name="events",
    grpc_port=50053,
    metrics_port=9103,
    worker_metrics_port=9203,
    settings_class=EventsSettings,
    migrations=Path(__file__).parent / "migrations",
    build_api=build_api,
    worker_class=worker_class,
)
