"""``NotifyViews``: what notify's handlers read and write besides the event store.

One object per transaction (or read-only connection), gathering each area's views of its
read models and of the tables notify keeps outside the event store (deliveries, contacts,
people, newsletter sends). Handlers reach the database only through it.
"""

from __future__ import annotations

from sqlalchemy import Connection

from ecbm_notify.adapters.email.deliveries import Deliveries
from ecbm_notify.adapters.inbox.views import InboxViews
from ecbm_notify.adapters.newsletter.sends import NewsletterSends
from ecbm_notify.adapters.newsletter.views import NewsletterViews
from ecbm_notify.adapters.people.contacts import Contacts
from ecbm_notify.adapters.people.people import People


class NotifyViews:
    def __init__(self, connection: Connection) -> None:
        self.inbox = InboxViews(connection)
        self.contacts = Contacts(connection)
        self.people = People(connection)
        self.deliveries = Deliveries(connection)
        self.campaigns = NewsletterViews(connection)
        self.sends = NewsletterSends(connection)
