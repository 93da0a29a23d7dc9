"""The browsers' side of the live inbox: the page, the SSE stream and the JSON calls."""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from tests.fakes import contact_recipient, member, verify_address

from ecbm_notify.bootstrap import Notify

CONTACT = "an.peeters@example.org"  # conftest's RegistryEvents notify them


class EventStream:
    """A plain HTTP client reading ``text/event-stream``, one event at a time."""

    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.response = response

    def next_event(self) -> dict[str, Any]:
        """The next event (comments such as heartbeats skipped), data parsed as JSON."""
        event: dict[str, Any] = {}
        while True:
            line = self.response.readline().decode()
            if not line:
                raise EOFError("the stream ended")
            line = line.rstrip("\n")
            if line.startswith(":"):
                continue
            if not line:
                if "event" in event:
                    return event
                event = {}
                continue
            field, _, value = line.partition(": ")
            event[field] = json.loads(value) if field == "data" else value


@contextmanager
def events(port: int, query: str, headers: dict[str, str] | None = None) -> Iterator[EventStream]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", f"/inbox/events?{query}", headers=headers or {})
        response = connection.getresponse()
        assert response.status == 200, response.read()
        assert response.getheader("Content-Type") == "text/event-stream"
        yield EventStream(response)
    finally:
        connection.close()


def request(port: int, method: str, path: str, token: str = "") -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        is_json = response.getheader("Content-Type") == "application/json"
        return response.status, json.loads(body) if is_json else body.decode()
    finally:
        connection.close()


@pytest.fixture
def member_token(token_for: Callable[..., str], registry_events: Any, notify: Notify) -> str:
    """Person p-an, who verified the organisation contact's address, so reads its inbox."""
    registry_events.organisation()
    registry_events.deliver(member("p-an", CONTACT))
    verify_address(notify, "p-an")
    return token_for("member", subject="p-an")


def contact_inbox(notify: Notify) -> str:
    """The query naming the contact's inbox (the token's own would be p-an's)."""
    return f"recipient={contact_recipient(notify)}"


def test_sse_sends_the_count_then_each_new_notification(
    live_api: Any, registry_events: Any, member_token: str, notify: Notify
) -> None:
    registry_events.organisation()
    with events(
        live_api.http_port, f"access_token={member_token}&{contact_inbox(notify)}"
    ) as stream:
        first = stream.next_event()
        registry_events.programme()
        created = stream.next_event()

    assert (first["event"], first["data"]) == ("unread", {"unread_count": 0})
    assert created["event"] == "notification"
    assert created["data"]["notification"]["title"] == "Buddy Up is now in the registry"
    assert created["data"]["unread_count"] == 1
    assert int(created["id"]) > 0


def test_sse_reports_a_notification_marked_read_over_http(
    live_api: Any, registry_events: Any, member_token: str, notify: Notify
) -> None:
    registry_events.organisation()
    registry_events.programme()
    _, listed = request(
        live_api.http_port, "GET", f"/inbox/notifications?{contact_inbox(notify)}", member_token
    )
    note = listed["notifications"][0]
    with events(
        live_api.http_port, f"access_token={member_token}&{contact_inbox(notify)}"
    ) as stream:
        stream.next_event()
        status, marked = request(
            live_api.http_port,
            "POST",
            f"/inbox/notifications/{note['id']}/read?{contact_inbox(notify)}",
            member_token,
        )
        change = stream.next_event()

    assert (status, marked["read"]) == (200, True)
    assert change["event"] == "read"
    assert change["data"]["notification"]["name"] == note["name"]
    assert change["data"]["unread_count"] == 0


def test_sse_resumes_after_the_last_event_id(
    live_api: Any, registry_events: Any, member_token: str, notify: Notify
) -> None:
    registry_events.organisation()
    registry_events.programme("Seen")
    with events(
        live_api.http_port, f"access_token={member_token}&{contact_inbox(notify)}"
    ) as stream:
        stream.next_event()
        registry_events.programme("Also seen")
        last_id = stream.next_event()["id"]
    registry_events.programme("Missed while away")

    resume = {"Last-Event-ID": last_id}
    with events(
        live_api.http_port, f"access_token={member_token}&{contact_inbox(notify)}", resume
    ) as stream:
        count, missed = stream.next_event(), stream.next_event()

    assert count["data"]["unread_count"] == 3
    assert missed["data"]["notification"]["title"] == "Missed while away is now in the registry"


def test_sse_without_a_valid_token_is_401(live_api: Any) -> None:
    assert request(live_api.http_port, "GET", "/inbox/events")[0] == 401
    assert request(live_api.http_port, "GET", "/inbox/events?access_token=forged")[0] == 401


def test_a_member_may_not_watch_another_persons_inbox(
    live_api: Any, token_for: Callable[..., str]
) -> None:
    stranger = token_for("member", email="x@example.org")

    status, body = request(
        live_api.http_port, "GET", f"/inbox/events?access_token={stranger}&recipient=someone"
    )

    assert status == 403, body


def test_the_token_in_the_query_is_only_accepted_by_the_event_stream(
    live_api: Any, member_token: str
) -> None:
    path = f"/inbox/notifications?access_token={member_token}"

    assert request(live_api.http_port, "GET", path)[0] == 401


def test_the_inbox_page_is_served(live_api: Any) -> None:
    status, page = request(live_api.http_port, "GET", "/inbox")

    assert status == 200
    assert "<title>ECBM inbox</title>" in page
    assert "EventSource" in page
