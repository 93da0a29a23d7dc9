"""Read side of the newsletter: campaigns with their counts, subscribers."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Exists, column, delete, exists, func, select, table

from ecbm_notify.adapters.newsletter.tables import (
    newsletter_campaign_counts,
    newsletter_campaigns,
    newsletter_sends,
    newsletter_subscribers,
)
from ecbm_notify.domain.campaign import Audience, ContentBlock

# The e-mail engineer's preferences table (notify_0003): only the columns read here.
preferences = table(
    "preferences",
    column("recipient_id"),
    column("topic"),
    column("channel"),
    column("frequency"),
    column("update_time"),
)


def newsletter_opt_out(recipient_id: Any, since: Any = None) -> Exists:
    """True where the recipient turned the newsletter off by e-mail (their link or settings),
    at or after ``since`` when given."""
    conditions = [
        preferences.c.recipient_id == recipient_id,
        preferences.c.topic == "newsletter",
        preferences.c.channel == "email",
        preferences.c.frequency == "off",
    ]
    if since is not None:
        conditions.append(preferences.c.update_time >= since)
    return exists().where(*conditions)


@dataclass(frozen=True)
class CampaignCounts:
    queued: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    unsubscribed: int = 0


@dataclass(frozen=True)
class CampaignView:
    id: str
    title: str
    subject: str
    language: str
    template: str
    blocks: tuple[ContentBlock, ...]
    audience: Audience
    state: str
    send_time: datetime | None
    audience_size: int | None
    created_by: str
    version: int
    create_time: datetime
    update_time: datetime
    complete_time: datetime | None
    counts: CampaignCounts = field(default_factory=CampaignCounts)


@dataclass(frozen=True)
class SubscriberView:
    id: str
    email: str
    display_name: str
    language: str
    country: str | None
    topics: tuple[str, ...]
    state: str
    create_time: datetime
    update_time: datetime


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_offset: int | None
    total_size: int


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def split(joined: str) -> tuple[str, ...]:
    return tuple(item for item in joined.split(",") if item)


def _campaign(row: Any, found: CampaignCounts) -> CampaignView:
    return CampaignView(
        id=row["id"],
        title=row["title"],
        subject=row["subject"],
        language=row["language"],
        template=row["template"],
        blocks=tuple(ContentBlock.model_validate(block) for block in json.loads(row["blocks"])),
        audience=Audience.model_validate_json(row["audience"]),
        state=row["state"],
        send_time=aware(row["send_time"]),
        audience_size=row["audience_size"],
        created_by=row["created_by"],
        version=row["version"],
        create_time=aware(row["create_time"]),  # type: ignore[arg-type]
        update_time=aware(row["update_time"]),  # type: ignore[arg-type]
        complete_time=aware(row["complete_time"]),
        counts=found,
    )


def _with_opt_out() -> Any:
    """Subscribers with ``opted_out``: they followed a newsletter unsubscribe link."""
    return select(
        newsletter_subscribers, newsletter_opt_out(newsletter_subscribers.c.id).label("opted_out")
    )


def _subscriber(row: Any) -> SubscriberView:
    return SubscriberView(
        id=row["id"],
        email=row["email"],
        display_name=row["display_name"],
        language=row["language"],
        country=row["country"],
        topics=split(row["topics"]),
        state="unsubscribed" if row["opted_out"] else row["state"],
        create_time=aware(row["create_time"]),  # type: ignore[arg-type]
        update_time=aware(row["update_time"]),  # type: ignore[arg-type]
    )


class NewsletterViews:
    """Campaigns and subscribers as editors read them, on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def campaign(self, campaign_id: str) -> CampaignView | None:
        query = select(newsletter_campaigns).where(newsletter_campaigns.c.id == campaign_id)
        row = self.connection.execute(query).mappings().first()
        if row is None:
            return None
        return _campaign(row, self.counts([campaign_id])[campaign_id])

    def list_campaigns(self, state: str | None, size: int, offset: int) -> Page:
        """Newest first."""
        query = select(newsletter_campaigns)
        if state:
            query = query.where(newsletter_campaigns.c.state == state)
        total = self.connection.execute(
            select(func.count()).select_from(query.subquery())
        ).scalar_one()
        ordered = query.order_by(
            newsletter_campaigns.c.create_time.desc(), newsletter_campaigns.c.id.desc()
        )
        rows = list(self.connection.execute(ordered.offset(offset).limit(size + 1)).mappings())
        found = self.counts([row["id"] for row in rows[:size]])
        items = [_campaign(row, found[row["id"]]) for row in rows[:size]]
        return Page(items, offset + size if len(rows) > size else None, int(total))

    def newest_draft(self) -> str | None:
        """The campaign editors are writing next (the newest draft), if any."""
        query = (
            select(newsletter_campaigns.c.id)
            .where(newsletter_campaigns.c.state == "draft")
            .order_by(newsletter_campaigns.c.create_time.desc(), newsletter_campaigns.c.id.desc())
            .limit(1)
        )
        return self.connection.execute(query).scalar_one_or_none()

    def counts(self, campaign_ids: Iterable[str]) -> dict[str, CampaignCounts]:
        """Per-recipient outcomes (the sender's counters); ``unsubscribed``: mailed, then turned
        the newsletter off (driven from the few opt-outs, not the many sends)."""
        wanted = list(campaign_ids)
        kept = newsletter_campaign_counts.c
        rows = self.connection.execute(
            select(kept.campaign_id, kept.queued, kept.sent, kept.failed, kept.skipped).where(
                kept.campaign_id.in_(wanted)
            )
        )
        found = {row.campaign_id: row for row in rows}
        sends, chosen = newsletter_sends.c, preferences.c
        left = (
            select(sends.campaign_id, func.count())
            .select_from(
                preferences.join(newsletter_sends, sends.recipient_id == chosen.recipient_id)
            )
            .where(
                chosen.topic == "newsletter",
                chosen.channel == "email",
                chosen.frequency == "off",
                sends.campaign_id.in_(wanted),
                sends.status == "sent",
                chosen.update_time >= sends.update_time,
            )
            .group_by(sends.campaign_id)
        )
        unsubscribed = {
            campaign_id: int(number) for campaign_id, number in self.connection.execute(left)
        }
        result = {}
        for campaign_id in wanted:
            row = found.get(campaign_id)
            result[campaign_id] = CampaignCounts(
                queued=row.queued if row else 0,
                sent=row.sent if row else 0,
                failed=row.failed if row else 0,
                skipped=row.skipped if row else 0,
                unsubscribed=unsubscribed.get(campaign_id, 0),
            )
        return result

    def due_campaigns(self, now: datetime) -> list[str]:
        """Scheduled campaigns whose time has come and campaigns being sent, oldest first."""
        columns = newsletter_campaigns.c
        query = (
            select(columns.id)
            .where(
                ((columns.state == "scheduled") & (columns.send_time <= now))
                | (columns.state == "sending")
            )
            .order_by(columns.send_time, columns.id)
        )
        return list(self.connection.execute(query).scalars())

    def opted_out(self, recipient_id: str) -> bool:
        return bool(self.connection.execute(select(newsletter_opt_out(recipient_id))).scalar())

    def subscriber_id_by_email(self, email: str) -> str | None:
        """The subscriber of this (normalised) address; subscribers are unique by address."""
        query = select(newsletter_subscribers.c.id).where(newsletter_subscribers.c.email == email)
        return self.connection.execute(query).scalar_one_or_none()

    def erase_subscriber(self, subscriber_id: str) -> None:
        self.connection.execute(
            delete(newsletter_subscribers).where(newsletter_subscribers.c.id == subscriber_id)
        )

    def pending_subscribers(self, requested_before: datetime) -> list[str]:
        """Subscribers whose latest request is older than ``requested_before``, unconfirmed."""
        columns = newsletter_subscribers.c
        query = select(columns.id).where(
            columns.state == "pending", columns.update_time < requested_before
        )
        return list(self.connection.execute(query.order_by(columns.id)).scalars())

    def subscriber(self, subscriber_id: str) -> SubscriberView | None:
        query = _with_opt_out().where(newsletter_subscribers.c.id == subscriber_id)
        row = self.connection.execute(query).mappings().first()
        return _subscriber(row) if row else None

    def list_subscribers(self, state: str | None, size: int, offset: int) -> Page:
        columns = newsletter_subscribers.c
        query = _with_opt_out()
        turned_off = newsletter_opt_out(columns.id)
        if state == "unsubscribed":
            query = query.where((columns.state == "unsubscribed") | turned_off)
        elif state:
            query = query.where(columns.state == state, ~turned_off)
        total = self.connection.execute(
            select(func.count()).select_from(query.subquery())
        ).scalar_one()
        ordered = query.order_by(columns.email)
        rows = list(self.connection.execute(ordered.offset(offset).limit(size + 1)).mappings())
        items = [_subscriber(row) for row in rows[:size]]
        return Page(items, offset + size if len(rows) > size else None, int(total))

    def campaign_state(self, campaign_id: str) -> str | None:
        query = select(newsletter_campaigns.c.state).where(newsletter_campaigns.c.id == campaign_id)
        return self.connection.execute(query).scalar_one_or_none()
