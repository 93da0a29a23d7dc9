"""Integration events published by the alerts service (exchange ``alerts.events``).

Notify turns ``AlertMatched`` and ``DeadlineApproaching`` into mail and inbox items (through
each person's preferences and digests; ``rhythm`` says how soon the subscriber wants them)
and may draft its next newsletter from ``NewsletterItemPicked``. Matching opens a project
partner search on ``PartnerSearchRequested``. ``ItemChanged`` tells anyone following an
item that a deadline moved, a call's status or a procedure's stage changed.
``RapporteursNamed`` hands a procedure's rapporteurs (public names) to registry, which links
them to its policy contacts.
"""

from ecbm_integration.alerts.events import (
    AlertMatched,
    AlertsEvent,
    DeadlineApproaching,
    ItemChanged,
    ItemKind,
    NamedRapporteur,
    NewsletterItemPicked,
    PartnerSearchRequested,
    RapporteursNamed,
)

__all__ = [
    "AlertMatched",
    "AlertsEvent",
    "DeadlineApproaching",
    "ItemChanged",
    "ItemKind",
    "NamedRapporteur",
    "NewsletterItemPicked",
    "PartnerSearchRequested",
    "RapporteursNamed",
]
