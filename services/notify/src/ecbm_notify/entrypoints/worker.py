"""Notify's worker: every service's events in, notifications out; the e-mail sender, the
digests and the newsletter on timers. Every handler method hands a message to the bus."""
# nameko ships no annotations.
# mypy: disable-error-code="no-untyped-call,misc,untyped-decorator"

from __future__ import annotations

import logging
from typing import Any, cast

from nameko.timer import Timer

from ecbm_integration import alerts, registry
from ecbm_notify.application.dependencies import NotifyDependencies
from ecbm_notify.application.email.commands import MakeDigests, SendDueMail
from ecbm_notify.application.newsletter import commands as newsletter
from ecbm_notify.bootstrap import bootstrap
from ecbm_notify.domain.preferences import DIGESTS
from ecbm_notify.entrypoints.catalogue_handlers import catalogue_handlers
from ecbm_notify.settings import NotifySettings
from ecbm_runtime.sealing import Contact
from ecbm_runtime.wiring import Application
from ecbm_runtime.worker import (
    Received,
    ServiceBus,
    ServiceWorker,
    event_handler,
    worker_settings,
)

_log = logging.getLogger("ecbm_notify.worker")


def sealed_v1_contact(body: dict[str, Any], version: int, settings: Any) -> dict[str, Any]:
    """PersonJoined/PersonUpdated version 1 (name and e-mail in clear, still in a queue or
    a DLQ from before the registry sealed them) as version 2: the contact sealed here."""
    contact = Contact(display_name=body.pop("display_name"), email=body.pop("email"))
    seal = cast(NotifySettings, settings).contact_seal()
    return {**body, "sealed_contact": seal.seal(body["person_id"], contact)}


class SettingsTimer(Timer):
    """A timer whose interval is a field of notify's settings (``setting``)."""

    def __init__(self, setting: str, **kwargs: Any) -> None:
        self.setting = setting
        super().__init__(interval=1.0, eager=False, **kwargs)

    def setup(self) -> None:
        settings = worker_settings(self.container.service_name)
        self.interval = float(getattr(settings, self.setting))


class NotifyWorker(catalogue_handlers(), ServiceWorker):  # type: ignore[misc]
    """Catalogue event types come with `catalogue_handlers`; the others are below."""

    name = "notify"
    notify: Application[NotifyDependencies] = ServiceBus(bootstrap)  # type: ignore[assignment]

    @SettingsTimer.decorator("mail_send_interval_seconds")
    def send_mail(self) -> None:
        """Due deliveries to SMTP; while SMTP is down they wait, and the next tick retries."""
        report = self.notify.bus.handle(SendDueMail())
        if report.sent or report.failed or report.retrying or report.given_up:
            _log.info("mail sent", extra=vars(report))

    @SettingsTimer.decorator("digest_check_interval_seconds")
    def make_digests(self) -> None:
        """Each period's digests once (their key is the period), queued for `send_mail`."""
        for frequency in DIGESTS:
            made = self.notify.bus.handle(MakeDigests(frequency=frequency))
            if made:
                _log.info("digests queued", extra={"frequency": frequency, "count": made})

    @SettingsTimer.decorator("digest_check_interval_seconds")
    def erase_unconfirmed_subscriptions(self) -> None:
        """Subscriptions whose confirmation link ran out unfollowed: erased."""
        erased = self.notify.bus.handle(newsletter.EraseUnconfirmedSubscriptions())
        if erased:
            _log.info("unconfirmed subscriptions erased", extra={"count": erased})

    @SettingsTimer.decorator("newsletter_send_interval_seconds")
    def send_newsletters(self) -> None:
        """Due campaigns, batch by batch; a long campaign continues over several ticks."""
        self.notify.bus.handle(newsletter.SendDueCampaigns(max_seconds=30.0))

    @event_handler("alerts", alerts.NewsletterItemPicked)
    def newsletter_item_picked(self, received: Received[alerts.NewsletterItemPicked]) -> None:
        """Editors picked an alerts item: draft content of the next campaign."""
        self.notify.bus.handle(received.event, received.context)

    # The newsletter's audience filters on country and roles: its own queues of the events.
    @event_handler("registry", registry.PersonJoined, upcast=sealed_v1_contact)
    def newsletter_member_joined(self, received: Received[registry.PersonJoined]) -> None:
        self._newsletter_member(received.event, received)

    @event_handler("registry", registry.PersonUpdated, upcast=sealed_v1_contact)
    def newsletter_member_updated(self, received: Received[registry.PersonUpdated]) -> None:
        self._newsletter_member(received.event, received)

    def _newsletter_member(
        self, event: registry.PersonJoined | registry.PersonUpdated, received: Received[Any]
    ) -> None:
        profile = newsletter.RememberMemberProfile(
            person_id=event.person_id, country=event.country, roles=tuple(event.roles)
        )
        self.notify.bus.handle(profile, received.context)

    @event_handler("registry", registry.PersonForgotten)
    def newsletter_member_forgotten(self, received: Received[registry.PersonForgotten]) -> None:
        forget = newsletter.ForgetMemberProfile(person_id=received.event.person_id)
        self.notify.bus.handle(forget, received.context)

    @event_handler("registry", registry.OrganisationRegistered)
    def on_organisation_registered(
        self, received: Received[registry.OrganisationRegistered]
    ) -> None:
        self.notify.bus.handle(received.event, received.context)

    @event_handler("registry", registry.PersonJoined, upcast=sealed_v1_contact)
    def on_person_joined(self, received: Received[registry.PersonJoined]) -> None:
        self.notify.bus.handle(received.event, received.context)

    @event_handler("registry", registry.PersonUpdated, upcast=sealed_v1_contact)
    def on_person_updated(self, received: Received[registry.PersonUpdated]) -> None:
        self.notify.bus.handle(received.event, received.context)

    @event_handler("registry", registry.PersonForgotten)
    def on_person_forgotten(self, received: Received[registry.PersonForgotten]) -> None:
        self.notify.bus.handle(received.event, received.context)
