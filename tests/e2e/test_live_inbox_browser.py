"""The live web inbox in a real browser: a programme registered through the registry's gRPC
API shows up in the open inbox page of its organisation's contact, without a reload."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from ecbm.registry.v1 import registry_pb2 as rpb
from ecbm_runtime.auth import issue_token
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET
from ecbm_runtime.testing import bearer

from conftest import stubs
from platform_processes import ServiceProcesses

pytestmark = pytest.mark.e2e
EDITOR = bearer("editor")
CHROMIUM = "/usr/bin/chromium"  # Debian's package (./dev test installs it); never downloaded
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
Start = Callable[[dict[str, str]], dict[str, ServiceProcesses]]


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_inbox(browser: Browser, notify: ServiceProcesses, token: str) -> Page:
    """The inbox page, with its event stream connected (badge and list are live from here)."""
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{notify.http_port}/inbox#token={token}")
    expect(page.locator("#status")).to_have_text("live", timeout=15_000)
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads
    return page


def test_a_registered_programme_appears_in_the_open_inbox_without_reload(
    slice_on: Start, storage: dict[str, str], browser: Browser
) -> None:
    processes = slice_on(storage)
    registry, _notify, _channels = stubs(processes)
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    token = issue_token(DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", "contact", ["member"], 600, email)
    page = open_inbox(browser, processes["notify"], token)
    expect(page.locator("#unread-count")).to_have_text("0")

    register_programme(registry, email, "Buddy Up")

    item = page.locator("#notifications li", has_text="Buddy Up is now in the registry")
    expect(item).to_have_class("unread", timeout=20_000)
    expect(page.locator("#unread-count")).to_have_text("1")
    item.click()
    expect(page.locator("#unread-count")).to_have_text("0", timeout=10_000)
    expect(item).not_to_have_class("unread")
    assert page.evaluate("window.loadedOnce") is True
    assert token not in _logs(processes["notify"])


def register_programme(registry: Any, contact_email: str, name: str) -> None:
    organisation = registry.RegisterOrganisation(
        rpb.RegisterOrganisationRequest(
            organisation=rpb.Organisation(
                display_name=f"Mentoring Lab {uuid.uuid4().hex[:6]}",
                kind=rpb.ORGANISATION_KIND_MENTORING_ORGANISATION,
                country="BE",
                city="Ghent",
                contact=rpb.Contact(display_name="An Peeters", email=contact_email),
            )
        ),
        metadata=EDITOR,
    )
    programme = rpb.Programme(
        organisation=organisation.name, display_name=name, languages=["nl"], countries=["BE"]
    )
    registry.RegisterProgramme(rpb.RegisterProgrammeRequest(programme=programme), metadata=EDITOR)


def _logs(notify: Any) -> str:
    return str(notify.log_tail("api", lines=10_000))
