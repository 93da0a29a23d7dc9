"""Wiring of alerts. Its domain arrives with its own issue; until then the service migrates,
serves gRPC health and reflection under its own name, and runs a worker that relays its outbox.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from ecbm_runtime.service import ApiWiring, ServiceDefinition, skeleton_api
from ecbm_runtime.settings import ServiceSettings


class AlertsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ECBM_ALERTS_", extra="ignore")
    service_name: str = "alerts"


def build_api(settings: ServiceSettings) -> ApiWiring:
    from ecbm.alerts.v1 import alerts_pb2, alerts_pb2_grpc

    full_name = alerts_pb2.DESCRIPTOR.services_by_name["AlertsService"].full_name
    return skeleton_api(
        settings,
        alerts_pb2_grpc.add_AlertsServiceServicer_to_server,
        alerts_pb2_grpc.AlertsServiceServicer(),
        full_name,
    )


def worker_class() -> type:
    from ecbm_alerts.entrypoints.worker import AlertsWorker

    return AlertsWorker


SERVICE = ServiceDefinition(
    name="alerts",
    grpc_port=50055,
    metrics_port=9105,
    worker_metrics_port=9205,
    settings_class=AlertsSettings,
    migrations=Path(__file__).parent / "migrations",
    build_api=build_api,
    worker_class=worker_class,
)
