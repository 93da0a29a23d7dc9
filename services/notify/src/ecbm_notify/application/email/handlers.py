"""E-mail use cases: the preference centre, unsubscribing from a link, the delivery log."""

from __future__ import annotations

from dataclasses import dataclass

from ecbm_notify.adapters.email.deliveries import DeliveryView
from ecbm_notify.application.dependencies import NotifyDependencies
from ecbm_notify.application.email import commands, queries
from ecbm_notify.application.inbox.handlers import check_owner
from ecbm_notify.domain import unsubscribe
from ecbm_notify.domain.delivery import DeliveryStatus
from ecbm_notify.domain.preferences import (
    DIGESTS,
    Channel,
    Frequency,
    Preference,
    Topic,
    parse_preference,
)
from ecbm_runtime.auth import current_principal
from ecbm_runtime.errors import FieldViolation, InvalidArgument, NotFound, PermissionDenied

# An unsubscribe token from a digest ("digest:daily", "digest:weekly"): every topic that
# e-mail merges into that digest.
DIGEST_TOPIC = "digest"


# Preference centre ----------------------------------------------------------------------


def get_preferences(query: queries.GetPreferences, deps: NotifyDependencies) -> list[Preference]:
    with deps.read() as views:
        recipient_id = check_owner(views, query.recipient_id)
        return views.deliveries.load_preferences(recipient_id).all()


def update_preferences(command: commands.UpdatePreferences, deps: NotifyDependencies) -> None:
    entries = [
        parse_preference(index, entry.topic, entry.channel, entry.frequency)
        for index, entry in enumerate(command.entries)
    ]
    with deps.uow() as work:
        recipient_id = check_owner(work.views, command.recipient_id)
        if work.views.inbox.recipient(recipient_id) is None:
            raise NotFound(f"no recipient {recipient_id!r}")
        now = deps.clock()
        for entry in entries:
            work.views.deliveries.save_preference(
                recipient_id, entry.topic, entry.channel, entry.frequency, now
            )
        work.commit()


# Unsubscribe links ----------------------------------------------------------------------


@dataclass(frozen=True)
class Unsubscribed:
    recipient_id: str
    topics: list[str]


def check_unsubscribe_token(
    query: queries.CheckUnsubscribeToken, deps: NotifyDependencies
) -> unsubscribe.UnsubscribeRequest:
    return unsubscribe.verify(deps.keys.key, query.token, deps.clock())


def unsubscribe_by_link(command: commands.Unsubscribe, deps: NotifyDependencies) -> Unsubscribed:
    """E-mail off for the token's topic (a digest's token: every topic of that digest)."""
    now = deps.clock()
    request = unsubscribe.verify(deps.keys.key, command.token, now)
    with deps.uow() as work:
        chosen = work.views.deliveries.load_preferences(request.recipient_id)
        if request.topic.partition(":")[0] == DIGEST_TOPIC:
            which = request.topic.partition(":")[2]  # "daily" or "weekly"
            digested = [f for f in DIGESTS if f == which] or list(DIGESTS)
            topics = [t for t in Topic if chosen.frequency(t, Channel.EMAIL) in digested]
        else:
            topics = [Topic(request.topic)] if request.topic in set(Topic) else []
        for topic in topics:
            work.views.deliveries.save_preference(
                request.recipient_id, topic, Channel.EMAIL, Frequency.OFF, now
            )
        work.commit()
    return Unsubscribed(request.recipient_id, [str(topic) for topic in topics])


# Delivery log -----------------------------------------------------------------------------


def list_deliveries(
    query: queries.ListDeliveries, deps: NotifyDependencies
) -> tuple[list[DeliveryView], tuple[str, str] | None, int]:
    principal = current_principal()
    if principal is None or not principal.has_any_role({"admin"}):
        raise PermissionDenied("the delivery log is for operators (admin)")
    if query.channel and query.channel not in set(Channel):
        raise InvalidArgument(FieldViolation("channel", f"one of {', '.join(Channel)} or empty"))
    if query.status and query.status not in set(DeliveryStatus):
        raise InvalidArgument(
            FieldViolation("status", f"one of {', '.join(DeliveryStatus)} or empty")
        )
    with deps.read() as views:
        return views.deliveries.list_deliveries(
            recipient_id=query.recipient_id,
            notification_type=query.notification_type,
            status=query.status,
            channel=query.channel,
            page_size=query.page_size,
            after=query.after,
        )
