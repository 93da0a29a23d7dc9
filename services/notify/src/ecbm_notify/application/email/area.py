"""E-mail: preferences, unsubscribe links, the delivery log, the sender and the digests.

Its tables (preferences, deliveries) are notify's own, outside the event store.
"""

from __future__ import annotations

from ecbm_notify.application.email import commands, handlers, queries, sending
from ecbm_runtime.wiring import Area

AREA = Area(
    handlers={
        commands.UpdatePreferences: handlers.update_preferences,
        commands.Unsubscribe: handlers.unsubscribe_by_link,
        commands.SendDueMail: sending.send_due_mail,
        commands.MakeDigests: sending.make_digests,
        queries.GetPreferences: handlers.get_preferences,
        queries.CheckUnsubscribeToken: handlers.check_unsubscribe_token,
        queries.ListDeliveries: handlers.list_deliveries,
    },
)
