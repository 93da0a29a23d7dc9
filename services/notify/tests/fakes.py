"""In-memory fakes of notify's views and mailer, and ``NotifyDependencies`` built on them.

Handler unit tests run on ``ecbm_runtime.in_memory``: events, outbox and inbox claims in
``InMemoryRecords``; notify's own tables in ``FakeTables``. Projections do not run in
memory, so the fake read models are derived from the stored events when asked.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any, TypeVar, cast

from pydantic import BaseModel

from ecbm_integration import registry
from ecbm_notify.adapters.email.deliveries import ClaimedDelivery, DeliveryView, NewDelivery
from ecbm_notify.adapters.inbox.views import (
    InboxViews,
    NotificationPage,
    NotificationView,
    RecipientView,
)
from ecbm_notify.adapters.live import Fanout
from ecbm_notify.adapters.newsletter.mail import Links
from ecbm_notify.adapters.newsletter.sends import Addressee, Outcome
from ecbm_notify.adapters.newsletter.views import CampaignCounts, CampaignView, Page, SubscriberView
from ecbm_notify.adapters.people.contacts import Contacts
from ecbm_notify.adapters.people.people import People, PersonDetails
from ecbm_notify.adapters.templates import TemplateRenderer
from ecbm_notify.adapters.views import NotifyViews
from ecbm_notify.application.dependencies import NotifyDependencies
from ecbm_notify.application.email.commands import MakeDigests, SendDueMail
from ecbm_notify.application.email.outbound import DigestSchedule, Outbound, UnsubscribeKeys
from ecbm_notify.application.email.sending import SendReport
from ecbm_notify.application.inbox.queries import ListNotifications
from ecbm_notify.application.newsletter.context import Newsletter
from ecbm_notify.application.people.commands import VerifyEmail
from ecbm_notify.bootstrap import NOTIFY, Notify
from ecbm_notify.domain import verification
from ecbm_notify.domain.campaign import Audience, Campaign
from ecbm_notify.domain.delivery import DUE, DeliveryStatus
from ecbm_notify.domain.preferences import Channel, Frequency, Preferences, Topic
from ecbm_notify.domain.recipients import Addresses, normalised_email
from ecbm_notify.domain.subscriber import CONFIRMATION_TYPE, Subscriber
from ecbm_notify.domain.verification import VERIFICATION_VALID_FOR
from ecbm_runtime.aggregate import Aggregate
from ecbm_runtime.context import MessageContext
from ecbm_runtime.ids import new_id
from ecbm_runtime.in_memory import InMemoryRecords, fixed_views, in_memory_units_of_work
from ecbm_runtime.inbox import Delivery
from ecbm_runtime.messagebus import MessageBus
from ecbm_runtime.sealing import Contact, development_seal

KEY = b"unit-test-link-key-of-32-bytes!!"
NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)  # a Monday
WIRING = NOTIFY.event_wiring("notify")
A = TypeVar("A", bound=Aggregate)
_event_ids = itertools.count(1)


def delivered(event: object, event_id: str | None = None) -> MessageContext:
    """The context of ``event`` delivered to notify's worker (a new event id unless given)."""
    event_id = event_id or f"e{next(_event_ids)}"
    delivery = Delivery(handler=f"notify.{type(event).__name__}", event_id=event_id)
    return MessageContext(correlation_id=event_id, causation_id=event_id, delivery=delivery)


CONTACT = "an.peeters@example.org"


def organisation_registered(organisation_id: str = "org1") -> registry.OrganisationRegistered:
    return registry.OrganisationRegistered(
        organisation_id=organisation_id,
        display_name="Mentoring Lab",
        kind="MENTORING_ORGANISATION",
        country="BE",
        contact_name="An Peeters",
        contact_email=CONTACT,
        occurred_at=NOW,
    )


def programme_registered(name: str = "Buddy Up") -> registry.ProgrammeRegistered:
    return registry.ProgrammeRegistered(
        programme_id=name.replace(" ", "").lower(),
        organisation_id="org1",
        display_name=name,
        countries=["BE"],
        languages=["nl"],
        occurred_at=NOW,
    )


