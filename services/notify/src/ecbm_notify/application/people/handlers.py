"""Other services' events about people and organisations: who notify can reach, and
what it tells them (the catalogue's events), parked until notify knows the person."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ecbm_integration import registry
from ecbm_notify.adapters.people.people import PersonDetails
from ecbm_notify.adapters.views import NotifyViews
from ecbm_notify.application.dependencies import NotifyDependencies
from ecbm_notify.application.email.routing import route
from ecbm_notify.application.newsletter.privacy import erase_subscription_of
from ecbm_notify.application.people.verification import queue_verification
from ecbm_notify.domain.catalogue import CATALOGUE, FOR_COMMITTEE
from ecbm_notify.domain.notification import ERASED, Notification, NotificationCreated
from ecbm_notify.domain.notification_type import NotificationType
from ecbm_notify.domain.recipients import Addresses, link_needed
from ecbm_runtime.ids import new_id
from ecbm_runtime.sealing import Contact
from ecbm_runtime.uow import UnitOfWork

EVENTS_BY_NAME: dict[str, type[BaseModel]] = {cls.__name__: cls for cls in CATALOGUE}


def on_organisation_registered(
    event: registry.OrganisationRegistered, deps: NotifyDependencies
) -> None:
    with deps.uow() as work:
        contacts = work.views.contacts
        contacts.lock(event.organisation_id)
        recipient_id = contacts.remember_recipient(event.contact_email, event.contact_name)
        contacts.remember_contact(event.organisation_id, recipient_id)
        for event_type, body in contacts.take_parked(event.organisation_id):
            parked = EVENTS_BY_NAME[event_type].model_validate(body)
            _notify(work, deps, recipient_id, parked)
        work.commit()


def on_organisation_event(event: Any, deps: NotifyDependencies) -> None:
    """An event about one organisation: tell its contact, or wait until notify knows them;
    the committee at once, where it has a part in what follows (``FOR_COMMITTEE``)."""
    with deps.uow() as work:
        committee = FOR_COMMITTEE.get(type(event))
        if committee is not None:
            address = deps.committee_email
            _notify(work, deps, work.views.contacts.remember_committee(address), event, committee)
        work.views.contacts.lock(event.organisation_id)
        recipient_id = work.views.contacts.contact_of(event.organisation_id)
        if recipient_id is None:
            work.views.contacts.park(event.organisation_id, event)
        else:
            _notify(work, deps, recipient_id, event)
        work.commit()


def on_person_changed(
    event: registry.PersonJoined | registry.PersonUpdated, deps: NotifyDependencies
) -> None:
    """Upsert the person's own recipient, mail a link to an address that starts waiting,
    then deliver what waited for them."""
    with deps.uow() as work:
        people = work.views.people
        people.lock(event.person_id)
        if not people.is_forgotten(event.person_id):
            known = people.recipient_of_person(event.person_id)
            before = people.addresses(known) if known else Addresses()
            had_consent = people.consent_of(known) if known else False
            details = _details(event, deps.contact_seal.open(event.person_id, event.sealed_contact))
            after = before.given(details.email)
            recipient_id = people.remember_person(details, after, new_id("recipient"))
            if link_needed(before, after, event.contact_by_email, had_consent):
                assert after.pending is not None
                queue_verification(work.views, recipient_id, after.pending, deps.clock())
            for event_type, body in people.take_parked(event.person_id):
                _notify(work, deps, recipient_id, EVENTS_BY_NAME[event_type].model_validate(body))
        work.commit()


def _details(
    event: registry.PersonJoined | registry.PersonUpdated, contact: Contact
) -> PersonDetails:
    return PersonDetails(
        person_id=event.person_id,
        email=contact.email,
        display_name=contact.display_name,
        preferred_language=event.preferred_language,
        contact_by_email=event.contact_by_email,
    )


def on_person_event(event: Any, deps: NotifyDependencies) -> None:
    """An event about one person: tell them, or wait until notify knows them."""
    with deps.uow() as work:
        people = work.views.people
        people.lock(event.person_id)
        recipient_id = people.recipient_of_person(event.person_id)
        if recipient_id is not None:
            _notify(work, deps, recipient_id, event)
        elif not people.is_forgotten(event.person_id):
            people.park(event.person_id, event)
        work.commit()


def on_person_forgotten(event: registry.PersonForgotten, deps: NotifyDependencies) -> None:
    """Nothing readable about the person stays: recipient, links, parked events, inbox,
    and a newsletter subscription of their verified address.

    Notify's store is append-only except for this (GDPR art. 17): the personal fields of
    the person's ``NotificationCreated`` events are blanked, and who acted on them too.
    """
    with deps.uow() as work:
        people = work.views.people
        people.lock(event.person_id)
        known = people.recipient_of_person(event.person_id)
        verified = people.addresses(known).verified if known else None
        recipient_id = people.forget_person(event.person_id)
        if verified:  # their newsletter subscription too (not an unverified address's)
            erase_subscription_of(work, verified)
        if recipient_id is not None:
            for notification_id in work.views.inbox.erase_inbox(recipient_id):
                work.store.redact(
                    Notification.stream_id_for(notification_id),
                    {NotificationCreated.__name__: ERASED},
                    {"actor": None},
                )
            work.views.deliveries.erase_recipient(recipient_id)
        work.commit()


def _notify(
    work: UnitOfWork[NotifyViews],
    deps: NotifyDependencies,
    recipient_id: str,
    event: BaseModel,
    kind: NotificationType | None = None,
) -> None:
    """E-mail as the person's preferences say; the web inbox unless they turned it off.
    ``kind``: the event's CATALOGUE entry unless given."""
    kind = kind or CATALOGUE[type(event)]
    message = kind.message(event)
    if not route(work.views.deliveries, recipient_id, event, kind, message, deps.clock()):
        return
    created = NotificationCreated(
        recipient_id=recipient_id,
        topic=kind.topic,
        title=message.title,
        body=message.body,
        link=message.link,
        source_event_type=type(event).__name__,
    )
    work.repository(Notification).add(Notification.create(new_id("notification"), created))
