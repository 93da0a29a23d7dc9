"""The e-mail side's handlers in memory: preferences, unsubscribe links, the sender, digests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.fakes import KEY, NOW, InMemoryNotify, Recipient, in_memory_notify

from ecbm_notify.adapters.email.deliveries import NewDelivery
from ecbm_notify.adapters.mailer import MailRejected, MailServerDown, MailUnavailable
from ecbm_notify.application.email import commands, queries
from ecbm_notify.domain import unsubscribe
from ecbm_notify.domain.catalogue import template_samples
from ecbm_notify.domain.delivery import DeliveryStatus
from ecbm_notify.domain.preferences import Channel, Frequency, Topic
from ecbm_notify.domain.unsubscribe import InvalidUnsubscribeToken
from ecbm_runtime.auth import Principal, acting_as
from ecbm_runtime.errors import NotFound, PermissionDenied

ANA = Principal(subject="ana", roles=frozenset({"member"}))
ADMIN = Principal(subject="ops", roles=frozenset({"admin"}))
SAMPLES = template_samples()


@pytest.fixture
def notify() -> InMemoryNotify:
    notify = in_memory_notify()
    notify.tables.recipients["ana"] = Recipient(
        "ana", "ana@example.org", "Ana", person_id="ana", language="nl"
    )
    return notify


def queue(notify: InMemoryNotify, key: str = "k1", frequency: str = Frequency.IMMEDIATELY) -> None:
    new = NewDelivery(
        key,
        "ana",
        Channel.EMAIL,
        "programme_registered",
        Topic.REGISTRY,
        False,
        frequency,
        {**SAMPLES["programme_registered"], "title": "t", "body": "b", "link": "l"},
    )
    notify.deps.read_views().__enter__().deliveries.enqueue(new, NOW)


def entry(topic: str, channel: str, frequency: str) -> commands.PreferenceEntry:
    return commands.PreferenceEntry(topic=topic, channel=channel, frequency=frequency)


def test_update_preferences_saves_the_entries_and_answers_nothing(notify: InMemoryNotify) -> None:
    command = commands.UpdatePreferences(
        recipient_id="ana", entries=[entry("registry", "email", "daily")]
    )
    with acting_as(ANA):
        assert notify.handle(command) is None
        chosen = notify.handle(queries.GetPreferences(recipient_id="ana"))

    assert {(p.topic, p.channel): p.frequency for p in chosen}[("registry", "email")] == "daily"


def test_preferences_of_nobody_or_of_someone_else_are_refused(notify: InMemoryNotify) -> None:
    with (
        acting_as(Principal(subject="ghost", roles=frozenset({"editor"}))),
        pytest.raises(NotFound),
    ):
        notify.handle(commands.UpdatePreferences(recipient_id="ghost", entries=[]))
    stranger = Principal(subject="bo", roles=frozenset({"member"}))
    with acting_as(stranger), pytest.raises(PermissionDenied):
        notify.handle(queries.GetPreferences(recipient_id="ana"))


def test_unsubscribe_turns_email_off_for_the_tokens_topic(notify: InMemoryNotify) -> None:
    token = unsubscribe.issue(KEY, "ana", "registry", NOW, timedelta(days=1))

    assert notify.handle(queries.CheckUnsubscribeToken(token=token)).topic == "registry"
    done = notify.handle(commands.Unsubscribe(token=token))

    assert done.topics == ["registry"]
    assert notify.tables.preferences[("ana", "registry", "email")] == Frequency.OFF
    with pytest.raises(InvalidUnsubscribeToken):
        notify.handle(commands.Unsubscribe(token=token + "x"))


def test_a_digest_token_turns_off_every_topic_of_that_digest(notify: InMemoryNotify) -> None:
    notify.tables.preferences[("ana", "events", "email")] = Frequency.DAILY
    notify.tables.preferences[("ana", "quality", "email")] = Frequency.WEEKLY
    token = unsubscribe.issue(KEY, "ana", "digest:daily", NOW, timedelta(days=1))

    assert notify.handle(commands.Unsubscribe(token=token)).topics == ["events"]


def test_send_due_mail_sends_renders_and_records(notify: InMemoryNotify) -> None:
    queue(notify)

    report = notify.handle(commands.SendDueMail())

    assert (report.sent, report.failed) == (1, 0)
    assert notify.mailer.to() == ["ana@example.org"]
    assert "/unsubscribe?token=" in notify.mailer.sent[0]["List-Unsubscribe"]
    assert notify.delivery_statuses() == [DeliveryStatus.SENT]
    assert notify.handle(commands.SendDueMail()).sent == 0  # once


def test_send_due_mail_sorts_failures(notify: InMemoryNotify) -> None:
    queue(notify)
    notify.mailer.fail_with = MailUnavailable("451 later")
    assert notify.handle(commands.SendDueMail()).retrying == 1
    assert notify.delivery_statuses() == [DeliveryStatus.RETRYING]

    notify.mailer.fail_with = MailRejected("550 no such user")
    assert notify.handle(commands.SendDueMail(now=NOW + timedelta(hours=1))).failed == 1
    assert notify.delivery_statuses() == [DeliveryStatus.FAILED]


def test_a_server_down_leaves_the_mail_queued_without_an_attempt(notify: InMemoryNotify) -> None:
    queue(notify, "k1")
    queue(notify, "k2")
    notify.mailer.fail_with = MailServerDown("connection refused")

    report = notify.handle(commands.SendDueMail())

    assert report.server_down and report.sent == 0
    assert notify.delivery_statuses() == [DeliveryStatus.QUEUED] * 2
    assert [d["attempts"] for d in notify.tables.deliveries] == [0, 0]


def test_make_digests_merges_held_items_once_per_period(notify: InMemoryNotify) -> None:
    queue(notify, "k1", Frequency.DAILY)
    queue(notify, "k2", Frequency.DAILY)

    early = NOW.replace(hour=5)
    assert notify.handle(commands.MakeDigests(frequency=Frequency.DAILY, now=early)) == 0
    assert notify.handle(commands.MakeDigests(frequency=Frequency.DAILY)) == 1
    assert notify.handle(commands.MakeDigests(frequency=Frequency.DAILY)) == 0

    statuses = sorted(notify.delivery_statuses())
    assert statuses == [DeliveryStatus.DIGESTED, DeliveryStatus.DIGESTED, DeliveryStatus.QUEUED]
    assert notify.handle(commands.SendDueMail()).sent == 1


def test_the_delivery_log_is_for_admins(notify: InMemoryNotify) -> None:
    queue(notify)
    with acting_as(ANA), pytest.raises(PermissionDenied):
        notify.handle(queries.ListDeliveries())
    with acting_as(ADMIN):
        views, _, total = notify.handle(queries.ListDeliveries(status="queued"))
    assert total == 1 and views[0].recipient_id == "ana"
