"""``ecbm bench notify`` (the ``ecbm.benchmarks`` entry point): a newsletter to N recipients
against a bare smtplib loop, notify's peak memory while sending, and event → web inbox (SSE)
latency.

In one run, against one SMTP sink in its own process (aiosmtpd that counts and discards, so
the sink costs both sides alike and never competes for the measured client's GIL):

1. baseline: a bare ``smtplib`` loop sends N pre-rendered messages (rendered before the
   clock starts; recipients vary, bytes do not);
2. newsletter: N members seeded into notify's PostgreSQL database, notify's real api and
   worker running; an editor's ``SendCampaign`` → the worker's timer expands the audience,
   renders, sends through ``SmtpMailer`` and records every outcome → the campaign is SENT.
   messages/s = N / (last outcome written - SendCampaign answered); ratio = that / baseline.
   Peak RSS is the worker's ``VmHWM`` (/proc), read right after the campaign;
3. SSE: a browser's ``/inbox/events`` stream is open on an organisation contact's inbox; a
   ``ProgrammeRegistered`` is published to ``registry.events`` as the registry's outbox
   would, one at a time; latency = publish (confirmed) → the SSE ``notification`` event read.

``python -m ecbm_notify.entrypoints.bench sink PORT COUNT_FILE`` is the sink's process.
"""

from __future__ import annotations

import http.client
import smtplib
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import grpc
import psycopg

from ecbm.notify.v1 import newsletter_pb2 as pb
from ecbm.notify.v1 import newsletter_pb2_grpc
from ecbm_integration import registry
from ecbm_notify.adapters.newsletter.mail import CampaignMail, Links, render_campaign
from ecbm_notify.adapters.templates import TemplateRenderer
from ecbm_notify.domain.campaign import ContentBlock
from ecbm_runtime.auth import issue_token
from ecbm_runtime.bench import Target, figures_table, messaging
from ecbm_runtime.bench.environment import (
    Processes,
    child_env,
    databases,
    free_ports,
    libpq_url,
    private_vhost,
    say,
    service_env,
    wait_for,
    wait_grpc_serving,
    wait_http_ok,
)
from ecbm_runtime.bench.load import percentile
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.outbox import BrokerPublisher, OutboxMessage
from ecbm_runtime.service import load_service
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET

START_TIMEOUT_SECONDS = 90.0
CONTACT = "bench.contact@example.org"
MAIL_FROM = "notify@ecbm.local"
# Distinct pre-rendered messages the baseline cycles through (all N would not fit memory).
BASELINE_MESSAGES = 1000


@dataclass(frozen=True)
class Scale:
    name: str
    recipients: int
    sse_events: int
    sse_warmup: int
    campaign_timeout_seconds: float


SCALES = {
    "full": Scale(
        "full", recipients=100_000, sse_events=300, sse_warmup=20, campaign_timeout_seconds=3600.0
    ),
    "tiny": Scale(
        "tiny", recipients=200, sse_events=20, sse_warmup=2, campaign_timeout_seconds=120.0
    ),
}

# The speed targets of the notify issue.
TARGETS = {
    "messages_ratio": Target(">=", 0.5),
    "peak_rss_mb": Target("<", 250.0, "MB"),
    "sse_p95_ms": Target("<", 100.0, "ms"),
}


def headline(measured: dict[str, Any]) -> dict[str, float]:
    return {
        "messages_ratio": measured["newsletter"]["ratio"],
        "newsletter_per_second": measured["newsletter"]["per_second"],
        "smtplib_per_second": measured["baseline"]["per_second"],
        "peak_rss_mb": measured["newsletter"]["worker_peak_rss_mb"],
        "sse_p50_ms": measured["sse"]["p50_ms"],
        "sse_p95_ms": measured["sse"]["p95_ms"],
    }


