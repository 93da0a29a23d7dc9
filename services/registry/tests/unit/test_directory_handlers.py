"""The directory's handlers of the quality service's label events, on in-memory records."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fakes import InMemoryRegistry

from ecbm_integration import quality
from ecbm_runtime.context import MessageContext
from ecbm_runtime.inbox import Delivery, DuplicateDelivery

EARLIER = datetime(2026, 1, 1, tzinfo=UTC)
LATER = datetime(2026, 2, 1, tzinfo=UTC)


def delivered(event_id: str) -> MessageContext:
    return MessageContext(delivery=Delivery(handler="registry.on_label", event_id=event_id))


def test_an_awarded_label_is_held_once_per_delivery() -> None:
    registry = InMemoryRegistry()
    awarded = quality.QualityLabelAwarded(programme_id="p1", step="distinction", occurred_at=LATER)

    registry.bus.handle(awarded, delivered("e1"))
    with pytest.raises(DuplicateDelivery):
        registry.bus.handle(awarded, delivered("e1"))

    assert registry.views.directory.labels == {"p1": ("distinction", LATER)}
    assert registry.records.inbox == {("registry.on_label", "e1")}


def test_a_withdrawn_label_older_than_the_held_decision_changes_nothing() -> None:
    registry = InMemoryRegistry()
    registry.bus.handle(
        quality.QualityLabelAwarded(programme_id="p1", step="distinction", occurred_at=LATER),
        delivered("e1"),
    )

    registry.bus.handle(
        quality.QualityLabelWithdrawn(programme_id="p1", step="distinction", occurred_at=EARLIER),
        delivered("e2"),
    )
    registry.bus.handle(
        quality.QualityLabelWithdrawn(programme_id="p2", step="distinction", occurred_at=EARLIER),
        delivered("e3"),
    )

    assert registry.views.directory.labels["p1"] == ("distinction", LATER)
    assert registry.views.directory.labels["p2"][0] == "none"
    assert len(registry.records.inbox) == 3


def test_a_version_one_award_still_in_flight_lands_on_its_step() -> None:
    registry = InMemoryRegistry()
    body = {"programme_id": "p1", "level": "level-1", "occurred_at": LATER.isoformat()}

    registry.bus.handle(quality.QualityLabelAwarded.read(body), delivered("e1"))

    assert registry.views.directory.labels == {"p1": ("accredited", LATER)}