def aggregates(records: InMemoryRecords, cls: type[A]) -> dict[str, A]:
    """Every aggregate of ``cls`` as its stored events make it (what a projection sees)."""
    codec = WIRING.codec.bound_to(None)
    prefix = f"{cls.stream_prefix}-"
    streams: dict[str, list[Any]] = {}
    for stored in records.events:
        if stored.stream_id.startswith(prefix):
            streams.setdefault(stored.stream_id.removeprefix(prefix), []).append(stored)
    return {
        id: cls.rebuild(id, (codec.decode(stored) for stored in history))
        for id, history in streams.items()
    }


@dataclass
class Recipient:
    id: str
    email: str | None
    display_name: str
    person_id: str | None = None
    language: str | None = None
    contact_by_email: bool | None = None
    pending_email: str | None = None


@dataclass
class FakeTables:
    """Notify's tables outside the event store, as plain Python."""

    recipients: dict[str, Recipient] = field(default_factory=dict)
    contacts: dict[str, str] = field(default_factory=dict)  # organisation -> recipient
    parked: list[tuple[str, str, BaseModel]] = field(default_factory=list)  # (kind, key, event)
    forgotten: set[str] = field(default_factory=set)
    preferences: dict[tuple[str, str, str], str] = field(default_factory=dict)
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    members: dict[str, tuple[str | None, tuple[str, ...]]] = field(default_factory=dict)
    audience: list[Addressee] = field(default_factory=list)  # what expand_audience finds
    sends: dict[tuple[str, str], tuple[str, str | None]] = field(default_factory=dict)
    leases: dict[str, str] = field(default_factory=dict)

    def recipient_by_email(self, email: str) -> Recipient | None:
        """People first, like the SQL view."""
        email = normalised_email(email)
        found = [r for r in self.recipients.values() if email in (r.email, r.pending_email)]
        return min(found, key=lambda r: (r.person_id is None, r.id), default=None)

    def person(self, person_id: str) -> Recipient:
        return next(r for r in self.recipients.values() if r.person_id == person_id)


class FakeInbox:
    def __init__(self, tables: FakeTables, records: InMemoryRecords) -> None:
        self.tables, self.records = tables, records

    def _views(self) -> list[NotificationView]:
        found = []
        for stored in self.records.events:
            if stored.type == "NotificationCreated" and not stored.data.get("redacted"):
                id = stored.entity_id
                read = any(
                    e.type == "NotificationRead" for e in self.records.stream(stored.stream_id)
                )
                data = {k: v for k, v in stored.data.items() if k != "redacted"}
                found.append(
                    NotificationView(
                        id=id,
                        read=read,
                        create_time=stored.recorded_at,
                        created_position=stored.position,
                        **data,
                    )
                )
        return found

    def list_notifications(self, query: ListNotifications) -> NotificationPage:
        mine = [v for v in self._views() if v.recipient_id == query.recipient_id]
        mine = [v for v in mine if not (query.unread_only and v.read)][::-1]
        return NotificationPage(mine[: query.page_size], "", len(mine))

    def notification(self, notification_id: str) -> NotificationView | None:
        return next((v for v in self._views() if v.id == notification_id), None)

    def unread_ids(self, recipient_id: str) -> list[str]:
        return [v.id for v in self._views() if v.recipient_id == recipient_id and not v.read]

    def unread_counts(self, recipient_ids: Iterable[str]) -> dict[str, int]:
        return {r: len(self.unread_ids(r)) for r in recipient_ids}

    def newest_positions(self, recipient_id: str) -> set[int]:
        return {v.created_position for v in self._views() if v.recipient_id == recipient_id}

    def created_since(
        self, recipient_id: str, position: int
    ) -> tuple[list[NotificationView], bool]:
        views = self._views()
        mine = [
            v for v in views if v.recipient_id == recipient_id and v.created_position > position
        ]
        return mine, True

    def recipient_by_email(self, email: str) -> RecipientView | None:
        found = self.tables.recipient_by_email(email)
        return self.recipient(found.id) if found else None

    def recipient(self, recipient_id: str) -> RecipientView | None:
        found = self.tables.recipients.get(recipient_id)
        if found is None:
            return None
        return RecipientView(
            found.id, found.email, found.display_name, found.person_id, found.pending_email
        )

    def erase_inbox(self, recipient_id: str) -> list[str]:
        return [v.id for v in self._views() if v.recipient_id == recipient_id]