def table(results: dict[str, Any]) -> str:
    newsletter, baseline, sse = results["newsletter"], results["baseline"], results["sse"]
    rows = [
        (
            "messages_ratio",
            results["messages_ratio"],
            f"campaign {newsletter['per_second']:,.0f}/s vs smtplib {baseline['per_second']:,.0f}/s"
            f" ({newsletter['recipients']:,} recipients)",
        ),
        ("peak_rss_mb", results["peak_rss_mb"], "notify worker VmHWM while sending"),
        ("sse_p50_ms", results["sse_p50_ms"], f"{sse['samples']} events"),
        ("sse_p95_ms", results["sse_p95_ms"], f"max {sse['max_ms']} ms"),
    ]
    return figures_table("notify", results, rows)


@dataclass
class Stack:
    processes: Processes
    url: str
    amqp_url: str
    ports: dict[str, int]
    count_file: Path
    worker_pid: int = 0

    @property
    def conninfo(self) -> str:
        return libpq_url(self.url)

    def target(self) -> str:
        return f"127.0.0.1:{self.ports['grpc']}"

    def sink_count(self) -> int:
        try:
            return int(self.count_file.read_text() or 0)
        except (OSError, ValueError):
            return 0


def run(scale: Scale) -> dict[str, Any]:
    """Every phase, with everything started torn down whatever happens."""
    with databases() as dbs, private_vhost() as (amqp_url, isolated):
        url = dbs.create("notify")
        names = ("smtp", "grpc", "http", "metrics", "worker_metrics")
        ports = dict(zip(names, free_ports(len(names)), strict=True))
        processes = Processes(child_env(amqp_url, notify_env(url, ports)))
        stack = Stack(processes, url, amqp_url, ports, processes.log_dir / "sink.count")
        ok = False
        try:
            results = measure(stack, scale)
            results["environment"] = {"amqp_private_vhost": isolated}
            ok = True
            return results
        finally:
            say("stopping processes, dropping the database")
            processes.finish(ok)


def notify_env(url: str, ports: dict[str, int]) -> dict[str, str]:
    prefix = "ECBM_NOTIFY_"
    return service_env("notify", url, ports["grpc"], ports["metrics"], ports["worker_metrics"]) | {
        prefix + "HTTP_PORT": str(ports["http"]),
        prefix + "SMTP_PORT": str(ports["smtp"]),
        prefix + "NEWSLETTER_SEND_INTERVAL_SECONDS": "0.2",
        prefix + "LIVE_POLL_INTERVAL_SECONDS": "0.01",
    }


def measure(stack: Stack, scale: Scale) -> dict[str, Any]:
    alive = stack.processes.check_alive
    upgrade(load_service("notify").migrations, stack.url)
    stack.processes.start(
        "sink",
        [
            "-m",
            "ecbm_notify.entrypoints.bench",
            "sink",
            str(stack.ports["smtp"]),
            str(stack.count_file),
        ],
    )
    wait_for(
        lambda: _smtp_answers(stack.ports["smtp"]), START_TIMEOUT_SECONDS, "SMTP sink", alive=alive
    )
    baseline = baseline_phase(stack, scale)
    seed_members(stack.conninfo, scale.recipients)
    start_notify(stack)
    newsletter = newsletter_phase(stack, scale, baseline["per_second"])
    sse = sse_phase(stack, scale)
    return {"baseline": baseline, "newsletter": newsletter, "sse": sse}


def _smtp_answers(port: int) -> bool:
    with smtplib.SMTP("127.0.0.1", port, timeout=2) as smtp:
        return smtp.noop()[0] == 250


