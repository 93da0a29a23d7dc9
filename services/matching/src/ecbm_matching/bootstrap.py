"""Wiring of matching. Its domain arrives with its own issue; until then the service migrates,
serves gRPC health and reflection under its own name, and runs a worker that relays its outbox.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from ecbm_runtime.service import ApiWiring, ServiceDefinition, skeleton_api
from ecbm_runtime.settings import ServiceSettings


class MatchingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ECBM_MATCHING_", extra="ignore")
    service_name: str = "matching"


def build_api(settings: ServiceSettings) -> ApiWiring:
    from ecbm.matching.v1 import matching_pb2, matching_pb2_grpc

    full_name = matching_pb2.DESCRIPTOR.services_by_name["MatchingService"].full_name
    return skeleton_api(
        settings,
        matching_pb2_grpc.add_MatchingServiceServicer_to_server,
        matching_pb2_grpc.MatchingServiceServicer(),
        full_name,
    )


def worker_class() -> type:
    from ecbm_matching.entrypoints.worker import MatchingWorker

    return MatchingWorker


SERVICE = ServiceDefinition(
    name="matching",
    grpc_port=50052,
    metrics_port=9102,
    worker_metrics_port=9202,
    settings_class=MatchingSettings,
    migrations=Path(__file__).parent / "migrations",
    build_api=build_api,
    worker_class=worker_class,
)
