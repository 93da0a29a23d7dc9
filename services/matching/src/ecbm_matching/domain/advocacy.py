"""The Brussels advocacy programme: which policy contacts a national delegation should ask
to visit, with the reasons in plain words.

A delegation counts most on its own country's MEPs and liaison office, and on Commission
staff (any country) working on its topics or in the committee / directorate-general it
names; topic overlap and a contact's stance add to that. The same data gives the same
order (ties by contact id).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

STANCE = {
    "CHAMPION": (1.0, "already a champion of mentoring"),
    "OPEN": (0.75, "open to mentoring"),
    "UNKNOWN": (0.5, "stance not known yet: a first visit tells"),
    "SCEPTICAL": (0.25, "sceptical: a visit may change their mind"),
}


@dataclass(frozen=True)
class Contact:
    id: str
    kind: str  # MEP, COMMISSION_STAFF, NATIONAL_LIAISON_OFFICE, SUPPORTING_ORGANISATION, LOBBYIST
    country: str
    stance: str
    topics: tuple[str, ...]
    committee: str = ""  # one or more, e.g. "EMPL, CULT"


@dataclass(frozen=True)
class Suggestion:
    contact_id: str
    score: float
    explanation: str


def suggest(
    country: str,
    topics: Sequence[str],
    contacts: Sequence[Contact],
    committees: Sequence[str] = (),
    limit: int = 10,
) -> list[Suggestion]:
    """Contacts worth a visit for a delegation from ``country`` working on ``topics``
    (and, when known, the ``committees`` / directorates-general that handle them).
    A contact with neither the delegation's country nor a shared topic or committee is
    not suggested."""
    wanted, relevant = set(topics), {c.upper() for c in committees}
    found: list[Suggestion] = []
    for contact in contacts:
        shared = sorted(wanted & set(contact.topics))
        same_country = contact.country == country
        sits_in = sorted(set(re.split(r"[,;\s]+", contact.committee.upper())) & relevant)
        in_committee = bool(sits_in)
        score, reasons = 0.0, []
        if contact.kind == "MEP" and same_country:
            score, reasons = 3.0, [f"an MEP from {country}"]
        elif contact.kind == "NATIONAL_LIAISON_OFFICE" and same_country:
            score, reasons = 1.5, [f"{country}'s liaison office in Brussels"]
        elif contact.kind == "COMMISSION_STAFF" and (shared or in_committee):
            score, reasons = 2.0, ["Commission staff"]
        elif shared or in_committee:
            score, reasons = 0.5, [contact.kind.lower().replace("_", " ")]
        else:
            continue
        if in_committee:
            score += 1.5
            reasons.append(f"in {', '.join(sits_in)}, which handles your topics")
        if shared:
            score += 2.0 * len(shared) / max(len(wanted), 1)
            reasons.append(f"works on {', '.join(shared)}")
        weight, words = STANCE.get(contact.stance, STANCE["UNKNOWN"])
        score += weight
        reasons.append(words)
        found.append(Suggestion(contact.id, round(score, 3), "; ".join(reasons)))
    found.sort(key=lambda s: (-s.score, s.contact_id))
    return found[:limit]