class FakeContacts:
    def __init__(self, tables: FakeTables) -> None:
        self.tables = tables

    def lock(self, organisation_id: str) -> None:
        """One thread, one transaction at a time: nothing to wait for."""

    def remember_recipient(self, email: str, display_name: str) -> str:
        email = normalised_email(email)
        contacts = self.tables.recipients.values()
        found = next((r for r in contacts if r.email == email and r.person_id is None), None)
        if found is not None:
            found.display_name = display_name
            return found.id
        recipient = Recipient(new_id("recipient"), email, display_name)
        self.tables.recipients[recipient.id] = recipient
        return recipient.id

    def remember_contact(self, organisation_id: str, recipient_id: str) -> None:
        self.tables.contacts[organisation_id] = recipient_id

    def contact_of(self, organisation_id: str) -> str | None:
        return self.tables.contacts.get(organisation_id)

    def park(self, organisation_id: str, event: BaseModel) -> None:
        self.tables.parked.append(("organisation", organisation_id, event))

    def take_parked(
        self, key: str, kind: str = "organisation"
    ) -> list[tuple[str, dict[str, object]]]:
        taken = [p for p in self.tables.parked if p[:2] == (kind, key)]
        self.tables.parked = [p for p in self.tables.parked if p not in taken]
        return [(type(event).__name__, event.model_dump(mode="json")) for _, _, event in taken]


class FakePeople:
    def __init__(self, tables: FakeTables) -> None:
        self.tables = tables
        self._parking = FakeContacts(tables)

    def lock(self, person_id: str) -> None:
        """One thread, one transaction at a time: nothing to wait for."""

    def is_forgotten(self, person_id: str) -> bool:
        return person_id in self.tables.forgotten

    def addresses(self, recipient_id: str) -> Addresses:
        found = self.tables.recipients.get(recipient_id)
        return Addresses(found.email, found.pending_email) if found else Addresses()

    def consent_of(self, recipient_id: str) -> bool:
        found = self.tables.recipients.get(recipient_id)
        return found is not None and found.contact_by_email is True

    def remember_person(
        self, person: PersonDetails, addresses: Addresses, new_recipient_id: str
    ) -> str:
        recipient_id = self.recipient_of_person(person.person_id) or new_recipient_id
        self.tables.recipients[recipient_id] = Recipient(
            recipient_id,
            addresses.verified,
            person.display_name,
            person.person_id,
            person.preferred_language,
            person.contact_by_email,
            addresses.pending,
        )
        return recipient_id

    def set_addresses(self, recipient_id: str, addresses: Addresses) -> None:
        found = self.tables.recipients[recipient_id]
        found.email, found.pending_email = addresses.verified, addresses.pending

    def verified_address_of(self, person_id: str) -> str | None:
        found = [r for r in self.tables.recipients.values() if r.person_id == person_id]
        return found[0].email if found else None

    def recipient_of_person(self, person_id: str) -> str | None:
        found = [r.id for r in self.tables.recipients.values() if r.person_id == person_id]
        return found[0] if found else None

    def park(self, person_id: str, event: BaseModel) -> None:
        self.tables.parked.append(("person", person_id, event))

    def take_parked(self, person_id: str) -> list[tuple[str, dict[str, object]]]:
        return self._parking.take_parked(person_id, kind="person")

    def forget_person(self, person_id: str) -> str | None:
        self.tables.forgotten.add(person_id)
        self.tables.parked = [p for p in self.tables.parked if p[:2] != ("person", person_id)]
        recipient_id = self.recipient_of_person(person_id)
        if recipient_id is not None:
            del self.tables.recipients[recipient_id]
        return recipient_id


