"""The demos of alerts and registry agree: every rapporteur of alerts' demo Legislative
Observatory procedures is an MEP of registry's demo network, so ``ecbm up --demo`` shows the
procedures' rapporteurs linked (``RapporteurLinked``). Read as the services read them: the
fixture through alerts' connector, the names through registry's matching rule."""

from __future__ import annotations

from ecbm.alerts.v1 import alerts_pb2 as apb
from ecbm.registry.v1 import network_pb2 as npb
from ecbm_alerts.adapters.connectors import oeil_entries
from ecbm_alerts.domain.entry import Entry, ItemKind
from ecbm_alerts.entrypoints.demo import FEEDS, SOURCES
from ecbm_registry.application.network.rapporteurs import best_contact
from ecbm_registry.entrypoints import demo_network


def demo_procedures() -> list[Entry]:
    """The procedures of every Legislative Observatory source of alerts' demo."""
    paths = [path for _, kind, path, _ in SOURCES if kind == apb.SOURCE_KIND_OEIL]
    assert paths
    return [
        entry
        for path in paths
        for entry in oeil_entries((FEEDS / path).read_bytes(), ItemKind.PROCEDURE)
    ]


def test_every_demo_rapporteur_is_linked_to_an_mep_of_the_demo_network_on_the_committee() -> None:
    contacts = dict(demo_network.policy_contacts())
    meps = [
        (request_id, contact.display_name)
        for request_id, contact in contacts.items()
        if contact.kind == npb.POLICY_CONTACT_KIND_MEP
    ]
    named = {(r.name, p.committee) for p in demo_procedures() for r in p.rapporteurs}

    linked = {(name, committee): best_contact(name, meps) for name, committee in named}

    assert len(linked) >= 3
    assert {name for (name, _), contact in linked.items() if contact is None} == set()
    assert len(set(linked.values())) == len({name for name, _ in named})  # one MEP a name
    assert all(c in contacts[str(id)].committee.split(", ") for (_, c), id in linked.items())
