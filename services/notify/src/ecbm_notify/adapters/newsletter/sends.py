"""The sender's storage: a campaign's audience expanded into rows, fetched in keyset
batches, outcomes written per batch; members' country and roles; sender leases.

Nothing here holds a whole audience in memory: expansion is one INSERT ... SELECT in the
database, and batches are read ``recipient_id > last`` in index order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    bindparam,
    delete,
    exists,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)

from ecbm_notify.adapters.newsletter.projections import joined
from ecbm_notify.adapters.newsletter.tables import (
    newsletter_campaign_counts,
    newsletter_leases,
    newsletter_member_profiles,
    newsletter_sends,
    newsletter_subscribers,
)
from ecbm_notify.adapters.newsletter.views import newsletter_opt_out
from ecbm_notify.adapters.read_models import recipients
from ecbm_notify.domain.campaign import Audience
from ecbm_runtime.db import among


def _any_like(column: object, values: Sequence[str]) -> object:
    return or_(*(column.like(f"%,{value},%") for value in values))  # type: ignore[attr-defined]


def _members(campaign_id: str, audience: Audience) -> Select[tuple[str, str, str]]:
    profile = newsletter_member_profiles.c
    query = (
        select(literal(campaign_id), recipients.c.id, literal("queued"))
        .select_from(
            recipients.outerjoin(
                newsletter_member_profiles, profile.person_id == recipients.c.person_id
            )
        )
        .where(
            recipients.c.person_id.is_not(None),
            recipients.c.email.is_not(None),  # verified: unverified addresses get nothing
            recipients.c.contact_by_email.is_(True),
            ~newsletter_opt_out(recipients.c.id),
        )
    )
    if not audience.include_members:
        query = query.where(false())
    if audience.countries:
        query = query.where(profile.country.in_(audience.countries))
    if audience.roles:
        query = query.where(_any_like(profile.roles, audience.roles))  # type: ignore[arg-type]
    return query


def _subscribers(campaign_id: str, audience: Audience) -> Select[tuple[str, str, str]]:
    columns = newsletter_subscribers.c
    already = exists().where(
        newsletter_sends.c.campaign_id == campaign_id,
        newsletter_sends.c.recipient_id == columns.id,
    )
    # A member whose id came from an older address, subscribed with their current one.
    already_by_address = exists().where(
        newsletter_sends.c.campaign_id == campaign_id,
        newsletter_sends.c.recipient_id == recipients.c.id,
        recipients.c.email == columns.email,
    )
    query = select(literal(campaign_id), columns.id, literal("queued")).where(
        columns.state == "confirmed",
        ~newsletter_opt_out(columns.id),
        ~already,
        ~already_by_address,
    )
    if not audience.include_subscribers or audience.roles:  # subscribers declare no roles
        query = query.where(false())
    if audience.countries:
        query = query.where(columns.country.in_(audience.countries))
    if audience.topics:
        query = query.where(_any_like(columns.topics, audience.topics))  # type: ignore[arg-type]
    return query


@dataclass(frozen=True)
class Addressee:
    """One queued recipient as the sender needs them; ``email`` None: forgotten meanwhile."""

    recipient_id: str
    email: str | None
    display_name: str
    opted_out: bool
    consent: bool


@dataclass(frozen=True)
class Outcome:
    recipient_id: str
    status: str  # sent | failed | skipped
    reason: str | None = None


_RECORD = (
    update(newsletter_sends)
    .where(
        newsletter_sends.c.campaign_id == bindparam("c_id"),
        newsletter_sends.c.recipient_id == bindparam("r_id"),
        newsletter_sends.c.status == "sending",
    )
    .values(status=bindparam("s"), reason=bindparam("why"), update_time=bindparam("at"))
)


def _batch_rows(connection: Connection, campaign_id: str, ids: Sequence[str], status: str) -> Any:
    """The batch's rows in ``status``, found by key range first (see record_outcomes)."""
    return (
        newsletter_sends.c.campaign_id == campaign_id,
        newsletter_sends.c.status == status,
        newsletter_sends.c.recipient_id.between(min(ids), max(ids)),
        among(connection, newsletter_sends.c.recipient_id, ids),
    )


