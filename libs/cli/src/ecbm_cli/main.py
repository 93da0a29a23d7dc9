"""The ``ecbm`` command: run, migrate, seed, replay, benchmark and operate the platform.

Services add their own commands as ``ecbm <service> ...``: a typer app registered under the
``ecbm.cli`` entry-point group. This package imports no service's modules.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated, Any

import typer

from ecbm_cli.bench import suite_names
from ecbm_cli.new_service import new_service
from ecbm_runtime.service import ServiceDefinition, load_service, load_services

app = typer.Typer(help=__doc__, no_args_is_help=True, add_completion=False)
dlq_app = typer.Typer(help="Inspect and replay dead-lettered messages.", no_args_is_help=True)
app.add_typer(dlq_app, name="dlq")
outbox_app = typer.Typer(
    help="Inspect and release outbox rows the broker kept refusing.", no_args_is_help=True
)
app.add_typer(outbox_app, name="outbox")
app.command("new-service")(new_service)

ServiceArg = Annotated[
    str, typer.Argument(help="registry, matching, events, quality, alerts or notify")
]


def _selected(service: str | None) -> list[ServiceDefinition]:
    return [load_service(service)] if service else list(load_services().values())


@app.command()
def up(
    demo: Annotated[
        bool, typer.Option(help="Load demo data through the APIs once they serve.")
    ] = False,
    only: Annotated[list[str] | None, typer.Option(help="Start only these services.")] = None,
    mail_sink: Annotated[
        bool, typer.Option(help="Run a local SMTP server for notify; mail lands in var/mail.")
    ] = True,
) -> None:
    """Start every service's api and worker (SQLite under var/, local RabbitMQ) until Ctrl-C.

    Runs in development mode (development keys accepted) unless ECBM_MODE says otherwise.
    """
    from ecbm_cli.supervisor import Supervisor

    os.environ.setdefault("ECBM_MODE", "development")  # read by this process and its children
    from ecbm_runtime.migrations import upgrade

    services = [load_service(name) for name in only] if only else list(load_services().values())
    for definition in services:
        upgrade(definition.migrations, definition.load_settings().effective_database_url())
        _declare_queues(definition)
    supervisor = Supervisor()
    if mail_sink and any(definition.name == "notify" for definition in services):
        _start_mail_sink(supervisor, load_service("notify").load_settings())
    supervisor.start(services)
    for definition in services:
        settings = definition.load_settings()
        supervisor.say(
            f"{definition.name:<9} gRPC {settings.grpc_host}:{settings.grpc_port}   "
            f"metrics api http://127.0.0.1:{settings.metrics_port}/metrics   "
            f"worker http://127.0.0.1:{settings.worker_metrics_port}/metrics"
        )
    if demo:
        # Every worker's queues must exist before the first event, or it never sees it.
        for definition in services:
            _wait_worker_healthy(definition.load_settings().worker_metrics_port, timeout=90)
        _seed_when_ready(services, supervisor.say)
    raise typer.Exit(supervisor.wait())


def _start_mail_sink(supervisor: Any, settings: Any) -> None:
    """notify's SMTP settings point at 127.0.0.1:8025 by default: serve that, if free."""
    import socket

    from ecbm_runtime.settings import var_dir

    host, port = str(settings.smtp_host), int(settings.smtp_port)
    with socket.socket() as probe:
        if host not in ("127.0.0.1", "localhost") or probe.connect_ex((host, port)) == 0:
            supervisor.say(f"mail: notify sends to {host}:{port} (not starting a local sink)")
            return
    directory = var_dir() / "mail"
    supervisor.run("mail-sink", [
        sys.executable, "-m", "ecbm_notify.adapters.smtp_sink",
        "--host", host, "--port", str(port), "--directory", str(directory),
    ])  # fmt: skip
    supervisor.say(f"mail: notify's e-mails land in {directory}/*.eml (SMTP {host}:{port})")


def _seed_when_ready(services: list[ServiceDefinition], say: Callable[[str], object]) -> None:
    from ecbm_runtime.service import in_seed_order

    for definition in in_seed_order(services):
        if definition.seed_demo is None:
            continue
        target = _target(definition)
        _wait_serving(target, timeout=60)
        say(f"seeding {definition.name} demo data through {target} ...")
        definition.seed_demo(target, _admin_token())
        say(f"{definition.name} demo data loaded")