class FakeDeliveries:
    def __init__(self, tables: FakeTables, records: InMemoryRecords) -> None:
        self.tables = tables
        self.records = records

    def load_preferences(self, recipient_id: str) -> Preferences:
        return Preferences(
            {
                (Topic(t), Channel(c)): Frequency(f)
                for (r, t, c), f in self.tables.preferences.items()
                if r == recipient_id
            }
        )

    def email_usable(self, recipient_id: str) -> bool:
        found = self.tables.recipients.get(recipient_id)
        return found is not None and bool(found.email) and found.contact_by_email is not False

    def save_preference(
        self, recipient_id: str, topic: str, channel: str, frequency: str, now: datetime
    ) -> None:
        self.tables.preferences[(recipient_id, topic, channel)] = frequency

    def _insert(self, new: NewDelivery, status: DeliveryStatus, now: datetime) -> str | None:
        key = (new.source_key, new.recipient_id, new.channel)
        if any(
            (d["source_key"], d["recipient_id"], d["channel"]) == key
            for d in self.tables.deliveries
        ):
            return None
        delivery_id = f"delivery-{len(self.tables.deliveries) + 1}"
        due = now if status is DeliveryStatus.QUEUED else None
        self.tables.deliveries.append(
            {
                **vars(new),
                "id": delivery_id,
                "status": status,
                "attempts": 0,
                "next_attempt_at": due,
                "created": now,
            }
        )
        return delivery_id

    def enqueue(self, new: NewDelivery, now: datetime) -> str | None:
        held = new.frequency in (Frequency.DAILY, Frequency.WEEKLY)
        return self._insert(new, DeliveryStatus.HELD if held else DeliveryStatus.QUEUED, now)

    def record_shown(self, new: NewDelivery, now: datetime) -> str | None:
        return self._insert(new, DeliveryStatus.SENT, now)

    def claim_batch(self, now: datetime, lease: timedelta, size: int) -> list[ClaimedDelivery]:
        due = [
            d
            for d in self.tables.deliveries
            if d["status"] in DUE and d["next_attempt_at"] and d["next_attempt_at"] <= now
        ]
        claimed = []
        for row in due[:size]:
            row.update(status=DeliveryStatus.SENDING, next_attempt_at=now + lease)
            recipient = self._addressee(row)
            claimed.append(
                ClaimedDelivery(
                    row["id"],
                    row["notification_type"],
                    row["topic"],
                    row["critical"],
                    row["attempts"],
                    row["payload"],
                    row["recipient_id"],
                    recipient.email if recipient else None,
                    recipient.display_name if recipient else "",
                    recipient.language if recipient else None,
                    recipient.pending_email if recipient else None,
                )
            )
        return claimed

    def _addressee(self, row: dict[str, Any]) -> Recipient | None:
        """A recipient, or for a newsletter confirmation the subscriber's address (no name)."""
        if row["notification_type"] != CONFIRMATION_TYPE:
            return self.tables.recipients.get(row["recipient_id"])
        found = aggregates(self.records, Subscriber).get(row["recipient_id"])
        if found is None:
            return None
        return Recipient(row["recipient_id"], found.email, "", language=found.interests.language)

    def record(self, delivery_id: str, status: DeliveryStatus, now: datetime, **how: Any) -> None:
        row = self.by_id(delivery_id)
        row.update(status=status, next_attempt_at=how.get("next_attempt_at"))
        row.update(last_error=how.get("reason"), attempts=row["attempts"] + how.get("attempted", 1))

    def by_id(self, delivery_id: str) -> dict[str, Any]:
        return next(d for d in self.tables.deliveries if d["id"] == delivery_id)

    def held_for_digest(self, frequency: Frequency) -> dict[str, list[dict[str, Any]]]:
        held: dict[str, list[dict[str, Any]]] = {}
        for d in self.tables.deliveries:
            if d["status"] == DeliveryStatus.HELD and d["frequency"] == frequency:
                item = {"id": d["id"], "topic": d["topic"], **d["payload"]}
                held.setdefault(d["recipient_id"], []).append(item)
        return held

    def has_delivery(self, source_key: str, recipient_id: str, channel: str) -> bool:
        key = (source_key, recipient_id, channel)
        return any(
            (d["source_key"], d["recipient_id"], d["channel"]) == key
            for d in self.tables.deliveries
        )

    def mark_digested(self, item_ids: Iterable[str], digest_id: str, now: datetime) -> None:
        for item_id in item_ids:
            self.by_id(item_id).update(status=DeliveryStatus.DIGESTED, digest_id=digest_id)

    def list_deliveries(
        self, **filters: Any
    ) -> tuple[list[DeliveryView], tuple[str, str] | None, int]:
        rows = [
            d
            for d in self.tables.deliveries
            if all(
                not filters.get(k) or d[k] == filters[k]
                for k in ("recipient_id", "notification_type", "status", "channel")
            )
        ]
        views = [
            DeliveryView(
                d["id"],
                d["recipient_id"],
                d["channel"],
                d["notification_type"],
                d["topic"],
                d["status"],
                d["attempts"],
                d.get("last_error"),
                d["created"],
                d["created"],
                None,
                d["next_attempt_at"],
                [],
            )
            for d in rows
        ]
        return views, None, len(views)

    def erase_recipient(self, recipient_id: str) -> None:
        tables = self.tables
        tables.deliveries = [d for d in tables.deliveries if d["recipient_id"] != recipient_id]
        tables.preferences = {k: v for k, v in tables.preferences.items() if k[0] != recipient_id}

    def waiting(self) -> tuple[int, datetime | None]:
        due = [d["created"] for d in self.tables.deliveries if d["status"] in DUE]
        return len(due), min(due, default=None)


