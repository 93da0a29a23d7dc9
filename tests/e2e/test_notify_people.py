"""A person end to end: registry people → bus → notify's recipients, welcome and forgetting."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import grpc
import pytest

from ecbm.notify.v1 import notify_pb2 as npb
from ecbm.registry.v1 import people_pb2 as ppb
from ecbm.registry.v1 import people_pb2_grpc
from ecbm_runtime.testing import bearer, wait_until

from platform_processes import ServiceProcesses, stubs

pytestmark = pytest.mark.e2e
EDITOR = bearer("editor")
Start = Callable[[dict[str, str]], dict[str, ServiceProcesses]]
WELCOME = "Welcome: your membership of the Center is approved"


def _recipient(notify: Any, email: str) -> Any:
    try:
        return notify.LookupRecipient(npb.LookupRecipientRequest(email=email), metadata=EDITOR)
    except grpc.RpcError as error:
        if error.code() == grpc.StatusCode.NOT_FOUND:
            return None
        raise


def _titles(notify: Any, recipient_name: str) -> list[str]:
    request = npb.ListNotificationsRequest(parent=recipient_name, page_size=500)
    return [n.title for n in notify.ListNotifications(request, metadata=EDITOR).notifications]


def test_an_approved_member_is_welcomed_and_forgetting_them_empties_notify(
    slice_on: Start, storage: dict[str, str]
) -> None:
    processes = slice_on(storage)
    _registry, notify, channels = stubs(processes)
    people = people_pb2_grpc.PeopleServiceStub(channels[0])
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    person = people.CreatePerson(
        ppb.CreatePersonRequest(
            request_id=str(uuid.uuid4()),
            person=ppb.Person(display_name="Maria Ionescu", email=email, country="RO"),
        ),
        metadata=EDITOR,
    )
    membership = f"{person.name}/membership"
    people.ApplyForMembership(ppb.ApplyForMembershipRequest(name=membership), metadata=EDITOR)
    people.ApproveMembership(ppb.ApproveMembershipRequest(name=membership), metadata=EDITOR)

    recipient = wait_until(lambda: _recipient(notify, email), timeout=20, message="recipient")
    welcomed = wait_until(lambda: _titles(notify, recipient.name), timeout=20, message="welcome")
    assert welcomed == [WELCOME]

    people.ForgetPerson(ppb.ForgetPersonRequest(name=person.name), metadata=EDITOR)

    wait_until(lambda: _recipient(notify, email) is None, timeout=20, message="forgotten")
    assert _titles(notify, recipient.name) == []
