"""The newsletter's part of notify's wiring: events, projections, tables and handlers.

``bootstrap`` merges these in, so the newsletter adds lines there, not routing tables.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy import Connection

from ecbm_notify.adapters.mailer import SmtpMailer, SmtpSettings
from ecbm_notify.adapters.newsletter_mail import Links
from ecbm_notify.adapters.newsletter_projections import NEWSLETTER_PROJECTIONS
from ecbm_notify.adapters.newsletter_tables import NEWSLETTER_READ_MODEL_TABLES
from ecbm_notify.adapters.templates import TemplateRenderer
from ecbm_notify.application.email import Mailer
from ecbm_notify.application.link_keys import link_key
from ecbm_notify.application.newsletter.context import Newsletter
from ecbm_notify.application.newsletter.handlers import (
    COMMAND_HANDLERS,
    COMMAND_HANDLERS_WITH_NEWSLETTER,
    QUERY_HANDLERS,
    QUERY_HANDLERS_WITH_NEWSLETTER,
)
from ecbm_notify.domain.campaign import CAMPAIGN_EVENTS
from ecbm_notify.domain.subscriber import SUBSCRIBER_EVENTS
from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.settings import ServiceSettings
from ecbm_runtime.uow import UnitOfWork

EVENTS: tuple[type[DomainEvent], ...] = (*CAMPAIGN_EVENTS, *SUBSCRIBER_EVENTS)
PROJECTIONS = NEWSLETTER_PROJECTIONS
TABLES = NEWSLETTER_READ_MODEL_TABLES


def newsletter_for(settings: ServiceSettings, mailer: Mailer | None = None) -> Newsletter:
    """Templates, its own SMTP connection (campaigns do not queue behind other mail), links."""
    smtp: SmtpSettings = getattr(settings, "smtp", SmtpSettings)()
    connections = max(1, int(getattr(settings, "newsletter_smtp_connections", 2)))
    return Newsletter(
        renderer=TemplateRenderer(),
        mailers=[mailer] if mailer else [SmtpMailer(smtp) for _ in range(connections)],
        links=Links(
            public_base_url=getattr(settings, "public_base_url", "http://127.0.0.1:8106"),
            key=link_key(settings),
            valid_for=timedelta(days=getattr(settings, "unsubscribe_token_days", 60)),
        ),
        messages_per_second=getattr(settings, "newsletter_messages_per_second", 0.0),
        batch_size=getattr(settings, "newsletter_batch_size", 500),
    )


def handlers(
    uow: Callable[[], UnitOfWork],
    read: Callable[[], Connection],
    newsletter: Newsletter,
) -> dict[type, partial[Any]]:
    return {
        **{message: partial(h, uow=uow) for message, h in COMMAND_HANDLERS.items()},
        **{message: partial(h, read=read) for message, h in QUERY_HANDLERS.items()},
        **{
            message: partial(h, uow=uow, newsletter=newsletter)
            for message, h in COMMAND_HANDLERS_WITH_NEWSLETTER.items()
        },
        **{
            message: partial(h, read=read, newsletter=newsletter)
            for message, h in QUERY_HANDLERS_WITH_NEWSLETTER.items()
        },
    }
