import warnings

# eventlet's import-time deprecation notice is not a JSON log line; nameko 3 needs eventlet.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
import eventlet

eventlet.monkey_patch()  # before anything else imports socket, threading or ssl

# ruff: noqa: E402
"""A service's worker process: ``python -m ecbm_runtime.worker_main <service>``.

Migrates the database, serves ``/metrics`` and ``/healthz``, runs the nameko service and
stops cleanly on SIGTERM/SIGINT, or once the ``ecbm up`` that started it is gone.
``<service>`` is an installed service's name, or ``module:ATTRIBUTE`` naming a
ServiceDefinition (tests, out-of-tree services).
"""

import importlib
import logging
import signal
import sys
from collections.abc import Callable, Iterable
from typing import Any

from eventlet import wsgi
from nameko import config
from nameko.runners import ServiceRunner
from prometheus_client import make_wsgi_app
from sqlalchemy import Engine, text

from ecbm_runtime.db import make_engine
from ecbm_runtime.lifeline import watch_supervisor
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.observability import configure_logging
from ecbm_runtime.service import ServiceDefinition, load_service
from ecbm_runtime.settings import ServiceSettings, UnsafeSettings, check_can_start
from ecbm_runtime.worker import nameko_config

_log = logging.getLogger("ecbm_runtime.worker")

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def resolve(name: str) -> ServiceDefinition:
    """An installed service by name, or ``module:ATTRIBUTE``."""
    if ":" not in name:
        return load_service(name)
    module, attribute = name.split(":", 1)
    definition = getattr(importlib.import_module(module), attribute)
    if not isinstance(definition, ServiceDefinition):
        raise SystemExit(f"{name} is not a ServiceDefinition")
    return definition


def health_app(runner: ServiceRunner, engine: Engine, started: list[bool]) -> WsgiApp:
    """``/healthz``: 200 once every consumer is up, while it runs and the database answers.

    ``started`` turns true only after ``runner.start()`` returned: nameko marks a container
    started before its consumers have declared their queues, and an event published in that
    gap would reach no queue of this service.
    """
    metrics_app = make_wsgi_app()

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/healthz":
            return metrics_app(environ, start_response)  # type: ignore[no-any-return]
        healthy = bool(started) and _containers_running(runner) and _database_answers(engine)
        status = "200 OK" if healthy else "503 Service Unavailable"
        start_response(status, [("Content-Type", "text/plain")])
        return [b"ok\n" if healthy else b"unhealthy\n"]

    return app


def _containers_running(runner: ServiceRunner) -> bool:
    return all(c.started and not c._died.ready() for c in runner.containers)


def _database_answers(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        _log.warning("health check: database does not answer", exc_info=True)
        return False


def serve_metrics(app: WsgiApp, port: int, host: str) -> int:
    """Serve ``app`` from a green thread; returns the bound port (0: any free one)."""
    listener = eventlet.listen((host, port))
    eventlet.spawn_n(wsgi.server, listener, app, log_output=False)
    return int(listener.getsockname()[1])


def start(definition: ServiceDefinition) -> tuple[ServiceRunner, ServiceSettings]:
    """Everything before serving: settings, logs, schema, nameko config, the runner.

    Raises `UnsafeSettings` when the settings are not fit for the mode (production).
    """
    settings = definition.load_settings()
    configure_logging(definition.name, "worker", settings.log_level)
    check_can_start(settings)
    watch_supervisor()
    upgrade(definition.migrations, settings.effective_database_url())
    config.setup(nameko_config(settings))
    runner = ServiceRunner()
    runner.add_service(definition.worker_class())
    return runner, settings


def stop_on_signals(runner: ServiceRunner) -> None:
    """Stop gracefully on the first SIGTERM/SIGINT; nameko cannot stop twice."""
    stopping: list[int] = []

    def handle(signum: int, _frame: Any) -> None:
        if not stopping:
            stopping.append(signum)
            # Signal handlers run in the hub's main loop and cannot block.
            eventlet.spawn_n(runner.stop)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handle)


def run(name: str) -> int:
    definition = resolve(name)
    try:
        runner, settings = start(definition)
    except UnsafeSettings as error:
        _log.critical("%s", error)
        return 78  # EX_CONFIG
    engine = make_engine(settings.effective_database_url(), pool_size=1)
    started: list[bool] = []
    app = health_app(runner, engine, started)
    port = serve_metrics(app, settings.worker_metrics_port, settings.metrics_host)
    _log.info("worker metrics at http://127.0.0.1:%d/metrics", port)
    stop_on_signals(runner)
    runner.start()
    started.append(True)
    _log.info("worker %s started", definition.name)
    runner.wait()
    engine.dispose()
    _log.info("worker %s stopped", definition.name)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit("usage: python -m ecbm_runtime.worker_main <service | module:ATTRIBUTE>")
    return run(args[0])


if __name__ == "__main__":
    sys.exit(main())
