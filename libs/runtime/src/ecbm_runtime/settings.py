"""Settings shared by every service; each service subclasses with its own env prefix."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, cast

from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
    SettingsConfigDict,
)

from ecbm_runtime.amqp import AmqpTls

DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672//"
# Development signing key: `ecbm token` signs with it; production refuses to start with it.
DEVELOPMENT_JWT_SECRET = "ecbm-development-key-not-for-production-use-0000"
# RFC 7518 §3.2: an HS256 key at least as long as the hash output.
MIN_HMAC_KEY_BYTES = 32

Mode = Literal["development", "production"]
JwtAlgorithm = Literal["HS256", "RS256", "ES256"]


def var_dir() -> Path:
    """Where embedded databases live (``ECBM_VAR_DIR``, default ``./var``)."""
    return Path(os.environ.get("ECBM_VAR_DIR", "var")).resolve()


def secrets_dir() -> Path | None:
    """Where secret files live (``ECBM_SECRETS_DIR``: Docker ``/run/secrets``, a k8s volume)."""
    directory = os.environ.get("ECBM_SECRETS_DIR", "")
    return Path(directory) if directory else None


def _shared(name: str, default: str) -> str:
    return os.environ.get(f"ECBM_{name}", default)


def _shared_secret(name: str, default: str) -> SecretStr:
    """``ECBM_<NAME>``, else the file ``ecbm_<name>`` in the secrets directory, else ``default``."""
    value = os.environ.get(f"ECBM_{name}")
    directory = secrets_dir()
    if value is None and directory is not None and directory.is_dir():
        wanted = f"ecbm_{name}".lower()
        for path in directory.iterdir():
            if path.name.lower() == wanted and path.is_file():
                value = path.read_text().strip()
                break
    return SecretStr(default if value is None else value)


class UnsafeSettings(RuntimeError):
    """The settings are not fit for production: the process must not start."""


class ServiceSettings(BaseSettings):
    """Settings every api and worker process needs.

    Service-specific values come from ``ECBM_<SERVICE>_<FIELD>``; the few values all
    services share (mode, broker, token verification) fall back to ``ECBM_<FIELD>``.
    Secrets may instead be files named like the variable in ``ECBM_SECRETS_DIR``.
    """

    model_config = SettingsConfigDict(env_prefix="ECBM_SERVICE_", extra="ignore")

    # Production (the default) refuses to start with development keys; `ecbm up` and the
    # test fixtures set ECBM_MODE=development.
    mode: Mode = Field(
        default_factory=lambda: cast(Mode, _shared("MODE", "production")), validate_default=True
    )
    service_name: str = "service"
    database_url: str = ""
    amqp_url: str = Field(default_factory=lambda: _shared("AMQP_URL", DEFAULT_AMQP_URL))
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 0
    grpc_max_workers: int = 16
    # Explicit bounds on what one caller can make the api hold: the largest request message
    # (grpc's default too, stated so it is deliberate) and the calls queued or running at
    # once; beyond either the call ends RESOURCE_EXHAUSTED instead of eating memory.
    grpc_max_receive_bytes: int = 4 * 1024 * 1024
    grpc_max_concurrent_rpcs: int = 256
    # Multiplies every RPC's declared per-client rate limit (docs/roles.md); 0 turns them
    # off (benchmarks, a trusted network behind a gateway that limits).
    grpc_rate_limit_scale: float = Field(
        default_factory=lambda: float(_shared("GRPC_RATE_LIMIT_SCALE", "1"))
    )
    # TLS on the gRPC port (PEM files): with a certificate and key the port speaks only TLS;
    # with a client CA as well, callers must present a certificate it signed (mutual TLS).
    grpc_tls_cert_file: str = ""
    grpc_tls_key_file: str = ""
    grpc_tls_client_ca_file: str = ""
    # api processes serving the one gRPC port (SO_REUSEPORT), so one process's GIL is not
    # the ceiling; ECBM_API_PROCESSES for every service, ECBM_<SERVICE>_API_PROCESSES for one.
    api_processes: int = Field(
        default_factory=lambda: int(_shared("API_PROCESSES", "1")), ge=1, le=64
    )
    # Share of successful calls the access log writes (0..1); every failed call is logged.
    access_log_sample_rate: float = Field(
        default_factory=lambda: float(_shared("ACCESS_LOG_SAMPLE_RATE", "1.0")), ge=0, le=1
    )
    # TLS to the broker (ecbm_runtime.amqp): with an amqps:// URL the broker's certificate
    # is checked against this CA (PEM; empty: the system's CAs); a client certificate and
    # key are sent when set.
    amqp_ca_file: str = Field(default_factory=lambda: _shared("AMQP_CA_FILE", ""))
    amqp_cert_file: str = Field(default_factory=lambda: _shared("AMQP_CERT_FILE", ""))
    amqp_key_file: str = Field(default_factory=lambda: _shared("AMQP_KEY_FILE", ""))
    metrics_port: int = 0
    # Where /metrics listens; 0.0.0.0 in containers so Prometheus can scrape it.
    metrics_host: str = "127.0.0.1"
    worker_metrics_port: int = 0
    # Bearer tokens (docs/security.md): HS256 with jwt_secret, or RS256/ES256 with a JWKS.
    jwt_algorithm: JwtAlgorithm = Field(
        default_factory=lambda: cast(JwtAlgorithm, _shared("JWT_ALGORITHM", "HS256")),
        validate_default=True,
    )
    jwt_secret: SecretStr = Field(
        default_factory=lambda: _shared_secret("JWT_SECRET", DEVELOPMENT_JWT_SECRET)
    )
    jwt_jwks_file: str = Field(default_factory=lambda: _shared("JWT_JWKS_FILE", ""))
    jwt_jwks_url: str = Field(default_factory=lambda: _shared("JWT_JWKS_URL", ""))
    jwt_issuer: str = Field(default_factory=lambda: _shared("JWT_ISSUER", "ecbm"))
    # The `aud` a token must name to reach this service; empty: the service's name.
    jwt_audience: str = ""
    # A token's exp - iat may not exceed this (a stolen token is good for at most this long).
    jwt_max_lifetime_seconds: int = Field(
        default_factory=lambda: int(_shared("JWT_MAX_LIFETIME_SECONDS", str(8 * 3600))), gt=0
    )
    # Seal people's contact details on the bus (ecbm_runtime.sealing): Fernet keys,
    # comma-separated, newest first; the registry seals, notify opens; required by both in
    # production, shared by every service that holds them.
    contact_sealing_keys: SecretStr = Field(
        default_factory=lambda: _shared_secret("CONTACT_SEALING_KEYS", "")
    )
    log_level: str = Field(default_factory=lambda: _shared("LOG_LEVEL", "INFO"))
    # Rows younger than this are left to the api's fast path by the worker's sweep.
    outbox_sweep_grace_seconds: float = 2.0
    outbox_sweep_interval_seconds: float = 1.0
    # Published outbox rows are deleted after this long (kept a while to debug deliveries).
    outbox_retention_hours: float = 24.0
    outbox_purge_interval_seconds: float = 60.0
    # Refusals by the broker (not outages) before an outbox row is parked (ecbm outbox list).
    outbox_max_attempts: int = Field(default=5, ge=1)
    # Deliveries of one message before it is parked in the dead-letter queue.
    max_deliveries: int = 5
    # How long a parked message stays in the dead-letter queue before RabbitMQ drops it
    # (x-message-ttl): long enough to inspect and replay, bounded because a message may
    # hold a forgotten person's data. 0: kept until replayed or purged.
    dlq_ttl_hours: float = Field(
        default_factory=lambda: float(_shared("DLQ_TTL_HOURS", str(7 * 24))), ge=0
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Read secret files from ``ECBM_SECRETS_DIR`` as it is when the settings are built."""
        directory = secrets_dir()
        if directory is not None:
            file_secret_settings = SecretsSettingsSource(settings_cls, secrets_dir=directory)
        return init_settings, env_settings, dotenv_settings, file_secret_settings

    @property
    def development(self) -> bool:
        return self.mode == "development"

    def amqp_tls(self) -> AmqpTls:
        return AmqpTls(self.amqp_ca_file, self.amqp_cert_file, self.amqp_key_file)

    def audience(self) -> str:
        """The ``aud`` tokens for this service carry."""
        return self.jwt_audience or self.service_name

    def startup_problems(self) -> list[str]:
        """Why this process must not start; subclasses add their own secrets' checks."""
        problems = self.amqp_tls().problems(self.amqp_url)
        if bool(self.grpc_tls_cert_file) != bool(self.grpc_tls_key_file):
            problems.append("gRPC TLS needs both ECBM_GRPC_TLS_CERT_FILE and _KEY_FILE")
        if self.grpc_tls_client_ca_file and not self.grpc_tls_cert_file:
            problems.append("ECBM_GRPC_TLS_CLIENT_CA_FILE needs the server's certificate too")
        if self.jwt_algorithm != "HS256":
            if not (self.jwt_jwks_file or self.jwt_jwks_url):
                problems.append(f"{self.jwt_algorithm} needs ECBM_JWT_JWKS_FILE or _URL")
            if not self.development and self.jwt_jwks_url.startswith("http://"):
                problems.append("ECBM_JWT_JWKS_URL must be https:// in production")
            return problems
        if not self.development:
            problems += key_problems("ECBM_JWT_SECRET", self.jwt_secret, DEVELOPMENT_JWT_SECRET)
        return problems

    def effective_database_url(self) -> str:
        """The configured URL, or a SQLite file per service under ``var/``."""
        if self.database_url:
            return self.database_url
        directory = var_dir()
        directory.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{directory / (self.service_name + '.db')}"


def key_problems(name: str, key: SecretStr, development_key: str = "") -> list[str]:
    """What makes ``key`` unfit to sign with in production (empty, known, too short)."""
    value = key.get_secret_value().encode()
    if not value:
        return [f"{name} is empty"]
    if development_key and value == development_key.encode():
        return [f"{name} is the development key, which is published in the repository"]
    if len(value) < MIN_HMAC_KEY_BYTES:
        return [f"{name} is {len(value)} bytes; at least {MIN_HMAC_KEY_BYTES} are needed"]
    return []


def check_can_start(settings: ServiceSettings) -> None:
    """Raise `UnsafeSettings` listing every problem, so an operator fixes them in one go."""
    problems = settings.startup_problems()
    if problems:
        raise UnsafeSettings(
            f"refusing to start {settings.service_name} in {settings.mode} mode: "
            + "; ".join(problems)
            + " (see docs/security.md; ECBM_MODE=development only on a developer's machine)"
        )
