"""E-mail verification and the inbox takeover it closes (issue 10, item 1), through the real
sender, SMTP server, HTTP page and gRPC api, on SQLite and PostgreSQL."""

from __future__ import annotations

import http.client
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import grpc
import pytest
from sqlalchemy import select
from tests.fakes import member, person_recipient, send_due, verify_address

from ecbm.notify.v1 import notify_pb2 as pb
from ecbm_integration import registry
from ecbm_notify.adapters.read_models import deliveries, preferences, recipients
from ecbm_notify.adapters.smtp_sink import SmtpSink
from ecbm_notify.application.email.outbound import Outbound
from ecbm_notify.application.link_keys import DEVELOPMENT_LINK_KEY
from ecbm_notify.bootstrap import SERVICE, Notify, NotifySettings, outbound_for
from ecbm_notify.domain import verification
from ecbm_runtime.testing import bearer

SHARED = "maria.ionescu@example.org"
WELCOME = "Welcome: your membership of the Center is approved"


@pytest.fixture
def outbound(smtp_sink: SmtpSink, live_api: Any) -> Iterator[Outbound]:
    settings = SERVICE.load_settings(
        smtp_port=smtp_sink.port, public_base_url=f"http://127.0.0.1:{live_api.http_port}"
    )
    assert isinstance(settings, NotifySettings)
    found = outbound_for(settings)
    yield found
    found.mailer.close()  # type: ignore[attr-defined]


def call(port: int, method: str, target: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, target)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def link_path(mail_text: str) -> str:
    found = re.search(r"(http://\S+/verify-email\?token=\S+)", mail_text)
    assert found is not None, mail_text
    target = urlsplit(found.group(1))
    return f"{target.path}?{target.query}"


def addresses(notify: Notify, person_id: str) -> tuple[str | None, str | None]:
    with notify.engine.connect() as connection:
        row = connection.execute(
            select(recipients.c.email, recipients.c.pending_email).where(
                recipients.c.person_id == person_id
            )
        ).one()
    return row.email, row.pending_email


def approved(person_id: str) -> registry.MembershipApproved:
    return registry.MembershipApproved(person_id=person_id, occurred_at=datetime.now(UTC))


def test_an_address_gets_only_its_link_until_the_link_is_followed_then_mail_flows(
    notify: Notify, registry_events: Any, live_api: Any, outbound: Outbound, smtp_sink: SmtpSink
) -> None:
    registry_events.deliver(member("p1", SHARED, name="Maria Ionescu"))
    registry_events.deliver(approved("p1"))
    send_due(notify, outbound, datetime.now(UTC))
    [link_mail] = smtp_sink.to(SHARED)  # not the welcome: the address is not verified
    assert link_mail.message["Subject"] == "Please confirm your e-mail address"
    path = link_path(link_mail.part("plain"))

    status, page = call(live_api.http_port, "GET", path)
    assert status == 200 and SHARED in page and '<form method="post"' in page
    assert addresses(notify, "p1") == (None, SHARED)  # a GET (a mail scanner) changes nothing
    status, page = call(live_api.http_port, "POST", path)
    assert status == 200 and "Your e-mail address is confirmed" in page
    assert addresses(notify, "p1") == (SHARED, None)

    registry_events.deliver(approved("p1"))  # approved again (a later event): mailed now
    send_due(notify, outbound, datetime.now(UTC) + timedelta(seconds=1))
    assert [m.message["Subject"] for m in smtp_sink.to(SHARED)][1:] == [WELCOME]


@pytest.mark.parametrize("forge", ["other key", "expired", "tampered", "other address"])
def test_a_forged_or_expired_link_gets_a_400_page_and_verifies_nothing(
    notify: Notify, registry_events: Any, live_api: Any, forge: str
) -> None:
    registry_events.deliver(member("p1", SHARED))
    recipient_id = person_recipient(notify, "p1")
    now = datetime.now(UTC)
    key, days = DEVELOPMENT_LINK_KEY, timedelta(days=3)
    token = {
        "other key": verification.issue(b"x" * 40, recipient_id, SHARED, now, days),
        "expired": verification.issue(key, recipient_id, SHARED, now - 2 * days, days),
        "tampered": verification.issue(key, recipient_id, SHARED, now, days)[:-3] + "AAA",
        "other address": verification.issue(key, recipient_id, "me@example.org", now, days),
    }[forge]

    for method in ("GET", "POST"):
        status, page = call(live_api.http_port, method, f"/verify-email?token={token}")
        assert status == 400, page
        assert "This confirmation link does not work" in page and "Nothing was changed" in page
    assert addresses(notify, "p1") == (None, SHARED)


