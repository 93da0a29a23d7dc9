"""A registry command ends as an e-mail in a real SMTP server and, at the same time, as a
live message in the contact's open inbox page (headless Chromium over SSE); the mail's
one-click unsubscribe link works against the running notify."""

from __future__ import annotations

import re
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, expect, sync_playwright
from test_live_inbox_browser import CHROMIUM, CHROMIUM_ARGS, open_inbox, register_programme

from ecbm_notify.adapters.smtp_sink import SmtpSink
from ecbm_runtime.auth import issue_token
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET
from ecbm_runtime.testing import free_port, wait_until

from conftest import stubs
from platform_processes import ServiceProcesses

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


def test_a_registry_command_ends_as_an_email_and_a_live_browser_message(
    slice_on: Start, storage: dict[str, str], chromium: Browser, sink: SmtpSink
) -> None:
    processes = slice_on(storage)
    registry, _notify, _channels = stubs(processes)
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    token = issue_token(DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", "contact", ["member"], 600, email)
    page = open_inbox(chromium, processes["notify"], token)

    register_programme(registry, email, "Buddy Up")

    item = page.locator("#notifications li", has_text="Buddy Up is now in the registry")
    expect(item).to_have_class("unread", timeout=20_000)
    wait_until(lambda: sink.to(email), timeout=20, message="the e-mail in the SMTP sink")
    [mail] = sink.to(email)
    assert mail.message["Subject"] == "Buddy Up is now in the registry"
    assert "Your programme Buddy Up (BE) was registered" in mail.part("plain")
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    link = urlsplit(re.findall(r"<(.+)>", mail.message["List-Unsubscribe"])[0])
    notify_http = f"http://127.0.0.1:{processes['notify'].http_port}"
    request = urllib.request.Request(
        f"{notify_http}{link.path}?{link.query}", data=b"List-Unsubscribe=One-Click",
        method="POST",
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert "No more e-mails about: registry" in response.read().decode()
