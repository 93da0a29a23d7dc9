"""The preference centre and delivery log over gRPC, and the unsubscribe flow end to end:
a real mail in the SMTP sink, its one-click link POSTed to notify's HTTP server."""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

import grpc
import pytest
from tests.fakes import contact_recipient, member, send_due, verify_address

from ecbm.notify.v1 import notify_pb2 as pb
from ecbm_notify.adapters.smtp_sink import SmtpSink
from ecbm_notify.application.email.outbound import Outbound
from ecbm_notify.application.link_keys import DEVELOPMENT_LINK_KEY
from ecbm_notify.bootstrap import SERVICE, Notify, NotifySettings, outbound_for
from ecbm_notify.domain import unsubscribe
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET
from ecbm_runtime.testing import bearer

CONTACT = "an.peeters@example.org"  # conftest's RegistryEvents notify them
# Person p-an verified the contact's address, so uses the contact's preference centre.
READER = "p-an"


class RegistryEvents(Protocol):
    def deliver(self, event: object) -> None: ...
    def organisation(self, organisation_id: str = "org1", email: str = ...) -> None: ...
    def programme(self, name: str = "Buddy Up", organisation_id: str = "org1") -> None: ...


@pytest.fixture
def outbound(smtp_sink: SmtpSink, live_api: Any) -> Iterator[Outbound]:
    settings = SERVICE.load_settings(
        smtp_port=smtp_sink.port, public_base_url=f"http://127.0.0.1:{live_api.http_port}"
    )
    assert isinstance(settings, NotifySettings)
    found = outbound_for(settings)
    yield found
    found.mailer.close()  # type: ignore[attr-defined]