def prerendered(count: int) -> list[bytes]:
    """Messages as the campaign renders them, flattened to SMTP's bytes beforehand."""
    renderer, blocks = TemplateRenderer(), campaign_blocks()
    mail = CampaignMail(
        render_campaign(renderer, "newsletter", "en", "Mentoring news", blocks),
        render_campaign(renderer, "newsletter", "en", "Mentoring news", blocks, recipient_name=""),
        "en",
        "baseline",
    )
    links = Links("https://ecbm.example", b"bench", timedelta(days=60))
    now = datetime.now(UTC)
    messages = []
    for n in range(count):
        message = mail.for_recipient(
            f"m{n}@example.org", f"Member {n}", links.unsubscribe_url(f"r{n}", now)
        )
        message["From"] = MAIL_FROM
        messages.append(message.as_bytes(policy=message.policy.clone(linesep="\r\n")))
    return messages


def campaign_blocks() -> list[Any]:
    return [
        ContentBlock(kind="heading", text="The summit in Ghent"),
        ContentBlock(kind="paragraph", text="Mentoring programmes from 27 countries meet. " * 8),
        ContentBlock(kind="link", text="Register", url="https://ecbm.example/summit"),
        ContentBlock(kind="paragraph", text="New research on matching mentors and mentees. " * 6),
    ]


def baseline_phase(stack: Stack, scale: Scale) -> dict[str, Any]:
    messages = prerendered(min(scale.recipients, BASELINE_MESSAGES))
    say(f"phase baseline: bare smtplib loop, {scale.recipients:,} pre-rendered messages")
    before = stack.sink_count()
    with smtplib.SMTP("127.0.0.1", stack.ports["smtp"], timeout=30) as smtp:
        started = time.perf_counter()
        for n in range(scale.recipients):
            smtp.sendmail(MAIL_FROM, [f"m{n}@example.org"], messages[n % len(messages)])
        elapsed = time.perf_counter() - started
    wait_for(
        lambda: stack.sink_count() - before >= scale.recipients,
        30,
        "baseline delivered",
        interval=0.2,
    )
    per_second = scale.recipients / elapsed
    say(f"  {per_second:,.0f} messages/s")
    return {
        "messages": scale.recipients,
        "seconds": round(elapsed, 3),
        "per_second": round(per_second, 1),
        "message_bytes": len(messages[0]),
    }


def seed_members(conninfo: str, count: int) -> None:
    """N registry people with e-mail consent, as notify's projection would have them."""
    say(f"seeding {count:,} members")
    with psycopg.connect(conninfo) as connection:
        with connection.cursor() as cursor:
            columns = "id, email, display_name, person_id, preferred_language, contact_by_email"
            with cursor.copy(f"COPY recipients ({columns}) FROM STDIN") as copy:
                for n in range(count):
                    copy.write_row(
                        (f"r{n:07d}", f"m{n}@example.org", f"Member {n}", f"p{n}", "en", True)
                    )
            with cursor.copy(
                "COPY newsletter_member_profiles (person_id, country, roles) FROM STDIN"
            ) as copy:
                for n in range(count):
                    copy.write_row((f"p{n}", "BE", ",practitioner,"))
        connection.execute("ANALYZE recipients")
        connection.execute("ANALYZE newsletter_member_profiles")


def start_notify(stack: Stack) -> None:
    say("starting notify api and worker (PostgreSQL)")
    processes, alive = stack.processes, stack.processes.check_alive
    processes.start("notify.api", ["-m", "ecbm_runtime.api_main", "notify"])
    worker = processes.start("notify.worker", ["-m", "ecbm_runtime.worker_main", "notify"])
    stack.worker_pid = worker.process.pid
    wait_grpc_serving(stack.target(), START_TIMEOUT_SECONDS, alive)
    wait_http_ok(
        f"http://127.0.0.1:{stack.ports['worker_metrics']}/healthz", START_TIMEOUT_SECONDS, alive
    )


