"""Wiring of notify: its areas merged, one ``NotifyDependencies``, the api and the worker.

Nothing connects at import; ``bootstrap(settings)`` returns the ``Application``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from sqlalchemy import Engine

from ecbm_notify.adapters.live import Fanout
from ecbm_notify.adapters.mailer import SmtpMailer
from ecbm_notify.adapters.newsletter.mail import Links
from ecbm_notify.adapters.templates import TemplateRenderer
from ecbm_notify.adapters.views import NotifyViews
from ecbm_notify.application.dependencies import NotifyDependencies
from ecbm_notify.application.email.area import AREA as EMAIL
from ecbm_notify.application.email.outbound import DigestSchedule, Outbound, UnsubscribeKeys
from ecbm_notify.application.inbox.area import AREA as INBOX
from ecbm_notify.application.link_keys import link_key
from ecbm_notify.application.newsletter.area import AREA as NEWSLETTER
from ecbm_notify.application.newsletter.context import Newsletter
from ecbm_notify.application.people.area import AREA as PEOPLE
from ecbm_notify.application.ports import Clock, Mailer, utc_now
from ecbm_notify.domain.catalogue import template_samples
from ecbm_notify.domain.delivery import RetryPolicy
from ecbm_notify.settings import NotifySettings
from ecbm_runtime.context import MessageContext
from ecbm_runtime.db import database_answers, make_engine
from ecbm_runtime.inbox import Delivery
from ecbm_runtime.messagebus import MessageBus, sql_views
from ecbm_runtime.projections import replayer
from ecbm_runtime.service import ApiWiring, ServiceDefinition
from ecbm_runtime.settings import ServiceSettings
from ecbm_runtime.uow import SqlUnitOfWork, UnitOfWork
from ecbm_runtime.wiring import Application, merged

if TYPE_CHECKING:
    from ecbm_notify.entrypoints.public_limits import PublicLimits

__all__ = ["NOTIFY", "SERVICE", "NotifySettings", "bootstrap", "newsletter_for", "outbound_for"]

NOTIFY = merged([INBOX, PEOPLE, EMAIL, NEWSLETTER])
# What ``bootstrap`` returns: the bus, the engine, the event wiring.
Notify = Application[NotifyDependencies]
_log = logging.getLogger("ecbm_notify")


def outbound_for(settings: NotifySettings, mailer: Mailer | None = None) -> Outbound:
    """The e-mail side; every template is rendered once here, so a broken one stops startup."""
    renderer = TemplateRenderer()
    renderer.validate(template_samples())
    return Outbound(
        mailer=mailer or SmtpMailer(settings.smtp()),
        renderer=renderer,
        public_base_url=settings.public_base_url,
        retry=RetryPolicy(
            first_delay=timedelta(seconds=settings.retry_first_delay_seconds),
            max_delay=timedelta(seconds=settings.retry_max_delay_seconds),
            max_attempts=settings.retry_max_attempts,
        ),
    )


def unsubscribe_keys(settings: NotifySettings) -> UnsubscribeKeys:
    return UnsubscribeKeys(
        key=link_key(settings), valid_for=timedelta(days=settings.unsubscribe_token_days)
    )


def newsletter_for(settings: NotifySettings, mailer: Mailer | None = None) -> Newsletter:
    """Templates, its own SMTP connections (campaigns do not queue behind other mail), links."""
    connections = max(1, settings.newsletter_smtp_connections)
    return Newsletter(
        renderer=TemplateRenderer(),
        mailers=[mailer] if mailer else [SmtpMailer(settings.smtp()) for _ in range(connections)],
        links=Links(
            public_base_url=settings.public_base_url,
            key=link_key(settings),
            valid_for=timedelta(days=settings.unsubscribe_token_days),
        ),
        messages_per_second=settings.newsletter_messages_per_second,
        batch_size=settings.newsletter_batch_size,
    )


def bootstrap(
    settings: NotifySettings,
    engine: Engine | None = None,
    *,
    mailer: Mailer | None = None,
    clock: Clock = utc_now,
) -> Application[NotifyDependencies]:
    """Notify's application; ``mailer`` replaces SMTP for every sender (tests, benchmarks)."""
    engine = engine or make_engine(settings.effective_database_url())
    wiring = NOTIFY.event_wiring("notify")

    def units_of_work(context: MessageContext, claim: Delivery | None) -> UnitOfWork[NotifyViews]:
        return SqlUnitOfWork(engine, wiring, NotifyViews, context, claim)

    outbound = outbound_for(settings, mailer)
    newsletter = newsletter_for(settings, mailer)
    dependencies = NotifyDependencies(
        units_of_work=units_of_work,
        read_views=sql_views(engine, NotifyViews),
        fanout=Fanout(),
        outbound=outbound,
        keys=unsubscribe_keys(settings),
        newsletter=newsletter,
        contact_seal=settings.contact_seal(),
        committee_email=settings.committee_email,
        digests=DigestSchedule(settings.digest_hour, settings.weekly_digest_weekday),
        clock=clock,
    )
    mailers = {id(m): m for m in (outbound.mailer, *newsletter.mailers)}.values()
    return Application(
        bus=MessageBus(NOTIFY.handlers, dependencies),
        engine=engine,
        wiring=wiring,
        close_also=[m.close for m in mailers if isinstance(m, SmtpMailer)],
    )


