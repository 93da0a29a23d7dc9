"""The api process of a service: ``python -m ecbm_runtime.api_main <service>``.

Migrates, builds the service's servicers through its ServiceDefinition, serves gRPC
(health, reflection, interceptors) and Prometheus metrics until SIGTERM or SIGINT, or
until the ``ecbm up`` that started it is gone.
"""

from __future__ import annotations

import logging
import sys

from ecbm_runtime.grpc import create_server_for, serve_forever
from ecbm_runtime.lifeline import watch_supervisor
from ecbm_runtime.metrics import start_metrics_server
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.observability import configure_logging
from ecbm_runtime.service import load_service
from ecbm_runtime.settings import UnsafeSettings, check_can_start

_log = logging.getLogger("ecbm_runtime.api")


def run(name: str) -> int:
    definition = load_service(name)
    settings = definition.load_settings()
    configure_logging(name, "api", settings.log_level)
    try:
        check_can_start(settings)
    except UnsafeSettings as error:
        _log.critical("%s", error)
        return 78  # EX_CONFIG
    watch_supervisor()
    upgrade(definition.migrations, settings.effective_database_url())
    wiring = definition.build_api(settings)
    server, port = create_server_for(settings, wiring)
    metrics_port = start_metrics_server(settings.metrics_port, settings.metrics_host)
    _log.info(
        "%s api serving gRPC on %s:%d; metrics at http://127.0.0.1:%d/metrics",
        name,
        settings.grpc_host,
        port,
        metrics_port,
        extra={"grpc_port": port, "metrics_port": metrics_port},
    )
    try:
        serve_forever(server)
    finally:
        wiring.on_stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m ecbm_runtime.api_main <service>\n")
        return 2
    return run(args[0])


if __name__ == "__main__":
    raise SystemExit(main())
