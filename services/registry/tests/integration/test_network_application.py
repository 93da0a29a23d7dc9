"""The Brussels network's use cases through the bus, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from ecbm_registry.application.network import commands, queries
from ecbm_registry.application.network.handlers import PolicyContactNotFound, StaleVersion
from ecbm_registry.bootstrap import SERVICE, Registry
from ecbm_registry.domain.interaction import NotAParticipant
from ecbm_registry.domain.policy_contact import ContactWithdrawn
from ecbm_runtime.auth import Principal, acting_as
from ecbm_runtime.tables import outbox

EDITOR = Principal("editor-1", frozenset({"editor"}))
MEMBER = Principal("person-7", frozenset({"member"}))


@pytest.fixture(autouse=True)
def as_editor() -> Iterator[None]:
    with acting_as(EDITOR):
        yield


def mep(country: str = "PT", **changes: object) -> commands.AddPolicyContact:
    fields: dict[str, object] = {
        "display_name": f"MEP of {country}", "kind": "mep", "country": country,
        "institution": "European Parliament", "committee": "EMPL",
        "topics": ("education",), "stance": "unknown",
    }  # fmt: skip
    return commands.AddPolicyContact(**{**fields, **changes})


def test_an_added_contact_can_be_read_back_with_its_first_stance_in_history(
    registry: Registry,
) -> None:
    added = registry.bus.handle(mep(stance="open"))

    history = registry.bus.handle(queries.GetStanceHistory(contact_id=added.id))

    assert added.stance == "open" and added.version == 1
    assert [(h.stance, h.previous, h.changed_by) for h in history] == [("open", "", "editor-1")]


def test_stance_changes_are_kept_newest_first_with_reason_and_author(registry: Registry) -> None:
    contact = registry.bus.handle(mep())
    registry.bus.handle(
        commands.ChangeStance(contact_id=contact.id, stance="champion", reason="hosted our event")
    )

    history = registry.bus.handle(queries.GetStanceHistory(contact_id=contact.id))

    assert (history[0].stance, history[0].previous, history[0].reason) == (
        "champion", "unknown", "hosted our event",
    )  # fmt: skip
    assert len(history) == 2


def test_delegations_find_their_countrys_meps_most_supportive_first(registry: Registry) -> None:
    for country, stance in [("PT", "sceptical"), ("PT", "champion"), ("DE", "champion")]:
        registry.bus.handle(mep(country, display_name=f"{country} {stance}", stance=stance))
    registry.bus.handle(mep("PT", kind="lobbyist", display_name="PT lobby", stance="champion"))

    page = registry.bus.handle(
        queries.ListPolicyContacts(country="PT", kind="mep", order_by="stance, display_name")
    )

    assert [c.display_name for c in page.items] == ["PT champion", "PT sceptical"]
    assert page.total_size == 2


def test_support_is_counted_by_stance_per_country(registry: Registry) -> None:
    for country, stance in [
        ("PT", "open"),
        ("PT", "open"),
        ("PT", "sceptical"),
        ("BE", "champion"),
    ]:
        registry.bus.handle(mep(country, stance=stance))

    summary = registry.bus.handle(queries.SummariseSupport())

    assert [(s.country, s.counts) for s in summary] == [
        ("BE", {"champion": 1}), ("PT", {"open": 2, "sceptical": 1}),
    ]  # fmt: skip


def test_an_update_against_a_stale_version_is_aborted(registry: Registry) -> None:
    contact = registry.bus.handle(mep())
    registry.bus.handle(commands.ChangeStance(contact_id=contact.id, stance="open", reason="r"))

    with pytest.raises(StaleVersion):
        registry.bus.handle(
            commands.UpdatePolicyContact(
                contact_id=contact.id, expected_version=1, changes={"committee": "CULT"}
            )
        )


def test_an_update_changes_only_the_masked_fields(registry: Registry) -> None:
    contact = registry.bus.handle(mep())

    updated = registry.bus.handle(
        commands.UpdatePolicyContact(
            contact_id=contact.id, expected_version=1, changes={"committee": "CULT"}
        )
    )

    assert (updated.committee, updated.topics, updated.version) == ("CULT", ("education",), 2)


def test_a_member_logs_a_visit_they_took_part_in_and_finds_it_by_participant(
    registry: Registry,
) -> None:
    contact = registry.bus.handle(mep())
    visit = commands.LogInteraction(
        contact_id=contact.id, kind="advocacy_visit", occurred_on=date(2026, 3, 4),
        participants=("person-7", "person-8"), outcome="will table a question",
    )  # fmt: skip

    with acting_as(MEMBER):
        logged = registry.bus.handle(visit)
    found = registry.bus.handle(queries.ListInteractions(participant="person-8"))

    assert [i.id for i in found.items] == [logged.id]
    assert logged.logged_by == "person-7"


def test_a_member_cannot_log_an_interaction_without_taking_part(registry: Registry) -> None:
    contact = registry.bus.handle(mep())
    letter = commands.LogInteraction(
        contact_id=contact.id, kind="letter", occurred_on=date(2026, 3, 4),
        participants=("person-8",),
    )  # fmt: skip

    with acting_as(MEMBER), pytest.raises(NotAParticipant):
        registry.bus.handle(letter)


def test_interactions_are_listed_by_date_range(registry: Registry) -> None:
    contact = registry.bus.handle(mep())
    for day in (1, 10, 20):
        registry.bus.handle(
            commands.LogInteraction(
                contact_id=contact.id, kind="meeting", occurred_on=date(2026, 4, day),
                participants=("person-1",),
            )
        )  # fmt: skip

    found = registry.bus.handle(
        queries.ListInteractions(
            contact_id=contact.id, occurred_from=date(2026, 4, 5), occurred_to=date(2026, 4, 30)
        )
    )

    assert [i.occurred_on.day for i in found.items] == [20, 10]


def test_no_interaction_is_logged_with_a_withdrawn_contact(registry: Registry) -> None:
    contact = registry.bus.handle(mep())
    registry.bus.handle(commands.WithdrawPolicyContact(contact_id=contact.id, reason="retired"))

    with pytest.raises(ContactWithdrawn):
        registry.bus.handle(
            commands.LogInteraction(
                contact_id=contact.id, kind="letter", occurred_on=date(2026, 1, 1),
                participants=("person-1",),
            )
        )  # fmt: skip


def test_a_retried_add_with_the_same_request_id_adds_one_contact(registry: Registry) -> None:
    first = registry.bus.handle(mep(request_id="req-1"))
    again = registry.bus.handle(mep(request_id="req-1"))

    assert again.id == first.id
    assert registry.bus.handle(queries.ListPolicyContacts()).total_size == 1


def test_stance_changes_are_published_without_personal_data(registry: Registry) -> None:
    contact = registry.bus.handle(mep())
    registry.bus.handle(commands.ChangeStance(contact_id=contact.id, stance="open", reason="r"))

    with registry.engine.connect() as connection:
        rows = connection.execute(select(outbox).order_by(outbox.c.id)).mappings().all()

    assert [r["routing_key"] for r in rows] == ["PolicyContactAdded", "PolicyContactUpdated"]
    body = json.loads(rows[1]["body"])
    assert (body["change"], body["stance"], body["previous_stance"]) == (
        "STANCE",
        "OPEN",
        "UNKNOWN",
    )
    assert "MEP of PT" not in rows[0]["body"] and "reason" not in body


def test_an_unknown_contact_is_not_found(registry: Registry) -> None:
    with pytest.raises(PolicyContactNotFound):
        registry.bus.handle(queries.GetPolicyContact(contact_id="nobody"))


def test_replay_rebuilds_contacts_stance_history_and_interactions(
    registry: Registry, database_url: str
) -> None:
    contact = registry.bus.handle(mep())
    registry.bus.handle(commands.ChangeStance(contact_id=contact.id, stance="open", reason="r"))
    registry.bus.handle(
        commands.LogInteraction(
            contact_id=contact.id, kind="letter", occurred_on=date(2026, 1, 1),
            participants=("person-1",),
        )
    )  # fmt: skip
    before = registry.bus.handle(queries.GetStanceHistory(contact_id=contact.id))

    SERVICE.replay(SERVICE.load_settings(database_url=database_url))  # type: ignore[misc]

    assert registry.bus.handle(queries.GetStanceHistory(contact_id=contact.id)) == before
    assert registry.bus.handle(queries.GetPolicyContact(contact_id=contact.id)).stance == "open"
    assert registry.bus.handle(queries.ListInteractions(participant="person-1")).total_size == 1