def call(port: int, method: str, target: str, body: str = "") -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        connection.request(method, target, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def contact_reader(notify: Notify, registry_events: RegistryEvents) -> str:
    """The organisation and p-an, who verified its contact's address; the contact's id."""
    registry_events.organisation()
    registry_events.deliver(member(READER, CONTACT))
    verify_address(notify, READER)
    return contact_recipient(notify)


def email_preference(live_api: Any, notify: Notify, topic: str = "registry") -> int:
    found = live_api.stub.GetPreferences(
        pb.GetPreferencesRequest(name=f"recipients/{contact_recipient(notify)}/preferences"),
        metadata=bearer("member", subject=READER),
    )
    [entry] = [p for p in found.preferences if (p.topic, p.channel) == (topic, "email")]
    return int(entry.frequency)


def test_one_click_unsubscribe_from_a_received_mail(
    notify: Notify, registry_events: RegistryEvents, live_api: Any, outbound: Outbound,
    smtp_sink: SmtpSink,
) -> None:  # fmt: skip
    contact_reader(notify, registry_events)
    registry_events.programme("Buddy Up")
    send_due(notify, outbound, datetime.now(UTC))
    [mail] = smtp_sink.to(CONTACT)
    link = re.fullmatch(r"<(.+)>", mail.message["List-Unsubscribe"]).group(1)  # type: ignore[union-attr]
    target = urlsplit(link)
    path = f"{target.path}?{target.query}"
    assert link in mail.part("plain")

    status, page = call(live_api.http_port, "GET", path)
    assert status == 200 and '<form method="post"' in page
    assert email_preference(live_api, notify) == pb.FREQUENCY_IMMEDIATELY  # a GET changes nothing

    status, page = call(live_api.http_port, "POST", path, "List-Unsubscribe=One-Click")
    assert status == 200 and "No more e-mails about: registry" in page
    assert email_preference(live_api, notify) == pb.FREQUENCY_OFF

    registry_events.programme("Mentor Me")
    send_due(notify, outbound, datetime.now(UTC))
    assert len(smtp_sink.to(CONTACT)) == 1  # nothing more by e-mail


@pytest.mark.parametrize("forge", ["other key", "jwt key", "expired", "tampered", "garbage"])
def test_a_forged_or_expired_token_gets_a_400_page_and_changes_nothing(
    notify: Notify, registry_events: RegistryEvents, live_api: Any, forge: str
) -> None:
    contact_reader(notify, registry_events)
    key, jwt_key = DEVELOPMENT_LINK_KEY, DEVELOPMENT_JWT_SECRET.encode()
    now = datetime.now(UTC)
    token = {
        "other key": unsubscribe.issue(
            b"x" * 40, contact_recipient(notify), "registry", now, timedelta(days=1)
        ),
        "jwt key": unsubscribe.issue(
            jwt_key, contact_recipient(notify), "registry", now, timedelta(days=1)
        ),
        "expired": unsubscribe.issue(
            key, contact_recipient(notify), "registry", now, timedelta(seconds=-1)
        ),
        "tampered": unsubscribe.issue(
            key, contact_recipient(notify), "registry", now, timedelta(days=1)
        )[:-3]
        + "AAA",
        "garbage": "not%20a%20token",
    }[forge]
    for method in ("GET", "POST"):
        status, page = call(live_api.http_port, method, f"/unsubscribe?token={token}",
                            "List-Unsubscribe=One-Click")  # fmt: skip
        assert status == 400, page
        assert "This unsubscribe link does not work" in page and "Nothing was changed" in page
    assert email_preference(live_api, notify) == pb.FREQUENCY_IMMEDIATELY


def test_the_preference_centre_over_grpc(
    notify: Notify, registry_events: RegistryEvents, live_api: Any
) -> None:
    name = f"recipients/{contact_reader(notify, registry_events)}/preferences"
    update = pb.UpdatePreferencesRequest(preferences=pb.Preferences(name=name, preferences=[
        pb.Preference(topic="events", channel="email", frequency=pb.FREQUENCY_DAILY_DIGEST),
    ]))  # fmt: skip
    changed = live_api.stub.UpdatePreferences(update, metadata=bearer("member", subject=READER))
    by_key = {(p.topic, p.channel): p for p in changed.preferences}
    assert len(by_key) == 12
    assert by_key[("events", "email")].frequency == pb.FREQUENCY_DAILY_DIGEST
    assert not by_key[("events", "email")].is_default
    assert by_key[("alerts", "email")].frequency == pb.FREQUENCY_WEEKLY_DIGEST
    assert by_key[("alerts", "email")].is_default

    bad = pb.UpdatePreferencesRequest(preferences=pb.Preferences(name=name, preferences=[
        pb.Preference(topic="events", channel="web", frequency=pb.FREQUENCY_WEEKLY_DIGEST),
    ]))  # fmt: skip
    with pytest.raises(grpc.RpcError) as raised:
        live_api.stub.UpdatePreferences(bad, metadata=bearer("member", subject=READER))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "preferences[0].frequency" in (raised.value.details() or "")

    with pytest.raises(grpc.RpcError) as raised:
        live_api.stub.GetPreferences(pb.GetPreferencesRequest(name=name),
                                     metadata=bearer("member", subject="someone-else"))  # fmt: skip
    assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_the_delivery_log_over_grpc_pages_and_is_for_admins(
    notify: Notify, registry_events: RegistryEvents, live_api: Any
) -> None:
    registry_events.organisation()
    for name in ("Buddy Up", "Mentor Me", "Step Up"):
        registry_events.programme(name)
    admin = bearer("admin")
    first = live_api.stub.ListDeliveries(
        pb.ListDeliveriesRequest(page_size=2, channel="email"), metadata=admin
    )
    second = live_api.stub.ListDeliveries(
        pb.ListDeliveriesRequest(page_size=2, channel="email", page_token=first.next_page_token),
        metadata=admin,
    )
    web = live_api.stub.ListDeliveries(pb.ListDeliveriesRequest(channel="web"), metadata=admin)
    assert web.total_size == 3
    assert {(d.status, d.channel) for d in web.deliveries} == {("sent", "web")}
    assert first.total_size == 3 and len(first.deliveries) == 2 and len(second.deliveries) == 1
    assert second.next_page_token == ""
    names = {d.name for d in [*first.deliveries, *second.deliveries]}
    assert len(names) == 3
    queued = live_api.stub.ListDeliveries(
        pb.ListDeliveriesRequest(recipient=f"recipients/{contact_recipient(notify)}",
                                 status="queued", notification_type="programme_registered"),
        metadata=admin,
    )  # fmt: skip
    assert queued.total_size == 3
    assert [e.status for e in queued.deliveries[0].history] == ["queued"]
    with pytest.raises(grpc.RpcError) as raised:
        live_api.stub.ListDeliveries(pb.ListDeliveriesRequest(), metadata=bearer("editor"))
    assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED
