"""Items editors pick in alerts reach notify's next campaign as draft content: alerts'
outbox relayed to the real RabbitMQ, notify's real worker process consuming."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ecbm_alerts.application import commands as alerts_commands
from ecbm_alerts.bootstrap import SERVICE as ALERTS
from ecbm_alerts.bootstrap import AlertsSettings
from ecbm_alerts.bootstrap import bootstrap as alerts_bootstrap
from ecbm_alerts.domain.entry import ItemKind
from ecbm_notify.application.newsletter import queries
from ecbm_notify.bootstrap import Notify
from ecbm_runtime.actor import Actor
from ecbm_runtime.auth import Principal, acting_as
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.outbox import OutboxRelay
from ecbm_runtime.tables import inbox
from ecbm_runtime.testing import wait_until, worker_process

pytestmark = [pytest.mark.rabbitmq, pytest.mark.slow]
EDITOR = Principal(subject="editor-1", roles=frozenset({"editor"}))
ALERTS_EDITOR = Actor(subject="editor-1", roles=frozenset({"editor"}))


@pytest.fixture
def worker(
    notify: Notify, database_url: str, isolated_amqp_url: str, tmp_path: Path
) -> Iterator[Path]:
    environment = {"ECBM_NOTIFY_DATABASE_URL": database_url, "ECBM_AMQP_URL": isolated_amqp_url}
    with worker_process("notify", environment, tmp_path) as log:
        yield log


def picked_by_notify(notify: Notify) -> int:
    with notify.engine.connect() as connection:
        query = select(func.count()).where(inbox.c.handler == "notify.newsletter_item_picked")
        return int(connection.execute(query).scalar_one())


# The drafting is the same SQL on both databases; one worker start is enough.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_picked_items_become_draft_content_of_the_next_campaign(
    worker: Path, notify: Notify, isolated_amqp_url: str, tmp_path: Path
) -> None:
    alerts_url = f"sqlite:///{tmp_path / 'alerts.db'}"
    upgrade(ALERTS.migrations, alerts_url)
    settings = ALERTS.load_settings(database_url=alerts_url)
    assert isinstance(settings, AlertsSettings)
    alerts = alerts_bootstrap(settings)
    relay = OutboxRelay(alerts.engine, isolated_amqp_url, "alerts")

    def create(title: str, url: str) -> str:
        item = alerts_commands.CreateItem(
            actor=ALERTS_EDITOR, kind=ItemKind.EVENT, title=title, url=url,
            summary=f"{title}: what it is about.",
        )  # fmt: skip
        return str(alerts.bus.handle(item))

    def pick(item_id: str) -> None:
        alerts.bus.handle(alerts_commands.PickForNewsletter(actor=ALERTS_EDITOR, item_id=item_id))

    try:
        summit = create("Mentoring summit in Ghent", "https://summit.example.eu/ghent")
        webinar = create("Webinar on peer mentoring", "https://webinars.example.eu/peer")
        alerts.bus.handle(
            alerts_commands.CurateItem(actor=ALERTS_EDITOR, item_id=webinar, pinned=True,
                                       hidden=False, note="Register before Friday.")
        )  # fmt: skip
        for item_id in (summit, webinar, summit):  # the summit picked twice
            pick(item_id)
        assert relay.sweep(grace_seconds=0) == 3
        wait_until(lambda: picked_by_notify(notify) == 3, 60, message=f"log: {worker}")
    finally:
        alerts.close()

    with acting_as(EDITOR):
        page = notify.bus.handle(queries.ListCampaigns(state="draft"))
    [draft] = page.items
    assert (draft.title, draft.created_by) == ("Next newsletter", "alerts")
    blocks = [(b.kind, b.text, b.url) for b in draft.blocks]
    picks = sorted(zip(blocks[::2], blocks[1::2], strict=True))  # handled in either order
    assert picks == [
        (("link", "Mentoring summit in Ghent", "https://summit.example.eu/ghent"),
         ("paragraph", "Mentoring summit in Ghent: what it is about.", "")),
        (("link", "Webinar on peer mentoring", "https://webinars.example.eu/peer"),
         ("paragraph", "Register before Friday.", "")),
    ]  # fmt: skip