INTERRUPTED = "interrupted while sending: it may have gone out, so it is not sent again"


class NewsletterSends:
    """Audiences, batches, outcomes, member profiles and sender leases, on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def expand_audience(self, campaign_id: str, audience: Audience) -> int:
        """One ``queued`` row per recipient (a member who also subscribed gets one); returns the
        campaign's row count. Idempotent: a second call adds nobody twice."""
        target = ("campaign_id", "recipient_id", "status")
        members = _members(campaign_id, audience).where(
            ~exists().where(
                newsletter_sends.c.campaign_id == campaign_id,
                newsletter_sends.c.recipient_id == recipients.c.id,
            )
        )
        self.connection.execute(insert(newsletter_sends).from_select(target, members))
        self.connection.execute(
            insert(newsletter_sends).from_select(target, _subscribers(campaign_id, audience))
        )
        size = self.audience_size(campaign_id)
        counts = newsletter_campaign_counts
        self.connection.execute(delete(counts).where(counts.c.campaign_id == campaign_id))
        self.connection.execute(
            insert(counts).values(campaign_id=campaign_id, queued=size, sent=0, failed=0, skipped=0)
        )
        return size

    def audience_size(self, campaign_id: str) -> int:
        query = select(func.count()).where(newsletter_sends.c.campaign_id == campaign_id)
        return int(self.connection.execute(query).scalar_one())

    def next_batch(self, campaign_id: str, after: str, limit: int) -> list[Addressee]:
        """Queued recipients after ``after`` in id order, with their current details."""
        sends, subscriber = newsletter_sends.c, newsletter_subscribers.c
        query = (
            select(
                sends.recipient_id,
                recipients.c.email,
                recipients.c.display_name,
                recipients.c.contact_by_email,
                subscriber.email.label("subscriber_email"),
                subscriber.display_name.label("subscriber_name"),
                newsletter_opt_out(sends.recipient_id).label("opted_out"),
            )
            .select_from(
                newsletter_sends.outerjoin(
                    recipients, recipients.c.id == sends.recipient_id
                ).outerjoin(
                    newsletter_subscribers,
                    (subscriber.id == sends.recipient_id) & (subscriber.state == "confirmed"),
                )
            )
            .where(
                sends.campaign_id == campaign_id,
                sends.status == "queued",
                sends.recipient_id > after,
            )
            .order_by(sends.recipient_id)
            .limit(limit)
        )
        batch = []
        for row in self.connection.execute(query):
            if row.email is not None:  # a member (or a contact who is both: the member wins)
                batch.append(
                    Addressee(
                        row.recipient_id,
                        row.email,
                        row.display_name,
                        bool(row.opted_out),
                        bool(row.contact_by_email) or row.subscriber_email is not None,
                    )
                )
            else:
                batch.append(
                    Addressee(
                        row.recipient_id,
                        row.subscriber_email,
                        row.subscriber_name or "",
                        bool(row.opted_out),
                        True,
                    )
                )
        return batch

    def record_outcomes(self, campaign_id: str, outcomes: Sequence[Outcome], at: datetime) -> None:
        """The sent ones in one statement, the few others one by one, and the campaign's
        counters by what really changed: only claimed (``sending``) rows change, so a batch
        recorded twice counts once."""
        changed = {"sent": 0, "failed": 0, "skipped": 0}
        sent = [o.recipient_id for o in outcomes if o.status == "sent"]
        if sent:
            changed["sent"] = self.connection.execute(
                update(newsletter_sends)
                .where(
                    newsletter_sends.c.campaign_id == campaign_id,
                    newsletter_sends.c.status == "sending",
                    # The batch's key range keeps the index scan to the batch, whatever the
                    # planner thinks of the id list (else it filters every queued row).
                    newsletter_sends.c.recipient_id.between(min(sent), max(sent)),
                    among(self.connection, newsletter_sends.c.recipient_id, sent),
                )
                .values(status="sent", update_time=at)
            ).rowcount
        for o in outcomes:
            if o.status != "sent":
                values = {
                    "c_id": campaign_id,
                    "r_id": o.recipient_id,
                    "s": o.status,
                    "why": o.reason,
                }
                changed[o.status] += self.connection.execute(_RECORD, {**values, "at": at}).rowcount
        total = sum(changed.values())
        if total:
            counts = newsletter_campaign_counts.c
            self.connection.execute(
                update(newsletter_campaign_counts)
                .where(counts.campaign_id == campaign_id)
                .values(
                    queued=counts.queued - total,
                    sent=counts.sent + changed["sent"],
                    failed=counts.failed + changed["failed"],
                    skipped=counts.skipped + changed["skipped"],
                )
            )

    def claim(self, campaign_id: str, ids: Sequence[str]) -> None:
        """Mark the batch ``sending`` before any of it goes out (committed first)."""
        if ids:
            where = _batch_rows(self.connection, campaign_id, ids, "queued")
            self.connection.execute(update(newsletter_sends).where(*where).values(status="sending"))

    def unclaim(self, campaign_id: str, ids: Sequence[str]) -> None:
        """The batch's rows never tried (SMTP was down): queued again, nothing lost."""
        if ids:
            where = _batch_rows(self.connection, campaign_id, ids, "sending")
            self.connection.execute(update(newsletter_sends).where(*where).values(status="queued"))

    def settle_interrupted(self, campaign_id: str, at: datetime) -> int:
        """Rows a crashed sender claimed and never recorded: ``failed``, never resent (a
        newsletter received twice is worse than one lost). Run by the next lease holder."""
        rows = self.connection.execute(
            update(newsletter_sends)
            .where(
                newsletter_sends.c.campaign_id == campaign_id,
                newsletter_sends.c.status == "sending",
            )
            .values(status="failed", reason=INTERRUPTED, update_time=at)
        ).rowcount
        if rows:
            counts = newsletter_campaign_counts.c
            self.connection.execute(
                update(newsletter_campaign_counts)
                .where(counts.campaign_id == campaign_id)
                .values(queued=counts.queued - rows, failed=counts.failed + rows)
            )
        return int(rows)

    def queued_left(self, campaign_id: str) -> bool:
        query = select(
            exists().where(
                newsletter_sends.c.campaign_id == campaign_id,
                newsletter_sends.c.status.in_(("queued", "sending")),
            )
        )
        return bool(self.connection.execute(query).scalar())

    def take_lease(self, campaign_id: str, owner: str, now: datetime, until: datetime) -> bool:
        """True when ``owner`` may send the campaign until ``until`` (free, expired or its own)."""
        leases = newsletter_leases.c
        held = self.connection.execute(
            update(newsletter_leases)
            .where(
                leases.campaign_id == campaign_id, or_(leases.owner == owner, leases.until < now)
            )
            .values(owner=owner, until=until)
        )
        if held.rowcount:
            return True
        present = self.connection.execute(
            select(leases.owner).where(leases.campaign_id == campaign_id)
        ).first()
        if present is not None:
            return False
        self.connection.execute(
            insert(newsletter_leases).values(campaign_id=campaign_id, owner=owner, until=until)
        )
        return True

    def release_lease(self, campaign_id: str, owner: str) -> None:
        self.connection.execute(
            delete(newsletter_leases).where(
                newsletter_leases.c.campaign_id == campaign_id, newsletter_leases.c.owner == owner
            )
        )

    def remember_member(self, person_id: str, country: str | None, roles: Sequence[str]) -> None:
        values = {"country": country, "roles": joined(sorted(roles))}
        changed = self.connection.execute(
            update(newsletter_member_profiles)
            .where(newsletter_member_profiles.c.person_id == person_id)
            .values(values)
        )
        if not changed.rowcount:
            self.connection.execute(
                insert(newsletter_member_profiles).values(person_id=person_id, **values)
            )

    def forget_recipient(self, recipient_id: str) -> None:
        """Every campaign's send row of an erased recipient (an external subscriber)."""
        self.connection.execute(
            delete(newsletter_sends).where(newsletter_sends.c.recipient_id == recipient_id)
        )

    def forget_member(self, person_id: str) -> None:
        self.connection.execute(
            delete(newsletter_member_profiles).where(
                newsletter_member_profiles.c.person_id == person_id
            )
        )
