"""A procedure's rapporteurs linked to the policy contacts of the Brussels network.

Alerts publishes the rapporteurs of each procedure it collects by their public names
(``RapporteursNamed``: the Legislative Observatory publishes them). Registry is the one
that holds its contacts' names, so it does the matching and answers with ids only
(``RapporteurLinked``): no contact's name leaves registry. Names are compared normalised
(accents, case, punctuation and word order ignored, German umlauts spelt out or not: the
Observatory writes "FERREIRA Ana", an editor "Ana Ferreira") with rapidfuzz; a rapporteur is
linked to the one best MEP of the network at or above ``THRESHOLD``, and to nobody when two
contacts tie. Withdrawn contacts and contacts who are not MEPs are never linked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from ecbm_integration import alerts, registry
from ecbm_runtime.wiring import Area

if TYPE_CHECKING:
    from ecbm_registry.bootstrap import RegistryDependencies

# ratio of the normalised names (words sorted): 95 takes a typo in a long name; names one
# letter apart ("Katrin Weber", "Karin Weber": 95.7) are the limit of what names can tell.
THRESHOLD = 95.0
_NOT_A_LETTER = re.compile(r"[^a-z0-9]+")
_SPELT_OUT = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def normalised_name(name: str) -> str:
    """Lower case, no accents or punctuation, words in alphabetical order; "ü" and "ue"
    alike ("Müller", "Mueller", "Muller")."""
    folded = name.casefold().translate(_SPELT_OUT)
    plain = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    plain = re.sub(r"([aou])e", r"\1", plain)
    return " ".join(sorted(_NOT_A_LETTER.sub(" ", plain).split()))


def best_contact(name: str, contacts: Sequence[tuple[str, str]]) -> str | None:
    """The id of the one contact whose name is ``name``'s, or None (none close, or a tie)."""
    wanted = normalised_name(name)
    if not wanted:
        return None
    choices = {id: normalised_name(display) for id, display in contacts}
    found = process.extract(
        wanted, choices, scorer=fuzz.token_sort_ratio, score_cutoff=THRESHOLD, limit=2
    )
    if not found or (len(found) == 2 and found[0][1] == found[1][1]):
        return None
    return str(found[0][2])


def link_rapporteurs(event: alerts.RapporteursNamed, deps: RegistryDependencies) -> int:
    """``RapporteurLinked`` for each rapporteur who is an MEP of the network; how many. The
    names are kept, so that an MEP added later is linked too (``link_new_contact``)."""
    linked = 0
    with deps.uow() as work:
        network = work.views.network
        network.remember_rapporteurs(
            event.item_id, event.reference, [(r.name, r.role) for r in event.rapporteurs]
        )
        meps = network.meps()
        for rapporteur in event.rapporteurs:
            contact = best_contact(rapporteur.name, meps)
            if contact is not None:
                found = (contact, rapporteur.role, rapporteur.name)
                work.publish(_linked(event.item_id, event.reference, *found, event.occurred_at))
                linked += 1
        work.commit()
    return linked


def link_new_contact(
    event: registry.PolicyContactAdded | registry.PolicyContactUpdated,
    deps: RegistryDependencies,
) -> int:
    """An MEP joined the network (or their details changed): link them to the procedures
    already named whose rapporteur they are, by the same rule (the one best contact)."""
    if isinstance(event, registry.PolicyContactUpdated) and event.change != "DETAILS":
        return 0
    linked = 0
    with deps.uow() as work:
        network = work.views.network
        meps = network.meps()
        if event.policy_contact_id in {id for id, _ in meps}:
            for item_id, reference, name, role in network.procedure_rapporteurs():
                if best_contact(name, meps) == event.policy_contact_id:
                    work.publish(_linked(item_id, reference, event.policy_contact_id, role,
                                         name, event.occurred_at))  # fmt: skip
                    linked += 1
        work.commit()
    return linked


def _linked(
    item_id: str, reference: str, contact: str, role: str, name: str, at: datetime
) -> registry.RapporteurLinked:
    return registry.RapporteurLinked(
        item_id=item_id,
        reference=reference,
        policy_contact_id=contact,
        role="shadow" if role == "shadow" else "rapporteur",
        rapporteur=name,
        occurred_at=at,
    )


AREA = Area(
    handlers={
        alerts.RapporteursNamed: link_rapporteurs,
        registry.PolicyContactAdded: link_new_contact,
        registry.PolicyContactUpdated: link_new_contact,
    }
)
