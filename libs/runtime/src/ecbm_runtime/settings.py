"""Settings shared by every service; each service subclasses with its own env prefix."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672//"
# Development signing key: `ecbm token` signs with it; production sets ECBM_JWT_SECRET.
DEVELOPMENT_JWT_SECRET = "ecbm-development-key-not-for-production-use-0000"


def var_dir() -> Path:
    """Where embedded databases live (``ECBM_VAR_DIR``, default ``./var``)."""
    return Path(os.environ.get("ECBM_VAR_DIR", "var")).resolve()


def _shared(name: str, default: str) -> str:
    return os.environ.get(f"ECBM_{name}", default)


class ServiceSettings(BaseSettings):
    """Settings every api and worker process needs.

    Service-specific values come from ``ECBM_<SERVICE>_<FIELD>``; the few values all
    services share (broker, signing key) fall back to ``ECBM_<FIELD>``.
    """

    model_config = SettingsConfigDict(env_prefix="ECBM_SERVICE_", extra="ignore")

    service_name: str = "service"
    database_url: str = ""
    amqp_url: str = Field(default_factory=lambda: _shared("AMQP_URL", DEFAULT_AMQP_URL))
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 0
    grpc_max_workers: int = 16
    metrics_port: int = 0
    # Where /metrics listens; 0.0.0.0 in containers so Prometheus can scrape it.
    metrics_host: str = "127.0.0.1"
    worker_metrics_port: int = 0
    jwt_secret: str = Field(default_factory=lambda: _shared("JWT_SECRET", DEVELOPMENT_JWT_SECRET))
    jwt_algorithm: str = "HS256"
    jwt_issuer: str = "ecbm"
    log_level: str = Field(default_factory=lambda: _shared("LOG_LEVEL", "INFO"))
    # Rows younger than this are left to the api's fast path by the worker's sweep.
    outbox_sweep_grace_seconds: float = 2.0
    outbox_sweep_interval_seconds: float = 1.0
    # Published outbox rows are deleted after this long (kept a while to debug deliveries).
    outbox_retention_hours: float = 24.0
    outbox_purge_interval_seconds: float = 60.0
    # Deliveries of one message before it is parked in the dead-letter queue.
    max_deliveries: int = 5

    def effective_database_url(self) -> str:
        """The configured URL, or a SQLite file per service under ``var/``."""
        if self.database_url:
            return self.database_url
        directory = var_dir()
        directory.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{directory / (self.service_name + '.db')}"