class FakeCampaigns:
    def __init__(self, tables: FakeTables, records: InMemoryRecords) -> None:
        self.tables, self.records = tables, records

    def opted_out(self, recipient_id: str) -> bool:
        key = (recipient_id, Topic.NEWSLETTER, Channel.EMAIL)
        return self.tables.preferences.get(key) == Frequency.OFF

    def subscriber_id_by_email(self, email: str) -> str | None:
        found = aggregates(self.records, Subscriber)
        return next((id for id, sub in found.items() if sub.email == email), None)

    def erase_subscriber(self, subscriber_id: str) -> None:
        """Nothing to do: the subscriber views come from its (now redacted) events."""

    def pending_subscribers(self, requested_before: datetime) -> list[str]:
        found = aggregates(self.records, Subscriber)
        return sorted(id for id, sub in found.items() if sub.state == "pending" and sub.email)

    def subscriber(self, subscriber_id: str) -> SubscriberView | None:
        found = aggregates(self.records, Subscriber).get(subscriber_id)
        if found is None:
            return None
        interests = found.interests
        state = "unsubscribed" if self.opted_out(subscriber_id) else found.state
        return SubscriberView(
            subscriber_id,
            found.email,
            interests.display_name,
            interests.language,
            interests.country,
            tuple(interests.topics),
            state,
            NOW,
            NOW,
        )

    def list_subscribers(self, state: str | None, size: int, offset: int) -> Page:
        ids = aggregates(self.records, Subscriber)
        views = [v for id in ids if (v := self.subscriber(id)) and state in (None, v.state)]
        return Page(views[offset : offset + size], None, len(views))

    def due_campaigns(self, now: datetime) -> list[str]:
        return [
            id
            for id, c in aggregates(self.records, Campaign).items()
            if c.state == "sending"
            or (c.state == "scheduled" and c.send_at is not None and c.send_at <= now)
        ]

    def campaign(self, campaign_id: str) -> CampaignView | None:
        found = aggregates(self.records, Campaign).get(campaign_id)
        if found is None:
            return None
        draft = found.draft
        return CampaignView(
            campaign_id,
            draft.title,
            draft.subject,
            draft.language,
            draft.template,
            tuple(draft.blocks),
            draft.audience,
            found.state,
            found.send_at,
            None,
            "editor",
            found.version,
            NOW,
            NOW,
            None,
            self.counts([campaign_id])[campaign_id],
        )

    def campaign_state(self, campaign_id: str) -> str | None:
        found = aggregates(self.records, Campaign).get(campaign_id)
        return found.state if found else None

    def counts(self, campaign_ids: Iterable[str]) -> dict[str, CampaignCounts]:
        result = {}
        for campaign_id in campaign_ids:
            mine = [s for (c, _), (s, _why) in self.tables.sends.items() if c == campaign_id]
            result[campaign_id] = CampaignCounts(
                queued=mine.count("queued"),
                sent=mine.count("sent"),
                failed=mine.count("failed"),
                skipped=mine.count("skipped"),
            )
        return result