def _target(definition: ServiceDefinition) -> str:
    settings = definition.load_settings()
    return f"{settings.grpc_host}:{settings.grpc_port}"


def _wait_serving(target: str, timeout: float) -> None:
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            try:
                status = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=1).status
                if status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.2)
    raise typer.BadParameter(f"{target} did not become SERVING within {timeout:.0f}s")


def _wait_worker_healthy(port: int, timeout: float) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise typer.BadParameter(f"the worker with metrics on port {port} did not become healthy")


def _admin_token() -> str:
    return _development_token("ecbm-seed", ["admin"], 3600)


def _development_token(
    subject: str,
    roles: list[str],
    ttl: int,
    email: str | None = None,
    services: list[str] | None = None,
) -> str:
    """A token signed with the shared key, for the named services (default: every one).

    Only in development mode: in production tokens come from the identity provider, and a
    command that signs admin tokens with the production key is a key leak waiting to happen.
    """
    from ecbm_runtime.auth import issue_token

    selected = [load_service(name) for name in services] if services else _selected(None)
    settings = [definition.load_settings() for definition in selected]
    first = settings[0]
    if not all(s.development for s in settings):
        raise typer.BadParameter(
            "tokens are minted only in development mode (ECBM_MODE=development); "
            "in production use a token from the identity provider"
        )
    if first.jwt_algorithm != "HS256":
        raise typer.BadParameter(f"{first.jwt_algorithm} tokens need the provider's private key")
    if ttl > first.jwt_max_lifetime_seconds:
        raise typer.BadParameter(f"--ttl may not exceed {first.jwt_max_lifetime_seconds}s")
    return issue_token(
        first.jwt_secret.get_secret_value(),
        first.jwt_algorithm,
        first.jwt_issuer,
        subject,
        roles,
        ttl,
        email=email,
        audience=sorted({s.audience() for s in settings}),
    )


@app.command()
def run(service: ServiceArg, process: Annotated[str, typer.Argument(help="api or worker")]) -> None:
    """Run one process of one service in the foreground."""
    if process not in ("api", "worker"):
        raise typer.BadParameter("process must be 'api' or 'worker'")
    load_service(service)  # fail early on an unknown name
    module = "ecbm_runtime.api_main" if process == "api" else "ecbm_runtime.worker_main"
    # exec: the worker must monkey-patch with eventlet before anything else is imported.
    os.execv(sys.executable, [sys.executable, "-m", module, service])


@app.command()
def migrate(
    service: Annotated[str | None, typer.Argument()] = None,
    bus: Annotated[bool, typer.Option(help="Also declare the workers' queues on RabbitMQ.")] = True,
) -> None:
    """Bring one service's database (or every one) to the newest schema, and its queues."""
    from ecbm_runtime.migrations import upgrade

    for definition in _selected(service):
        url = definition.load_settings().effective_database_url()
        upgrade(definition.migrations, url)
        typer.echo(f"{definition.name}: migrated {_redacted(url)}")
        if bus:
            typer.echo(f"{definition.name}: {len(_declare_queues(definition))} queue(s) declared")


def _declare_queues(definition: ServiceDefinition) -> list[str]:
    """Queues exist before any service publishes, so no event waits for a consumer's first start."""
    from ecbm_runtime.worker import declare_queues

    settings = definition.load_settings()
    return declare_queues(
        definition.worker_class(), settings.amqp_url, settings.max_deliveries,
        settings.dlq_ttl_hours, settings.amqp_tls(),
    )  # fmt: skip


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@app.command()
def seed(demo: Annotated[bool, typer.Option(help="Load the demo network.")] = False) -> None:
    """Load demo data through the running services' gRPC APIs (never into tables)."""
    if not demo:
        raise typer.BadParameter("only --demo data exists; pass --demo")
    _seed_when_ready(list(load_services().values()), typer.echo)


