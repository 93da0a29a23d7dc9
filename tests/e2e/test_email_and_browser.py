"""A member verifies their address by the link mailed to a real SMTP server; their approval
then ends as an e-mail and, at the same time, as a live message in their open inbox page
(headless Chromium over SSE); a contact's mail's one-click unsubscribe link works against
the running notify."""

from __future__ import annotations

import re
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, expect, sync_playwright
from test_live_inbox_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    WELCOME,
    approve,
    join_as_member,
    open_inbox,
    register_programme,
)

from ecbm_notify.adapters.smtp_sink import SmtpSink
from ecbm_runtime.testing import free_port, wait_until

from platform_processes import ServiceProcesses, stubs

pytestmark = pytest.mark.e2e
Start = Callable[[dict[str, str]], dict[str, ServiceProcesses]]


@pytest.fixture
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def sink(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpSink]:
    """A real SMTP server; the notify processes started after this fixture send to it."""
    found = SmtpSink(port=free_port())
    found.start()
    monkeypatch.setenv("ECBM_NOTIFY_SMTP_PORT", str(found.port))
    monkeypatch.setenv("ECBM_NOTIFY_MAIL_SEND_INTERVAL_SECONDS", "0.2")
    yield found
    found.stop()


def test_a_verified_member_gets_mail_and_live_messages_and_can_unsubscribe_in_one_click(
    slice_on: Start, sqlite_storage: dict[str, str], chromium: Browser, sink: SmtpSink
) -> None:
    processes = slice_on(sqlite_storage)
    registry, _notify, channels = stubs(processes)
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    notify_http = f"http://127.0.0.1:{processes['notify'].http_port}"
    token, membership = join_as_member(channels[0], _notify, email)
    wait_until(lambda: sink.to(email), timeout=20, message="the verification mail")
    [link_mail] = sink.to(email)  # the only mail an unverified address gets
    assert link_mail.message["Subject"] == "Please confirm your e-mail address"
    verify = urlsplit(re.findall(r"http://\S+/verify-email\?token=\S+", link_mail.part("plain"))[0])
    with urllib.request.urlopen(f"{notify_http}{verify.path}?{verify.query}", timeout=10) as page:
        assert email in page.read().decode()  # GET: shows what it would do
    confirm = urllib.request.Request(f"{notify_http}{verify.path}?{verify.query}", data=b"",
                                     method="POST")  # fmt: skip
    with urllib.request.urlopen(confirm, timeout=10) as response:
        assert "Your e-mail address is confirmed" in response.read().decode()
    page = open_inbox(chromium, processes["notify"], token)

    approve(channels[0], membership)

    item = page.locator("#notifications li", has_text=WELCOME)
    expect(item).to_have_class("unread", timeout=20_000)
    wait_until(lambda: len(sink.to(email)) == 2, timeout=20, message="the welcome e-mail")
    assert sink.to(email)[1].message["Subject"] == WELCOME

    # An organisation's contact (its address as given, no person) unsubscribes in one click.
    contact = f"contact-{uuid.uuid4().hex[:8]}@example.org"
    register_programme(registry, contact, "Buddy Up")
    wait_until(lambda: sink.to(contact), timeout=20, message="the contact's e-mail")
    [mail] = sink.to(contact)
    assert mail.message["Subject"] == "Buddy Up is now in the registry"
    assert "Your programme Buddy Up (BE) was registered" in mail.part("plain")
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    link = urlsplit(re.findall(r"<(.+)>", mail.message["List-Unsubscribe"])[0])
    request = urllib.request.Request(
        f"{notify_http}{link.path}?{link.query}", data=b"List-Unsubscribe=One-Click",
        method="POST",
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert "No more e-mails about: registry" in response.read().decode()
