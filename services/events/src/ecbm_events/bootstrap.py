"""Wiring of events: dependencies, bootstrap, api, worker, ``SERVICE``.

Nothing connects at import: ``bootstrap`` builds the engine, the event wiring, the
dependencies and the bus when a process starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TypeAlias

from sqlalchemy import Engine

from ecbm_events.adapters.views import EventsViews
from ecbm_events.application.contributions.area import AREA as CONTRIBUTIONS
from ecbm_events.application.dependencies import (
    EventsDependencies,
    FeedLinks,
    ReminderTimes,
    utc_now,
)
from ecbm_events.application.programme.area import AREA as PROGRAMME
from ecbm_events.application.registrations.area import AREA as REGISTRATIONS
from ecbm_events.application.registrations.handlers import register_alone, register_group
from ecbm_events.application.registrations.tickets import TicketSigner
from ecbm_events.application.series.area import AREA as SERIES
from ecbm_events.settings import EventsSettings
from ecbm_runtime.db import database_answers, make_engine
from ecbm_runtime.group_commit import GroupCommit
from ecbm_runtime.messagebus import MessageBus, sql_views
from ecbm_runtime.projections import replayer
from ecbm_runtime.service import ApiWiring, ServiceDefinition
from ecbm_runtime.settings import ServiceSettings
from ecbm_runtime.uow import SqlUnitOfWork
from ecbm_runtime.wiring import Application, merged

AREA = merged([PROGRAMME, REGISTRATIONS, CONTRIBUTIONS, SERIES])
Events: TypeAlias = Application[EventsDependencies]

__all__ = ["AREA", "SERVICE", "EventsSettings", "bootstrap"]


def bootstrap(
    settings: EventsSettings,
    engine: Engine | None = None,
    after_commit: Callable[[list[int]], None] | None = None,
    clock: Callable[[], datetime] = utc_now,
    group_registrations: bool = False,
) -> Events:
    """The service's bus on its database; ``after_commit`` gets each commit's outbox rows.

    ``group_registrations``: registrations that arrive together are saved as one group by a
    thread of their own (the api, where many callers register at once).
    """
    engine = engine or make_engine(settings.effective_database_url())
    wiring = AREA.event_wiring(settings.service_name)
    dependencies = EventsDependencies(
        units_of_work=partial(
            SqlUnitOfWork, engine, wiring, EventsViews, after_commit=after_commit
        ),
        read_views=sql_views(engine, EventsViews),
        tickets=TicketSigner(settings.ticket_key()),
        offer_hold=timedelta(hours=settings.offer_hold_hours),
        ticket_grace=timedelta(hours=settings.ticket_grace_hours),
        feeds=FeedLinks(
            settings.public_base_url.rstrip("/"), timedelta(days=settings.calendar_feed_days)
        ),
        answers_retention=timedelta(days=settings.answers_retention_days),
        reminders=ReminderTimes(
            days_before=timedelta(days=settings.reminder_days_before),
            hours_before=timedelta(hours=settings.reminder_hours_before),
            after_within=timedelta(days=settings.reminder_after_within_days),
        ),
        clock=clock,
    )
    if not group_registrations:
        return Application(MessageBus(AREA.handlers, dependencies), engine, wiring)
    alone = dependencies
    groups = GroupCommit(
        "registrations",
        partial(register_group, deps=alone),
        lambda command, context: register_alone(command, alone.within(context)),
    )
    dependencies = replace(dependencies, registration_groups=groups)
    return Application(MessageBus(AREA.handlers, dependencies), engine, wiring, [groups.close])


def _own(settings: ServiceSettings) -> EventsSettings:
    if not isinstance(settings, EventsSettings):
        raise TypeError(f"expected EventsSettings, got {type(settings).__name__}")
    return settings


def build_api(settings: ServiceSettings) -> ApiWiring:
    """Servicers on the bus; outbox rows are published right after each commit."""
    from ecbm.events.v1 import events_pb2, events_pb2_grpc
    from ecbm_events.entrypoints.calendar_http import calendar_http_server
    from ecbm_events.entrypoints.events_api import EventsServicer
    from ecbm_runtime.grpc import ServiceRegistration
    from ecbm_runtime.outbox import BackgroundPublisher, OutboxRelay

    engine = make_engine(settings.effective_database_url())
    relay = OutboxRelay(
        engine, settings.amqp_url, settings.service_name, settings.outbox_max_attempts,
        tls=settings.amqp_tls(),
    )  # fmt: skip
    publisher = BackgroundPublisher(relay)
    app = bootstrap(
        _own(settings), engine, after_commit=publisher.after_commit, group_registrations=True
    )
    full_name = events_pb2.DESCRIPTOR.services_by_name["EventsService"].full_name
    add = events_pb2_grpc.add_EventsServiceServicer_to_server

    feeds = calendar_http_server(app.bus, _own(settings))
    feeds.start()

    def stop() -> None:
        feeds.stop()
        publisher.close()  # publishes what is queued first; the worker sweeps the rest
        app.close()

    return ApiWiring(
        registrations=[ServiceRegistration(add, EventsServicer(app.bus), full_name)],
        readiness_check=partial(_ready, app),
        on_stop=stop,
    )


def _ready(app: Events) -> bool:
    """The database answers and the registrations' group desk is running."""
    groups = app.dependencies.registration_groups
    return database_answers(app.engine) and (groups is None or groups.alive)


def worker_class() -> type:
    from ecbm_events.entrypoints.worker import EventsWorker

    return EventsWorker


def seed_demo(target: str, token: str) -> None:
    from ecbm_events.entrypoints.demo import seed

    seed(target, token)


def _bootstrap_any(settings: ServiceSettings) -> Events:
    return bootstrap(_own(settings))


SERVICE = ServiceDefinition(
    name="events",
    grpc_port=50053,
    metrics_port=9103,
    worker_metrics_port=9203,
    settings_class=EventsSettings,
    migrations=Path(__file__).parent / "migrations",
    build_api=build_api,
    worker_class=worker_class,
    replay=replayer(_bootstrap_any, AREA.read_model_tables),
    seed_demo=seed_demo,
)