class FakeSends:
    def __init__(self, tables: FakeTables) -> None:
        self.tables = tables

    def expand_audience(self, campaign_id: str, audience: Audience) -> int:
        for addressee in self.tables.audience:
            self.tables.sends.setdefault((campaign_id, addressee.recipient_id), ("queued", None))
        return sum(1 for c, _ in self.tables.sends if c == campaign_id)

    def _rows(self, campaign_id: str, status: str) -> list[str]:
        rows = self.tables.sends.items()
        return sorted(r for (c, r), (s, _) in rows if c == campaign_id and s == status)

    def next_batch(self, campaign_id: str, after: str, limit: int) -> list[Addressee]:
        by_id = {a.recipient_id: a for a in self.tables.audience}
        queued = [r for r in self._rows(campaign_id, "queued") if r > after]
        return [by_id[r] for r in queued[:limit]]

    def claim(self, campaign_id: str, ids: Sequence[str]) -> None:
        for recipient_id in ids:
            self.tables.sends[(campaign_id, recipient_id)] = ("sending", None)

    def unclaim(self, campaign_id: str, ids: Sequence[str]) -> None:
        for recipient_id in ids:
            self.tables.sends[(campaign_id, recipient_id)] = ("queued", None)

    def record_outcomes(self, campaign_id: str, outcomes: Sequence[Outcome], at: datetime) -> None:
        for o in outcomes:
            self.tables.sends[(campaign_id, o.recipient_id)] = (o.status, o.reason)

    def settle_interrupted(self, campaign_id: str, at: datetime) -> int:
        interrupted = self._rows(campaign_id, "sending")
        for recipient_id in interrupted:
            self.tables.sends[(campaign_id, recipient_id)] = ("failed", "interrupted")
        return len(interrupted)

    def queued_left(self, campaign_id: str) -> bool:
        return bool(self._rows(campaign_id, "queued") or self._rows(campaign_id, "sending"))

    def take_lease(self, campaign_id: str, owner: str, now: datetime, until: datetime) -> bool:
        return self.tables.leases.setdefault(campaign_id, owner) == owner

    def release_lease(self, campaign_id: str, owner: str) -> None:
        if self.tables.leases.get(campaign_id) == owner:
            del self.tables.leases[campaign_id]

    def remember_member(self, person_id: str, country: str | None, roles: Sequence[str]) -> None:
        self.tables.members[person_id] = (country, tuple(sorted(roles)))

    def forget_recipient(self, recipient_id: str) -> None:
        for key in [key for key in self.tables.sends if key[1] == recipient_id]:
            del self.tables.sends[key]

    def forget_member(self, person_id: str) -> None:
        self.tables.members.pop(person_id, None)


class FakeViews:
    """``NotifyViews`` over ``FakeTables`` and the in-memory event records."""

    def __init__(self, tables: FakeTables, records: InMemoryRecords) -> None:
        self.inbox = FakeInbox(tables, records)
        self.contacts = FakeContacts(tables)
        self.people = FakePeople(tables)
        self.deliveries = FakeDeliveries(tables, records)
        self.campaigns = FakeCampaigns(tables, records)
        self.sends = FakeSends(tables)


class FakeMailer:
    """Keeps what it is given; ``fail_with`` makes every send raise it."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self.fail_with: Exception | None = None

    def send(self, message: EmailMessage) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(message)

    def to(self) -> list[str]:
        return [str(message["To"]) for message in self.sent]


@dataclass
class InMemoryNotify:
    """Notify's bus on in-memory records and fake tables, with what a test inspects."""

    bus: MessageBus[NotifyDependencies]
    records: InMemoryRecords
    tables: FakeTables
    mailer: FakeMailer

    @property
    def deps(self) -> NotifyDependencies:
        return self.bus.dependencies

    def handle(self, message: object, context: MessageContext | None = None) -> Any:
        return self.bus.handle(message, context or MessageContext(actor="tester"))

    def event_types(self) -> list[str]:
        return [event.type for event in self.records.events]

    def delivery_statuses(self, channel: str = Channel.EMAIL) -> list[str]:
        return [d["status"] for d in self.tables.deliveries if d["channel"] == channel]


