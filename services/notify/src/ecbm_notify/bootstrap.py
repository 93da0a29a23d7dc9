"""Wiring of notify: settings, engine, unit of work, handlers. Nothing connects at import."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict
from sqlalchemy import Engine

from ecbm_notify.adapters.live import Fanout
from ecbm_notify.adapters.mailer import SmtpMailer, SmtpSettings
from ecbm_notify.adapters.projections import PROJECTIONS
from ecbm_notify.adapters.read_models import READ_MODEL_TABLES
from ecbm_notify.adapters.templates import TemplateRenderer
from ecbm_notify.application.email import Clock, UnsubscribeKeys, utc_now
from ecbm_notify.application.handlers import (
    COMMAND_HANDLERS,
    EVENT_HANDLERS,
    LIVE_QUERY_HANDLERS,
    QUERY_HANDLERS,
    UNSUBSCRIBE_COMMAND_HANDLERS,
    UNSUBSCRIBE_QUERY_HANDLERS,
)
from ecbm_notify.application.link_keys import link_key
from ecbm_notify.application.newsletter import wiring as newsletter_wiring
from ecbm_notify.application.newsletter.context import Newsletter
from ecbm_notify.application.sending import DigestSchedule, Outbound
from ecbm_notify.domain.catalogue import template_samples
from ecbm_notify.domain.delivery import RetryPolicy
from ecbm_notify.domain.notification import NotificationCreated, NotificationRead
from ecbm_runtime.db import database_answers, make_engine, read_only_connection
from ecbm_runtime.event_metadata import standard_metadata
from ecbm_runtime.eventstore import EventCodec
from ecbm_runtime.messagebus import MessageBus
from ecbm_runtime.projections import replayer
from ecbm_runtime.service import ApiWiring, ServiceDefinition
from ecbm_runtime.settings import ServiceSettings, key_problems
from ecbm_runtime.uow import EventWiring, UnitOfWork

DOMAIN_EVENTS = (NotificationCreated, NotificationRead)
_log = logging.getLogger("ecbm_notify")


class NotifySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ECBM_NOTIFY_", extra="ignore")
    service_name: str = "notify"
    # The live web inbox for browsers (GET /inbox, SSE at /inbox/events); 0 picks a free port.
    http_host: str = "127.0.0.1"
    http_port: int = 8106
    # How often the api tails the event store for changes to push to watchers.
    live_poll_interval_seconds: float = 0.025
    sse_heartbeat_seconds: float = 15.0
    # Each open WatchNotifications stream holds a server thread: more threads than elsewhere.
    grpc_max_workers: int = 64
    # E-mail (see docs/notify-email.md). The defaults reach the local sink `ecbm up` runs.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "European Center for Mentoring <notify@ecbm.local>"
    # Signs unsubscribe and newsletter opt-in links (HMAC-SHA256): required in production,
    # never the JWT secret (a leaked link key must not mint tokens, nor the reverse).
    unsubscribe_secret: SecretStr = SecretStr("")
    unsubscribe_token_days: int = 60
    # Where the links in e-mails point: this service's HTTP server as browsers reach it.
    public_base_url: str = "http://127.0.0.1:8106"
    # The worker's sender: how often it looks for due mail, and the backoff of retries.
    mail_send_interval_seconds: float = 2.0
    retry_first_delay_seconds: float = 30.0
    retry_max_delay_seconds: float = 3600.0
    retry_max_attempts: int = 8
    # Digests (UTC): daily at this hour; weekly on this weekday (0 = Monday) at this hour.
    digest_hour: int = 7
    weekly_digest_weekday: int = 0
    digest_check_interval_seconds: float = 60.0
    # Newsletter campaigns (docs/notify-newsletter.md): messages per second (0: unthrottled),
    # recipients per batch (pause takes effect between batches), how often due ones are sent.
    newsletter_messages_per_second: float = 0.0
    newsletter_batch_size: int = 500
    # SMTP connections a campaign is sent over at once (one waits, another sends).
    newsletter_smtp_connections: int = 2
    newsletter_send_interval_seconds: float = 2.0

    def smtp(self) -> SmtpSettings:
        return SmtpSettings(
            host=self.smtp_host,
            port=self.smtp_port,
            starttls=self.smtp_starttls,
            username=self.smtp_username,
            password=self.smtp_password.get_secret_value(),
            mail_from=self.mail_from,
            timeout_seconds=self.smtp_timeout_seconds,
        )

    def unsubscribe_key(self) -> bytes:
        return link_key(self)

    def startup_problems(self) -> list[str]:
        problems = super().startup_problems()
        if self.development:
            return problems
        secret = self.unsubscribe_secret
        problems += key_problems("ECBM_NOTIFY_UNSUBSCRIBE_SECRET", secret)
        if secret.get_secret_value() == self.jwt_secret.get_secret_value():
            problems.append("ECBM_NOTIFY_UNSUBSCRIBE_SECRET must not be the JWT secret")
        return problems


@dataclass(frozen=True)
class Notify:
    bus: MessageBus
    engine: Engine
    wiring: EventWiring
    live: Fanout = field(default_factory=Fanout)
    outbound: Outbound | None = None
    digests: DigestSchedule = field(default_factory=DigestSchedule)
    newsletter: Newsletter | None = None

    def close(self) -> None:
        """The worker's stop: say QUIT to the SMTP servers, close the pool."""
        mailers = [self.outbound.mailer] if self.outbound is not None else []
        mailers += self.newsletter.mailers if self.newsletter is not None else []
        for mailer in mailers:
            if isinstance(mailer, SmtpMailer):
                mailer.close()
        self.engine.dispose()


