"""Wiring of quality. Its domain arrives with its own issue; until then the service migrates,
serves gRPC health and reflection under its own name, and runs a worker that relays its outbox.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from ecbm_runtime.service import ApiWiring, ServiceDefinition, skeleton_api
from ecbm_runtime.settings import ServiceSettings


class QualitySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ECBM_QUALITY_", extra="ignore")
    service_name: str = "quality"


def build_api(settings: ServiceSettings) -> ApiWiring:
    from ecbm.quality.v1 import quality_pb2, quality_pb2_grpc

    full_name = quality_pb2.DESCRIPTOR.services_by_name["QualityService"].full_name
    return skeleton_api(
        settings,
        quality_pb2_grpc.add_QualityServiceServicer_to_server,
        quality_pb2_grpc.QualityServiceServicer(),
        full_name,
    )


def worker_class() -> type:
    from ecbm_quality.entrypoints.worker import QualityWorker

    return QualityWorker


SERVICE = ServiceDefinition(
    name="quality",
    grpc_port=50054,
    metrics_port=9104,
    worker_metrics_port=9204,
    settings_class=QualitySettings,
    migrations=Path(__file__).parent / "migrations",
    build_api=build_api,
    worker_class=worker_class,
)