def in_memory_notify(now: datetime = NOW, **changes: Any) -> InMemoryNotify:
    """``NotifyDependencies`` on ``ecbm_runtime.in_memory`` and the fakes above."""
    records, tables, mailer = InMemoryRecords(), FakeTables(), FakeMailer()
    views = cast(NotifyViews, FakeViews(tables, records))
    renderer = TemplateRenderer()
    deps = NotifyDependencies(
        units_of_work=in_memory_units_of_work(records, WIRING, views),
        read_views=fixed_views(views),
        fanout=Fanout(),
        outbound=Outbound(mailer=mailer, renderer=renderer, public_base_url="https://ecbm.test"),
        keys=UnsubscribeKeys(KEY),
        newsletter=Newsletter(
            renderer=renderer,
            mailers=[mailer],
            links=Links("https://ecbm.test", KEY, timedelta(days=60)),
        ),
        contact_seal=development_seal(),
        digests=DigestSchedule(),
        clock=lambda: now,
    )
    return InMemoryNotify(
        MessageBus(NOTIFY.handlers, replace(deps, **changes)), records, tables, mailer
    )


def send_due(app: Notify, outbound: Outbound, now: datetime) -> SendReport:
    """The worker's ``SendDueMail`` at ``now``, through ``outbound`` (an SMTP sink's)."""
    bus = MessageBus(NOTIFY.handlers, replace(app.dependencies, outbound=outbound))
    report: SendReport = bus.handle(SendDueMail(now=now))
    return report


def make_digests(app: Notify, frequency: Frequency, now: datetime, schedule: DigestSchedule) -> int:
    """The worker's ``MakeDigests`` at ``now`` on ``schedule``."""
    bus = MessageBus(NOTIFY.handlers, replace(app.dependencies, digests=schedule))
    return int(bus.handle(MakeDigests(frequency=frequency, now=now)))


def sealed(person_id: str, name: str, email: str) -> str:
    """A contact sealed as the registry seals it (the development contact-sealing key)."""
    return development_seal().seal(person_id, Contact(display_name=name, email=email))


def member(
    person_id: str, email: str, consent: bool = True, name: str = "Member"
) -> registry.PersonJoined:
    """A registry person who joined with ``email``."""
    return registry.PersonJoined(
        person_id=person_id, sealed_contact=sealed(person_id, name, email),
        preferred_language="en", contact_by_email=consent, country="BE", roles=[],
        occurred_at=datetime.now(UTC),
    )  # fmt: skip


def recipient_of(app: Notify, email: str) -> str:
    """The id of a recipient with this address, verified or waiting (people first)."""
    with app.engine.connect() as connection:
        found = InboxViews(connection).recipient_by_email(email)
    assert found is not None, f"no recipient has {email}"
    return found.id


def contact_recipient(app: Notify, organisation_id: str = "org1") -> str:
    """The recipient of an organisation's contact."""
    with app.engine.connect() as connection:
        found = Contacts(connection).contact_of(organisation_id)
    assert found is not None, f"notify knows no contact of {organisation_id}"
    return found


def person_recipient(app: Notify, person_id: str) -> str:
    with app.engine.connect() as connection:
        found = People(connection).recipient_of_person(person_id)
    assert found is not None, f"notify does not know {person_id}"
    return found


def verification_link_token(app: Notify, person_id: str, now: datetime | None = None) -> str:
    """The token the verification mail of the person's waiting address carries."""
    recipient_id = person_recipient(app, person_id)
    with app.engine.connect() as connection:
        pending = People(connection).addresses(recipient_id).pending
    assert pending is not None, f"{person_id} has no address waiting"
    return verification.issue(
        app.dependencies.keys.key, recipient_id, pending, now or datetime.now(UTC),
        VERIFICATION_VALID_FOR,
    )  # fmt: skip


def verify_address(app: Notify, person_id: str) -> str:
    """The person follows the link to their waiting address (the real handler); its id."""
    app.bus.handle(VerifyEmail(token=verification_link_token(app, person_id)))
    return person_recipient(app, person_id)
