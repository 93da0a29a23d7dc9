"""``NotifyDependencies``: what every notify handler may use, one object for all of them.

Every handler is ``handler(message, deps)``. ``deps.uow()`` opens a unit of work whose
``views`` are ``NotifyViews``; ``deps.read()`` gives the views on a read-only connection.
The rest is what some handlers need besides the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ecbm_notify.adapters.live import Fanout
from ecbm_notify.adapters.views import NotifyViews
from ecbm_notify.application.email.outbound import DigestSchedule, Outbound, UnsubscribeKeys
from ecbm_notify.application.newsletter.context import Newsletter
from ecbm_notify.application.ports import Clock, utc_now
from ecbm_runtime.messagebus import Dependencies
from ecbm_runtime.sealing import ContactSeal


@dataclass(frozen=True, kw_only=True)
class NotifyDependencies(Dependencies[NotifyViews]):
    # The api process's watchers of inboxes (gRPC streams, SSE).
    fanout: Fanout
    # E-mail: SMTP, templates, retries; the keys that sign unsubscribe links.
    outbound: Outbound
    keys: UnsubscribeKeys
    # Campaigns: templates, their own SMTP connections, links, pacing.
    newsletter: Newsletter
    # Opens the name and e-mail the registry seals into PersonJoined and PersonUpdated.
    contact_seal: ContactSeal
    # The quality committee's shared address ("": its web inbox only).
    committee_email: str = ""
    digests: DigestSchedule = field(default_factory=DigestSchedule)
    clock: Clock = utc_now
