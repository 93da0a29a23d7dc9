"""The registry worker takes in quality's label events from a real RabbitMQ: the level lands
in the directory once, even when a message is delivered twice."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecbm_integration import quality
from ecbm_registry.application.directory.queries import SearchProgrammes
from ecbm_registry.application.programmes import commands
from ecbm_registry.bootstrap import Registry
from ecbm_runtime.actor import Actor
from ecbm_runtime.testing import publish_as_source, wait_until, worker_process

CENTER_EDITOR = Actor(subject="editor-1", roles=frozenset({"editor"}))

pytestmark = [pytest.mark.rabbitmq, pytest.mark.slow]


@pytest.fixture
def worker(database_url: str, isolated_amqp_url: str, tmp_path: Path) -> Iterator[Path]:
    """The registry's worker process (worker_main), healthy: its queues are declared."""
    environment = {
        "ECBM_REGISTRY_DATABASE_URL": database_url,
        "ECBM_AMQP_URL": isolated_amqp_url,
    }
    with worker_process("registry", environment, tmp_path) as log:
        yield log


def level_of(registry: Registry, name: str) -> str:
    hits = registry.bus.handle(SearchProgrammes(query=name)).hits
    return str(hits[0].quality_level) if hits else "(not found)"


def test_label_events_from_the_broker_set_and_clear_the_quality_level(
    registry: Registry, worker: Path, isolated_amqp_url: str
) -> None:
    organisation = registry.bus.handle(
        commands.RegisterOrganisation(
            display_name="Mentoring Lab", kind="mentoring_organisation", country="BE",
            contact_name="An Peeters", contact_email="an@example.org",
        )
    )  # fmt: skip
    programme = registry.bus.handle(
        commands.RegisterProgramme(
            actor=CENTER_EDITOR, organisation_id=organisation.id, display_name="Buddy Up Gent",
            languages=("nl",), countries=("BE",),
        )
    )  # fmt: skip
    now = datetime.now(UTC)
    award = quality.QualityLabelAwarded(
        programme_id=programme.id, step=quality.QualityStep.DISTINCTION, occurred_at=now
    )
    same_id = uuid.uuid4().hex
    publish_as_source(isolated_amqp_url, "quality", award, same_id)
    wait_until(lambda: level_of(registry, "buddy") == "distinction", 20, message="label awarded")

    withdrawal = quality.QualityLabelWithdrawn(
        programme_id=programme.id, step=quality.QualityStep.DISTINCTION,
        occurred_at=now + timedelta(seconds=1), reason="audit lapsed",
    )  # fmt: skip
    publish_as_source(isolated_amqp_url, "quality", withdrawal, uuid.uuid4().hex)
    wait_until(lambda: level_of(registry, "buddy") == "none", 20, message="label withdrawn")

    # The award delivered again (same event id) after a newer award: nothing changes.
    newer = award.model_copy(
        update={"step": quality.QualityStep.AFFILIATED, "occurred_at": now + timedelta(2)}
    )
    publish_as_source(isolated_amqp_url, "quality", award, same_id)
    publish_as_source(isolated_amqp_url, "quality", newer, uuid.uuid4().hex)
    wait_until(lambda: level_of(registry, "buddy") == "affiliated", 20, message="newer award")
    wait_until(
        lambda: "already handled" in worker.read_text(), 20, message="duplicate acknowledged"
    )
    assert level_of(registry, "buddy") == "affiliated"