def editor() -> tuple[tuple[str, str], ...]:
    token = issue_token(DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", "bench-editor", ["editor"], 3600)
    return (("authorization", f"Bearer {token}"),)


def newsletter_phase(stack: Stack, scale: Scale, baseline_per_second: float) -> dict[str, Any]:
    kinds = {"heading": 1, "paragraph": 2, "link": 3}
    draft = pb.Campaign(
        title="Benchmark",
        subject="Mentoring news",
        language="en",
        blocks=[
            pb.ContentBlock(kind=kinds[b.kind], text=b.text, url=b.url)  # type: ignore[arg-type]
            for b in campaign_blocks()
        ],
    )
    before = stack.sink_count()
    with grpc.insecure_channel(stack.target()) as channel:
        stub = newsletter_pb2_grpc.NewsletterServiceStub(channel)
        created = stub.CreateCampaign(pb.CreateCampaignRequest(campaign=draft), metadata=editor())
        say(f"phase newsletter: SendCampaign to {scale.recipients:,} members")
        stub.SendCampaign(pb.SendCampaignRequest(name=created.name), metadata=editor())
        started = datetime.now(UTC)
        clock = time.monotonic()

        def sent() -> pb.Campaign | None:
            campaign = stub.GetCampaign(pb.GetCampaignRequest(name=created.name), metadata=editor())
            return campaign if campaign.state == pb.CAMPAIGN_STATE_SENT else None

        done = wait_for(
            sent,
            scale.campaign_timeout_seconds,
            "campaign sent",
            interval=1.0,
            alive=stack.processes.check_alive,
        )
    peak_rss_mb = worker_peak_rss_mb(stack.worker_pid)
    finished = last_outcome(stack.conninfo, created.name.split("/")[1])
    seconds = (finished - started).total_seconds()
    counts = done.counts
    if counts.sent != scale.recipients or stack.sink_count() - before < scale.recipients:
        raise RuntimeError(
            f"campaign sent {counts.sent} (failed {counts.failed}), sink got "
            f"{stack.sink_count() - before}, expected {scale.recipients}"
        )
    per_second = counts.sent / seconds
    say(f"  {per_second:,.0f} messages/s, worker peak RSS {peak_rss_mb:.1f} MB")
    return {
        "recipients": scale.recipients,
        "sent": counts.sent,
        "failed": counts.failed,
        "seconds": round(seconds, 3),
        "observed_seconds": round(time.monotonic() - clock, 3),
        "per_second": round(per_second, 1),
        "ratio": round(per_second / baseline_per_second, 4),
        "worker_peak_rss_mb": round(peak_rss_mb, 1),
    }


def worker_peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM) since it started."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for pid {pid}")


def last_outcome(conninfo: str, campaign_id: str) -> datetime:
    with psycopg.connect(conninfo) as connection:
        row = connection.execute(
            "SELECT max(update_time) FROM newsletter_sends WHERE campaign_id = %s", (campaign_id,)
        ).fetchone()
    if row is None or row[0] is None:
        raise RuntimeError("no outcome recorded")
    moment: datetime = row[0]
    return moment


def publish(publisher: BrokerPublisher, event: Any) -> None:
    """As the registry's outbox does: JSON body, event id and source in the headers."""
    event_id = uuid.uuid4().hex
    row = {
        "exchange": f"{event.source}.events",
        "routing_key": event.event_type(),
        "body": event.model_dump_json(),
        "headers": {
            "event_id": event_id,
            "correlation_id": event_id,
            "causation_id": event_id,
            "schema_version": event.schema_version,
            "source": event.source,
        },
    }
    publisher.publish(OutboxMessage.of(0, row))


