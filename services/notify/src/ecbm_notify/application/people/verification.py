"""E-mail verification: the link mailed to an address that starts waiting, and following it.

The mail is a delivery like any other (queued here in the handler's transaction, sent by
the worker's sender, retried, logged); it goes to the waiting address, never to the
verified one, and is the only mail an unverified address receives. Its link is signed when
the mail is rendered (`VERIFICATION_VALID_FOR`), so a retry mails a fresh one and no token
is stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ecbm_notify.adapters.email.deliveries import ClaimedDelivery, NewDelivery
from ecbm_notify.adapters.views import NotifyViews
from ecbm_notify.application.dependencies import NotifyDependencies
from ecbm_notify.application.people.commands import CheckVerificationLink, VerifyEmail
from ecbm_notify.domain import verification
from ecbm_notify.domain.preferences import Channel, Frequency, Topic
from ecbm_notify.domain.recipients import AddressNotWaiting
from ecbm_notify.domain.verification import (
    VERIFICATION_TYPE,
    VERIFICATION_VALID_FOR,
    InvalidVerificationLink,
)


def queue_verification(views: NotifyViews, recipient_id: str, address: str, now: datetime) -> None:
    """Queue the link for ``address`` (critical: preferences cannot turn it off)."""
    key = hashlib.sha256(f"{VERIFICATION_TYPE}|{address}|{now.isoformat()}".encode())
    views.deliveries.enqueue(
        NewDelivery(
            source_key=key.hexdigest()[:48],
            recipient_id=recipient_id,
            channel=Channel.EMAIL,
            notification_type=VERIFICATION_TYPE,
            topic=Topic.REGISTRY,
            critical=True,
            frequency=Frequency.IMMEDIATELY,
            payload={"address": address},
        ),
        now,
    )


def verification_mail(
    deps: NotifyDependencies, claimed: ClaimedDelivery, now: datetime
) -> tuple[str, dict[str, Any]]:
    """Where the claimed verification mail goes and its template's link.

    `AddressNotWaiting` when the person gave another address (or it was verified) since
    it was queued: a link for it could only fail.
    """
    address = str(claimed.payload["address"])
    if claimed.pending_email != address:
        raise AddressNotWaiting("the address no longer waits for verification")
    token = verification.issue(
        deps.keys.key, claimed.recipient_id, address, now, VERIFICATION_VALID_FOR
    )
    base = deps.outbound.public_base_url.rstrip("/")
    return address, {
        "verify_url": f"{base}/verify-email?token={token}",
        "valid_days": VERIFICATION_VALID_FOR.days,
    }


@dataclass(frozen=True)
class Verified:
    address: str


def verify_email(command: VerifyEmail, deps: NotifyDependencies) -> Verified:
    """The link's address becomes its person's; following it again changes nothing."""
    key = deps.keys.key
    request = verification.verify(key, command.token, deps.clock())
    with deps.uow() as work:
        people = work.views.people
        addresses = people.addresses(request.recipient_id)
        address = next(
            (a for a in (addresses.pending, addresses.verified) if request.is_for(key, a)), None
        )
        if address is None:
            raise InvalidVerificationLink("this link is for an address that no longer waits")
        try:
            people.set_addresses(request.recipient_id, addresses.confirmed(address))
        except AddressNotWaiting as error:
            raise InvalidVerificationLink(str(error)) from error
        work.commit()
    return Verified(address)


def check_verification_link(query: CheckVerificationLink, deps: NotifyDependencies) -> Verified:
    """What following the link would verify; `InvalidVerificationLink` if it would fail."""
    key = deps.keys.key
    request = verification.verify(key, query.token, deps.clock())
    with deps.read() as views:
        addresses = views.people.addresses(request.recipient_id)
    for address in (addresses.pending, addresses.verified):
        if request.is_for(key, address):
            assert address is not None
            return Verified(address)
    raise InvalidVerificationLink("this link is for an address that no longer waits")
