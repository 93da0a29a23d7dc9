"""The quality worker process (nameko) against real RabbitMQ and PostgreSQL: matching's
accepted introductions reach the impartiality rule, and the timer suspends a label whose
conditions were not met by their deadline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from quality_journey import accredit, affiliate, auditors, publish_default_criteria

from ecbm_integration import matching
from ecbm_quality.application import commands as c
from ecbm_quality.bootstrap import SERVICE, Quality, QualitySettings, bootstrap
from ecbm_quality.domain.label import Standing
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.testing import publish_as_source, wait_until, worker_process

pytestmark = [pytest.mark.rabbitmq, pytest.mark.postgres]


@pytest.fixture
def app(postgres_url: str) -> Iterator[Quality]:
    upgrade(SERVICE.migrations, postgres_url)
    settings = SERVICE.load_settings(database_url=postgres_url)
    assert isinstance(settings, QualitySettings)
    application = bootstrap(settings)
    yield application
    application.close()


@pytest.fixture
def worker(
    app: Quality, postgres_url: str, isolated_amqp_url: str, tmp_path: Path
) -> Iterator[Path]:
    environment = {
        "ECBM_QUALITY_DATABASE_URL": postgres_url,
        "ECBM_AMQP_URL": isolated_amqp_url,
        "ECBM_QUALITY_RENEWAL_CHECK_INTERVAL_SECONDS": "0.2",
    }
    with worker_process("quality", environment, tmp_path) as log:
        yield log


def test_introductions_and_unmet_conditions_run_in_the_worker(
    app: Quality, worker: Path, isolated_amqp_url: str
) -> None:
    now = datetime.now(UTC)
    publish_default_criteria(app.bus)
    affiliate(app.bus, now)
    auditors(app.bus, now)
    accredit(app.bus, conditions_due=now + timedelta(seconds=3))
    code = app.bus.handle(c.ListLabels()).labels[0].code

    for person in ("ria", "cora"):
        publish_as_source(isolated_amqp_url, "matching", matching.IntroductionAccepted(
            introduction_id="intro-1", person_id=person,
            request_title="Peer exchange", occurred_at=now,
        ))  # fmt: skip

    def introduced() -> bool:
        with app.dependencies.read() as views:
            return "org-1" in views.collaborated_with("ria", now - timedelta(days=1))

    def suspended() -> bool:
        label = app.bus.handle(c.VerifyLabel(code=code))
        return bool(label.standing is Standing.SUSPENDED)

    wait_until(introduced, 60, message=f"introduction recorded (log: {worker})")
    wait_until(suspended, 60, message=f"label suspended by the timer (log: {worker})")
    assert "not met by" in app.bus.handle(c.VerifyLabel(code=code)).reason
