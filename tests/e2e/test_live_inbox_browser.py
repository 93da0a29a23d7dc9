"""The live web inbox in a real browser: a membership approved through the registry's gRPC
API shows up in the member's open inbox page (their own, by person id), without a reload."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import grpc
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from ecbm.notify.v1 import notify_pb2 as npb
from ecbm.registry.v1 import people_pb2 as ppb
from ecbm.registry.v1 import people_pb2_grpc
from ecbm.registry.v1 import registry_pb2 as rpb
from ecbm_runtime.auth import issue_token
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET
from ecbm_runtime.testing import bearer, wait_until

from platform_processes import ServiceProcesses, stubs

pytestmark = pytest.mark.e2e
EDITOR = bearer("editor")
CHROMIUM = "/usr/bin/chromium"  # Debian's package (./dev test installs it); never downloaded
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
Start = Callable[[dict[str, str]], dict[str, ServiceProcesses]]
WELCOME = "Welcome: your membership of the Center is approved"


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


def test_an_approval_appears_in_the_members_open_inbox_without_reload(
    slice_on: Start, sqlite_storage: dict[str, str], browser: Browser
) -> None:
    processes = slice_on(sqlite_storage)
    _registry, notify, channels = stubs(processes)
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    token, membership = join_as_member(channels[0], notify, email)
    page = open_inbox(browser, processes["notify"], token)
    expect(page.locator("#unread-count")).to_have_text("0")

    approve(channels[0], membership)

    item = page.locator("#notifications li", has_text=WELCOME)
    expect(item).to_have_class("unread", timeout=20_000)
    expect(page.locator("#unread-count")).to_have_text("1")
    item.click()
    expect(page.locator("#unread-count")).to_have_text("0", timeout=10_000)
    expect(item).not_to_have_class("unread")
    assert page.evaluate("window.loadedOnce") is True
    assert token not in _logs(processes["notify"])


def join_as_member(registry_channel: Any, notify: Any, email: str) -> tuple[str, str]:
    """A member joins the registry as themself (the token's subject) and applies for
    membership; once notify knows them: their token and membership's name."""
    subject = f"p-{uuid.uuid4().hex[:10]}"
    token = issue_token(DEVELOPMENT_JWT_SECRET, "HS256", "ecbm", subject, ["member"], 600, email)
    member = (("authorization", f"Bearer {token}"),)
    people = people_pb2_grpc.PeopleServiceStub(registry_channel)
    person = people.CreatePerson(
        ppb.CreatePersonRequest(request_id=str(uuid.uuid4()), person=ppb.Person(
            display_name="Maria Ionescu", email=email, country="RO", contact_by_email=True,
        )),
        metadata=member,
    )  # fmt: skip
    membership = f"{person.name}/membership"
    people.ApplyForMembership(ppb.ApplyForMembershipRequest(name=membership), metadata=member)
    wait_until(lambda: _known(notify, member), timeout=30, message="notify knows the member")
    return token, membership


def approve(registry_channel: Any, membership: str) -> None:
    people = people_pb2_grpc.PeopleServiceStub(registry_channel)
    people.ApproveMembership(ppb.ApproveMembershipRequest(name=membership), metadata=EDITOR)


def _known(notify: Any, member: Any) -> bool:
    """Their own inbox (``recipients/me``) exists once notify handled PersonJoined."""
    try:
        notify.UnreadCount(npb.UnreadCountRequest(parent="recipients/me"), metadata=member)
    except grpc.RpcError as error:
        if error.code() == grpc.StatusCode.NOT_FOUND:
            return False
        raise
    return True


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