@app.command()
def token(
    role: Annotated[list[str], typer.Option(help="admin, editor, auditor, member or integrator")],
    sub: Annotated[str, typer.Option(help="The subject (person or client id).")] = "developer",
    email: Annotated[str | None, typer.Option()] = None,
    ttl: Annotated[int, typer.Option(help="Lifetime in seconds.")] = 8 * 3600,
    service: Annotated[
        list[str] | None, typer.Option(help="Audience: these services (default: every one).")
    ] = None,
) -> None:
    """Print a development JWT (development mode only) for the given services' audiences."""
    from ecbm_runtime.auth import allow

    allow(*role)  # rejects unknown role names
    typer.echo(_development_token(sub, role, ttl, email=email, services=service))


@app.command()
def replay(service: ServiceArg) -> None:
    """Rebuild a service's read models by replaying its event store."""
    definition = load_service(service)
    if definition.replay is None:
        raise typer.BadParameter(f"{service} keeps no projections to replay")
    count = definition.replay(definition.load_settings())
    typer.echo(f"{service}: replayed {count} events")


@app.command("broker-definitions")
def broker_definitions(
    secrets_dir: Annotated[
        Path, typer.Option(help="Holds <service>_amqp_url per service (user and password).")
    ] = Path("deploy/secrets"),
) -> None:
    """Print RabbitMQ definitions: one user per service, publishing only to its exchange.

    Each service's URL file (``amqp://registry:PASSWORD@rabbitmq:5672/%2F``) is also its own
    ``ECBM_<SERVICE>_AMQP_URL`` secret; the broker loads the output at boot
    (docs/security.md). Passwords appear only as RabbitMQ's salted hashes.
    """
    import json
    from urllib.parse import unquote, urlsplit

    from ecbm_runtime.broker_users import definitions

    passwords, users, vhosts = {}, {}, set()
    for name in load_services():
        url = urlsplit((secrets_dir / f"{name}_amqp_url").read_text().strip())
        users[name], passwords[name] = unquote(url.username or name), unquote(url.password or "")
        if not passwords[name]:
            raise typer.BadParameter(f"{name}_amqp_url has no password")
        vhosts.add(unquote(url.path.removeprefix("/")) or "/")
    if len(vhosts) != 1:
        raise typer.BadParameter(f"every service must use one vhost, not {sorted(vhosts)}")
    document = definitions(list(users), passwords, vhosts.pop(), users)
    typer.echo(json.dumps(document, indent=2))


@dlq_app.command("list")
def dlq_list(service: ServiceArg, limit: int = 50) -> None:
    """Show what is parked in a service's dead-letter queue (nothing is removed)."""
    from ecbm_runtime.dlq import list_dead_letters

    settings = load_service(service).load_settings()
    letters = list_dead_letters(settings.amqp_url, service, limit=limit, tls=settings.amqp_tls())
    for letter in letters:
        typer.echo(str(letter))
    typer.echo(f"{len(letters)} dead-lettered message(s) in {service}.dlq")


@dlq_app.command("replay")
def dlq_replay(
    service: ServiceArg,
    event_id: Annotated[str | None, typer.Option(help="Only this event.")] = None,
    limit: Annotated[int | None, typer.Option()] = None,
) -> None:
    """Send dead-lettered messages back to where they were going."""
    from ecbm_runtime.dlq import replay_dead_letters

    settings = load_service(service).load_settings()
    count = replay_dead_letters(
        settings.amqp_url, service, limit=limit, event_id=event_id, tls=settings.amqp_tls()
    )
    typer.echo(f"replayed {count} message(s) from {service}.dlq")


@outbox_app.command("list")
def outbox_list(service: ServiceArg, limit: int = 100) -> None:
    """Show a service's parked outbox rows, why, and how many rows wait behind each."""
    from ecbm_runtime.outbox_parking import parked_rows

    with _service_engine(service) as engine:
        rows = parked_rows(engine, limit=limit)
    for row in rows:
        typer.echo(str(row))
    typer.echo(f"{len(rows)} parked outbox row(s) in {service}")


