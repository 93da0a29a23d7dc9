"""Alerts' procedure rapporteurs linked to the network's MEPs, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from ecbm_integration import alerts
from ecbm_integration import registry as registry_events
from ecbm_registry.application.network import commands
from ecbm_registry.bootstrap import Registry
from ecbm_runtime.auth import Principal, acting_as

EDITOR = Principal("editor-1", frozenset({"editor"}))


@pytest.fixture(autouse=True)
def as_editor() -> Iterator[None]:
    with acting_as(EDITOR):
        yield


def contact(registry: Registry, name: str, kind: str = "mep") -> str:
    added = registry.bus.handle(
        commands.AddPolicyContact(
            display_name=name, kind=kind, country="PT", institution="European Parliament",
            committee="CULT", topics=("education",), stance="open",
        )
    )  # fmt: skip
    return str(added.id)


def test_rapporteurs_who_are_meps_of_the_network_are_linked_by_id_only(
    registry: Registry, published: Callable[[str], list[dict[str, object]]]
) -> None:
    ana = contact(registry, "Ana Ferreira")
    jan = contact(registry, "DE VRIES, Jan")
    contact(registry, "Maria Rossi")
    contact(registry, "Maria Rossi")  # two contacts of one name: linking either could be wrong
    contact(registry, "Katrin Weber", kind="lobbyist")  # not an MEP
    withdrawn = contact(registry, "Piet Jansen")
    registry.bus.handle(commands.WithdrawPolicyContact(contact_id=withdrawn))
    named = alerts.RapporteursNamed(
        item_id="item-1",
        reference="2026/0142(COD)",
        title="European Year of Youth Mentoring 2028",
        committee="CULT",
        rapporteurs=[
            alerts.NamedRapporteur(name="FERREIRA Ana", role="rapporteur", group="S&D"),
            alerts.NamedRapporteur(name="Jan de Vries", role="shadow", group="EPP"),
            *(
                alerts.NamedRapporteur(name=name, role="shadow")
                for name in ("Maria Rossi", "Katrin Weber", "Piet Jansen", "Someone Else")
            ),
        ],
        occurred_at=datetime(2027, 1, 10, tzinfo=UTC),
    )

    assert registry.bus.handle(named) == 2

    links = published("RapporteurLinked")
    assert [(b["policy_contact_id"], b["role"], b["rapporteur"]) for b in links] == [
        (ana, "rapporteur", "FERREIRA Ana"),
        (jan, "shadow", "Jan de Vries"),
    ]
    assert {b["item_id"] for b in links} == {"item-1"}

    # An MEP who joins the network later is linked when registry's worker hears of them.
    later = contact(registry, "Someone ELSE")
    [added] = [b for b in published("PolicyContactAdded") if b["policy_contact_id"] == later]
    assert registry.bus.handle(registry_events.PolicyContactAdded.read(added)) == 1
    assert [(b["policy_contact_id"], b["role"]) for b in published("RapporteurLinked")][-1] == (
        later, "shadow",
    )  # fmt: skip