def _settings(settings: ServiceSettings) -> NotifySettings:
    """The runtime loads ``SERVICE.settings_class``: notify's own settings."""
    return cast(NotifySettings, settings)


def build_api(service_settings: ServiceSettings) -> ApiWiring:
    from ecbm.notify.v1 import notify_pb2_grpc
    from ecbm_notify.entrypoints import newsletter_api
    from ecbm_notify.entrypoints.inbox_api import SERVICE_NAME, NotifyServicer, StreamSlots
    from ecbm_notify.entrypoints.public_limits import PublicLimits
    from ecbm_runtime.grpc import ServiceRegistration

    settings = _settings(service_settings)
    notify = bootstrap(settings)
    limits = PublicLimits.from_settings(settings)
    stop_live = _start_live_inbox(notify, settings, limits)
    slots = StreamSlots(max(1, settings.grpc_max_workers - 8))
    registration = ServiceRegistration(
        notify_pb2_grpc.add_NotifyServiceServicer_to_server,
        NotifyServicer(notify.bus, slots),
        SERVICE_NAME,
    )

    def stop() -> None:
        stop_live()
        notify.close()

    return ApiWiring(
        registrations=[registration, newsletter_api.registration(notify.bus, limits)],
        readiness_check=partial(database_answers, notify.engine),
        on_stop=stop,
        # Open WatchNotifications and SSE streams end now, not after the grace period.
        on_stopping=notify.dependencies.fanout.close,
    )


def _start_live_inbox(
    notify: Application[NotifyDependencies], settings: NotifySettings, limits: PublicLimits
) -> Callable[[], None]:
    """Start the store tailer and the browsers' HTTP server; returns what stops them."""
    from ecbm_notify.adapters.tailer import StoreTailer
    from ecbm_notify.entrypoints.http_inbox import InboxHttpServer

    fanout = notify.dependencies.fanout
    tailer = StoreTailer(notify.engine, fanout, settings.live_poll_interval_seconds)
    tailer.start()
    http = InboxHttpServer(notify.bus, settings, limits)
    http.start()
    _log.info("notify live web inbox at %s", http.url, extra={"http_port": http.port})

    def stop() -> None:
        fanout.close()  # ends every SSE stream and gRPC watch
        http.stop()
        tailer.stop()

    return stop


def worker_class() -> type:
    from ecbm_notify.entrypoints.worker import NotifyWorker

    return NotifyWorker


def _replay_bootstrap(settings: ServiceSettings) -> Application[NotifyDependencies]:
    return bootstrap(_settings(settings))


SERVICE = ServiceDefinition(
    name="notify",
    grpc_port=50056,
    metrics_port=9106,
    worker_metrics_port=9206,
    settings_class=NotifySettings,
    migrations=Path(__file__).parent / "migrations",
    build_api=build_api,
    worker_class=worker_class,
    replay=replayer(_replay_bootstrap, NOTIFY.read_model_tables),
)