@outbox_app.command("retry")
def outbox_retry(
    service: ServiceArg,
    row_id: Annotated[
        list[int] | None, typer.Option("--id", help="Only this row (repeatable).")
    ] = None,
    all_rows: Annotated[bool, typer.Option("--all", help="Every parked row.")] = False,
) -> None:
    """Release parked rows: the worker's next sweep publishes them, then the rows behind."""
    from ecbm_runtime.outbox_parking import retry_parked

    if bool(row_id) == all_rows:
        raise typer.BadParameter("name rows with --id, or pass --all")
    with _service_engine(service) as engine:
        count = retry_parked(engine, None if all_rows else row_id)
    typer.echo(f"released {count} parked outbox row(s) of {service}")


@contextmanager
def _service_engine(service: str) -> Iterator[Any]:
    """An engine on ``service``'s database, from its settings (its database URL)."""
    from ecbm_runtime.db import make_engine

    settings = load_service(service).load_settings()
    engine = make_engine(settings.effective_database_url(), pool_size=1)
    try:
        yield engine
    finally:
        engine.dispose()


@app.command()
def bench(
    suite: Annotated[
        str,
        typer.Argument(help=f"One of: {', '.join(suite_names())}."),
    ],
    json_file: Annotated[
        Path | None,
        typer.Option("--json", help="Write the results here (default bench-results/SUITE.json)."),
    ] = None,
    quick: Annotated[
        bool, typer.Option("--quick", help="The suite's quick scale, where it has one.")
    ] = False,
) -> None:
    """Measure a suite against in-process baselines and write JSON results."""
    from ecbm_cli.bench import run_suite

    os.environ.setdefault("ECBM_MODE", "development")  # the benches sign development tokens

    run_suite(suite, json_file or Path(f"bench-results/{suite}.json"), "quick" if quick else None)


# --- ecbm health: the containers' and probes' health check ---------------------------------


@app.command()
def health(
    service: ServiceArg,
    target: Annotated[
        str | None,
        typer.Option(
            help="host:port to ask (default: this host, the api's gRPC port or the "
            "worker's metrics port)."
        ),
    ] = None,
    worker: Annotated[
        bool, typer.Option("--worker", help="Check the worker's /healthz instead of the api.")
    ] = False,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for an answer.")] = 3.0,
) -> None:
    """Exit 0 when the process serves, 1 otherwise (not SERVING, unreachable or too slow).

    The api is asked through the gRPC health protocol (grpc.health.v1, the overall ""
    service), the worker through its /healthz; one attempt, no retries: the caller (Docker's
    HEALTHCHECK, a Kubernetes probe) counts failures itself.
    """
    settings = load_service(service).load_settings()
    port = settings.worker_metrics_port if worker else settings.grpc_port
    address = target or f"127.0.0.1:{port}"
    check, where = (_worker_problem, "worker") if worker else (_api_problem, "api")
    problem, where = check(address, timeout), f"{service} {where} at {address}"
    if problem:
        typer.echo(f"{where}: {problem}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{where}: SERVING")


def _api_problem(target: str, timeout: float) -> str | None:
    """What keeps the api at ``target`` from serving; ``None`` when it says SERVING."""
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    with grpc.insecure_channel(target) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=""), timeout=timeout
            )
        except grpc.RpcError as error:
            code = error.code()  # type: ignore[attr-defined]
            return f"{code.name if code else 'no answer'}: {error.details()}"  # type: ignore[attr-defined]
    if reply.status != health_pb2.HealthCheckResponse.SERVING:
        return str(health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status))
    return None


def _worker_problem(address: str, timeout: float) -> str | None:
    """What keeps the worker from being healthy; ``None`` when its /healthz answers 200."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://{address}/healthz", timeout=timeout) as reply:
            return None if reply.status == 200 else f"HTTP {reply.status}"
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except OSError as error:
        return f"unreachable ({error})"


def _mount_service_commands() -> None:
    for entry in entry_points(group="ecbm.cli"):
        commands = entry.load()
        if not isinstance(commands, typer.Typer):
            raise TypeError(f"entry point {entry.value} (ecbm.cli) is not a typer.Typer")
        app.add_typer(commands, name=entry.name)


_mount_service_commands()

if __name__ == "__main__":
    app()
