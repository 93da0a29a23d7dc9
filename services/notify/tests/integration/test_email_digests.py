"""Digests: held messages merge into one e-mail per person and period, grouped by topic."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import pytest
from tests.fakes import contact_recipient, make_digests, send_due

from ecbm_notify.adapters.smtp_sink import SmtpSink
from ecbm_notify.application.email import commands, queries
from ecbm_notify.application.email.outbound import DigestSchedule, Outbound
from ecbm_notify.bootstrap import SERVICE, Notify, NotifySettings, outbound_for
from ecbm_notify.domain.preferences import Frequency
from ecbm_runtime.auth import Principal, acting_as

CONTACT = "an.peeters@example.org"  # conftest's RegistryEvents notify them
SCHEDULE = DigestSchedule(hour=7, weekday=0)
MONDAY_8 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)

EDITOR = Principal(subject="editor-1", roles=frozenset({"editor"}))


class RegistryEvents(Protocol):
    def deliver(self, event: object) -> None: ...
    def organisation(self, organisation_id: str = "org1", email: str = ...) -> None: ...
    def programme(self, name: str = "Buddy Up", organisation_id: str = "org1") -> None: ...


@pytest.fixture
def outbound(smtp_sink: SmtpSink) -> Iterator[Outbound]:
    settings: Any = SERVICE.load_settings(smtp_port=smtp_sink.port)
    assert isinstance(settings, NotifySettings)
    found = outbound_for(settings)
    yield found
    found.mailer.close()  # type: ignore[attr-defined]


def choose(notify: Notify, frequency: str) -> None:
    contact = contact_recipient(notify)
    with acting_as(EDITOR):
        notify.bus.handle(commands.UpdatePreferences(recipient_id=contact, entries=[
            commands.PreferenceEntry(topic="registry", channel="email", frequency=frequency),
        ]))  # fmt: skip


def test_a_daily_digest_merges_what_was_held_into_one_mail(
    notify: Notify, registry_events: RegistryEvents, outbound: Outbound, smtp_sink: SmtpSink
) -> None:
    registry_events.organisation()
    choose(notify, "daily")
    registry_events.programme("Buddy Up")
    registry_events.programme("Mentor Me")

    assert send_due(notify, outbound, MONDAY_8).sent == 0  # held, not sent
    assert make_digests(notify, Frequency.DAILY, MONDAY_8 - timedelta(hours=2),
                        SCHEDULE) == 0  # before 07:00  # fmt: skip
    assert make_digests(notify, Frequency.DAILY, MONDAY_8, SCHEDULE) == 1
    assert make_digests(notify, Frequency.DAILY, MONDAY_8 + timedelta(hours=1),
                        SCHEDULE) == 0  # once per day  # fmt: skip
    send_due(notify, outbound, MONDAY_8)

    [mail] = smtp_sink.to(CONTACT)
    assert mail.message["Subject"] == "Your digest: 2 new messages"
    text = mail.part("plain")
    assert "== Registry ==" in text
    assert text.index("Buddy Up is now in the registry") < text.index("Mentor Me is now in")
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_what_arrives_after_the_digest_waits_for_the_next_period(
    notify: Notify, registry_events: RegistryEvents, outbound: Outbound, smtp_sink: SmtpSink
) -> None:
    registry_events.organisation()
    choose(notify, "weekly")
    registry_events.programme("Buddy Up")
    assert make_digests(notify, Frequency.WEEKLY, MONDAY_8 - timedelta(days=1),
                        SCHEDULE) == 0  # Sunday  # fmt: skip
    assert make_digests(notify, Frequency.DAILY, MONDAY_8, SCHEDULE) == 0  # not daily
    assert make_digests(notify, Frequency.WEEKLY, MONDAY_8, SCHEDULE) == 1
    registry_events.programme("Mentor Me")
    assert make_digests(notify, Frequency.WEEKLY, MONDAY_8 + timedelta(hours=3),
                        SCHEDULE) == 0  # fmt: skip
    assert make_digests(notify, Frequency.WEEKLY, MONDAY_8 + timedelta(days=7),
                        SCHEDULE) == 1  # fmt: skip
    send_due(notify, outbound, MONDAY_8 + timedelta(days=7))

    subjects = sorted(str(mail.message["Subject"]) for mail in smtp_sink.to(CONTACT))
    assert subjects == ["Your digest: 1 new message", "Your digest: 1 new message"]


def test_the_digests_unsubscribe_link_stops_every_digested_topic(
    notify: Notify, registry_events: RegistryEvents, outbound: Outbound, smtp_sink: SmtpSink
) -> None:
    registry_events.organisation()
    choose(notify, "daily")
    registry_events.programme("Buddy Up")
    make_digests(notify, Frequency.DAILY, MONDAY_8, SCHEDULE)
    send_due(notify, outbound, MONDAY_8)
    [mail] = smtp_sink.to(CONTACT)
    token = str(mail.message["List-Unsubscribe"]).split("token=")[1].rstrip(">")

    done = notify.bus.handle(commands.Unsubscribe(token=token))

    assert done.topics == ["registry"]
    contact = contact_recipient(notify)
    with acting_as(EDITOR):
        chosen = notify.bus.handle(queries.GetPreferences(recipient_id=contact))
    email = {p.topic: p.frequency for p in chosen if p.channel == "email"}
    assert email["registry"] == "off"
    assert email["alerts"] == "weekly"  # in the weekly digest, not this daily one: untouched