def sse_phase(stack: Stack, scale: Scale) -> dict[str, Any]:
    alive = stack.processes.check_alive
    for queue in (
        "evt-registry-OrganisationRegistered--notify.on_organisation_registered",
        "evt-registry-ProgrammeRegistered--notify.on_programme_registered",
    ):
        wait_for(
            partial(messaging.consumers_on, stack.amqp_url, queue),
            START_TIMEOUT_SECONDS,
            f"a consumer on {queue}",
            interval=0.1,
            alive=alive,
        )
    publisher = BrokerPublisher(stack.amqp_url)
    now = datetime.now(UTC)
    try:
        publish(
            publisher,
            registry.OrganisationRegistered(
                organisation_id="bench-org",
                display_name="Bench Lab",
                kind="MENTORING_ORGANISATION",
                country="BE",
                contact_name="Bench Contact",
                contact_email=CONTACT,
                occurred_at=now,
            ),
        )
        wait_for(
            lambda: _contact_known(stack.conninfo),
            START_TIMEOUT_SECONDS,
            "contact known",
            alive=alive,
        )
        # The contact's inbox by its id: an address grants no inbox (docs/notify-email.md).
        token = issue_token(
            DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", "bench-editor", ["editor"], 3600
        )
        total = scale.sse_warmup + scale.sse_events
        say(f"phase sse: {total} events one at a time ({scale.sse_warmup} warm-up)")
        with SseStream(stack.ports["http"], token, _contact_id(stack.conninfo)) as stream:
            stream.next_event("unread", timeout=10)
            samples = []
            for n in range(total):
                started = time.perf_counter()
                publish(
                    publisher,
                    registry.ProgrammeRegistered(
                        programme_id=f"bench-{n}",
                        organisation_id="bench-org",
                        display_name=f"Bench programme {n}",
                        countries=["BE"],
                        languages=["en"],
                        occurred_at=datetime.now(UTC),
                    ),
                )
                data = stream.next_event("notification", timeout=10)
                elapsed_ms = (time.perf_counter() - started) * 1000
                if f"Bench programme {n}" not in data:
                    raise RuntimeError(f"SSE brought {data[:200]!r}, not programme {n}")
                samples.append(elapsed_ms)
    finally:
        publisher.close()
    measured = samples[scale.sse_warmup :]
    return {
        "samples": len(measured),
        **{f"p{p}_ms": round(percentile(measured, p), 3) for p in (50, 95, 99)},
        "max_ms": round(max(measured), 3),
    }


def _contact_known(conninfo: str) -> bool:
    with psycopg.connect(conninfo) as connection:
        row = connection.execute(
            "SELECT 1 FROM organisation_contacts WHERE organisation_id = 'bench-org'"
        ).fetchone()
    return row is not None


def _contact_id(conninfo: str) -> str:
    with psycopg.connect(conninfo) as connection:
        row = connection.execute(
            "SELECT recipient_id FROM organisation_contacts WHERE organisation_id = 'bench-org'"
        ).fetchone()
    assert row is not None
    return str(row[0])


class SseStream:
    """A browser's EventSource, reduced to reading ``event:``/``data:`` lines."""

    def __init__(self, port: int, token: str, recipient_id: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        query = f"access_token={token}&recipient={recipient_id}"
        self.connection.request("GET", f"/inbox/events?{query}")
        self.response = self.connection.getresponse()
        if self.response.status != 200:
            raise RuntimeError(f"SSE answered {self.response.status}")

    def __enter__(self) -> SseStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.connection.close()

    def next_event(self, name: str, timeout: float) -> str:
        """The data of the next event called ``name`` (others are skipped)."""
        deadline = time.monotonic() + timeout
        event = ""
        while time.monotonic() < deadline:
            line = self.response.fp.readline().decode().rstrip("\r\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == name:
                return line[6:]
        raise TimeoutError(f"no SSE {name!r} within {timeout}s")


def serve_sink(port: int, count_file: Path) -> None:
    """An SMTP server that accepts and counts (writing the count to ``count_file``)."""
    from aiosmtpd.controller import Controller

    class Counting:
        received = 0

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            Counting.received += 1
            return "250 OK"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    written = count_file.with_suffix(".writing")
    try:
        while True:  # replaced whole, so a reader never sees the file empty between writes
            written.write_text(str(Counting.received))
            written.replace(count_file)
            time.sleep(0.1)
    finally:
        controller.stop()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "sink":
        serve_sink(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        raise SystemExit("usage: python -m ecbm_notify.entrypoints.bench sink PORT COUNT_FILE")