def outbound_for(settings: NotifySettings, clock: Clock = utc_now) -> Outbound:
    """The e-mail side; every template is rendered once here, so a broken one stops startup."""
    renderer = TemplateRenderer()
    renderer.validate(template_samples())
    return Outbound(
        mailer=SmtpMailer(settings.smtp()),
        renderer=renderer,
        keys=unsubscribe_keys(settings, clock),
        public_base_url=settings.public_base_url,
        retry=RetryPolicy(
            first_delay=timedelta(seconds=settings.retry_first_delay_seconds),
            max_delay=timedelta(seconds=settings.retry_max_delay_seconds),
            max_attempts=settings.retry_max_attempts,
        ),
    )


def unsubscribe_keys(settings: ServiceSettings, clock: Clock = utc_now) -> UnsubscribeKeys:
    days = settings.unsubscribe_token_days if isinstance(settings, NotifySettings) else 60
    return UnsubscribeKeys(key=link_key(settings), valid_for=timedelta(days=days), clock=clock)


def bootstrap(settings: ServiceSettings, engine: Engine | None = None) -> Notify:
    engine = engine or make_engine(settings.effective_database_url())
    wiring = EventWiring(
        codec=EventCodec([*DOMAIN_EVENTS, *newsletter_wiring.EVENTS]),
        service="notify",
        projections={**PROJECTIONS, **newsletter_wiring.PROJECTIONS},
        metadata=standard_metadata,
    )
    uow = partial(UnitOfWork, engine, wiring)
    read = partial(read_only_connection, engine)
    live = Fanout()
    keys = unsubscribe_keys(settings)
    newsletter = newsletter_wiring.newsletter_for(settings)
    handlers = {
        **{message: partial(handler, uow=uow) for message, handler in EVENT_HANDLERS.items()},
        **{message: partial(handler, uow=uow) for message, handler in COMMAND_HANDLERS.items()},
        **{message: partial(handler, read=read) for message, handler in QUERY_HANDLERS.items()},
        **{
            message: partial(handler, read=read, fanout=live)
            for message, handler in LIVE_QUERY_HANDLERS.items()
        },
        **{
            message: partial(handler, uow=uow, keys=keys)
            for message, handler in UNSUBSCRIBE_COMMAND_HANDLERS.items()
        },
        **{
            message: partial(handler, keys=keys)
            for message, handler in UNSUBSCRIBE_QUERY_HANDLERS.items()
        },
        **newsletter_wiring.handlers(uow, read, newsletter),
    }
    outbound, schedule = None, DigestSchedule()
    if isinstance(settings, NotifySettings):
        outbound = outbound_for(settings)
        schedule = DigestSchedule(settings.digest_hour, settings.weekly_digest_weekday)
    return Notify(
        bus=MessageBus(handlers), engine=engine, wiring=wiring, live=live, outbound=outbound,
        digests=schedule, newsletter=newsletter,
    )  # fmt: skip


def build_api(settings: ServiceSettings) -> ApiWiring:
    from ecbm.notify.v1 import notify_pb2_grpc
    from ecbm_notify.entrypoints import newsletter_api
    from ecbm_notify.entrypoints.grpc_api import ACCESS, SERVICE_NAME, NotifyServicer, StreamSlots
    from ecbm_runtime.grpc import ServiceRegistration

    assert isinstance(settings, NotifySettings), "notify's api needs NotifySettings"
    notify = bootstrap(settings)
    stop_live = _start_live_inbox(notify, settings)
    slots = StreamSlots(max(1, settings.grpc_max_workers - 8))
    registration = ServiceRegistration(
        notify_pb2_grpc.add_NotifyServiceServicer_to_server,
        NotifyServicer(notify.bus, slots),
        SERVICE_NAME,
    )

    def stop() -> None:
        stop_live()
        notify.engine.dispose()

    return ApiWiring(
        registrations=[registration, newsletter_api.registration(notify.bus)],
        access_policy={**ACCESS, **newsletter_api.ACCESS},
        readiness_check=partial(database_answers, notify.engine),
        on_stop=stop,
        # Open WatchNotifications and SSE streams end now, not after the grace period.
        on_stopping=notify.live.close,
    )


def _start_live_inbox(notify: Notify, settings: NotifySettings) -> Callable[[], None]:
    """Start the store tailer and the browsers' HTTP server; returns what stops them."""
    from ecbm_notify.adapters.tailer import StoreTailer
    from ecbm_notify.entrypoints.http_inbox import InboxHttpServer

    tailer = StoreTailer(notify.engine, notify.live, settings.live_poll_interval_seconds)
    tailer.start()
    http = InboxHttpServer(notify.bus, settings)
    http.start()
    _log.info("notify live web inbox at %s", http.url, extra={"http_port": http.port})

    def stop() -> None:
        http.stop()
        notify.live.close()  # ends every SSE stream and gRPC watch
        tailer.stop()

    return stop


def worker_class() -> type:
    from ecbm_notify.entrypoints.worker import NotifyWorker

    return NotifyWorker


SERVICE = ServiceDefinition(
    name="notify",
    grpc_port=50056,
    metrics_port=9106,
    worker_metrics_port=9206,
    settings_class=NotifySettings,
    migrations=Path(__file__).parent / "migrations",
    build_api=build_api,
    worker_class=worker_class,
    replay=replayer(bootstrap, (*READ_MODEL_TABLES, *newsletter_wiring.TABLES)),
)