class TestTheInboxTakeover:
    """A member gives the victim's (verified) address in their own profile."""

    @pytest.fixture
    def victim(self, notify: Notify, registry_events: Any) -> str:
        """p-victim joined, verified their address, was approved and chose a preference."""
        registry_events.deliver(member("p-victim", SHARED))
        recipient_id = verify_address(notify, "p-victim")
        registry_events.deliver(approved("p-victim"))
        return recipient_id

    def test_the_attacker_reads_watches_and_changes_nothing_of_the_victims(
        self, notify: Notify, registry_events: Any, live_api: Any, victim: str
    ) -> None:
        registry_events.deliver(member("p-attacker", SHARED))
        attacker = bearer("member", subject="p-attacker", email=SHARED)
        parent = f"recipients/{victim}"
        stub = live_api.stub
        calls: list[Callable[[], object]] = [
            lambda: stub.ListNotifications(
                pb.ListNotificationsRequest(parent=parent), metadata=attacker),
            lambda: stub.UnreadCount(pb.UnreadCountRequest(parent=parent), metadata=attacker),
            lambda: next(stub.WatchNotifications(
                pb.WatchNotificationsRequest(parent=parent), metadata=attacker, timeout=10)),
            lambda: stub.GetPreferences(
                pb.GetPreferencesRequest(name=f"{parent}/preferences"), metadata=attacker),
            lambda: stub.UpdatePreferences(pb.UpdatePreferencesRequest(preferences=pb.Preferences(
                name=f"{parent}/preferences", preferences=[pb.Preference(
                    topic="registry", channel="email", frequency=pb.FREQUENCY_OFF)])),
                metadata=attacker),
            lambda: stub.MarkAllRead(pb.MarkAllReadRequest(parent=parent), metadata=attacker),
        ]  # fmt: skip
        for attempt in calls:
            with pytest.raises(grpc.RpcError) as refused:
                attempt()
            assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED

        own = stub.ListNotifications(pb.ListNotificationsRequest(parent="recipients/me"),
                                     metadata=attacker)  # fmt: skip
        assert list(own.notifications) == []
        victims = stub.ListNotifications(pb.ListNotificationsRequest(parent="recipients/me"),
                                         metadata=bearer("member", subject="p-victim"))  # fmt: skip
        assert [(n.title, n.read) for n in victims.notifications] == [(WELCOME, False)]
        assert addresses(notify, "p-victim") == (SHARED, None)
        with notify.engine.connect() as connection:
            assert connection.execute(select(preferences)).all() == []

    def test_switching_back_and_forth_moves_nothing_to_the_attacker(
        self, notify: Notify, registry_events: Any, victim: str
    ) -> None:
        registry_events.deliver(member("p-attacker", "elsewhere@example.org"))
        for email in (SHARED, "elsewhere@example.org", SHARED):
            update = registry.PersonUpdated(**member("p-attacker", email).model_dump())
            registry_events.deliver(update)

        assert person_recipient(notify, "p-victim") == victim
        assert person_recipient(notify, "p-attacker") != victim
        assert addresses(notify, "p-attacker") == (None, SHARED)

    def test_forgetting_the_attacker_leaves_the_victims_notify_data(
        self, notify: Notify, registry_events: Any, victim: str
    ) -> None:
        registry_events.deliver(member("p-attacker", SHARED))
        registry_events.deliver(approved("p-attacker"))
        with notify.engine.connect() as connection:
            before = connection.execute(
                select(deliveries.c.id).where(deliveries.c.recipient_id == victim)
            ).all()

        registry_events.deliver(
            registry.PersonForgotten(person_id="p-attacker", occurred_at=datetime.now(UTC))
        )

        assert addresses(notify, "p-victim") == (SHARED, None)
        with notify.engine.connect() as connection:
            after = connection.execute(
                select(deliveries.c.id).where(deliveries.c.recipient_id == victim)
            ).all()
            people = connection.execute(select(recipients.c.person_id)).scalars().all()
        assert after == before and len(before) == 3  # link, welcome by e-mail and on the web
        assert people == ["p-victim"]
