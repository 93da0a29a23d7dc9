"""The first slice end to end: registry command → bus → notify worker → web inbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import grpc
import kombu
import pytest
from google.rpc import error_details_pb2

from ecbm.notify.v1 import notify_pb2 as npb
from ecbm.registry.v1 import registry_pb2 as rpb
from ecbm.registry.v1 import registry_pb2_grpc as rpb_grpc
from ecbm_runtime.dlq import list_dead_letters
from ecbm_runtime.testing import bearer, broker_outage, status_detail, wait_until

from platform_processes import ServiceProcesses, stubs

pytestmark = pytest.mark.e2e
EDITOR = bearer("editor")
Start = Callable[[dict[str, str]], dict[str, ServiceProcesses]]


def organisation_request(email: str) -> rpb.RegisterOrganisationRequest:
    return rpb.RegisterOrganisationRequest(
        organisation=rpb.Organisation(
            display_name=f"Mentoring Lab {uuid.uuid4().hex[:6]}",
            kind=rpb.ORGANISATION_KIND_MENTORING_ORGANISATION,
            country="BE",
            city="Ghent",
            contact=rpb.Contact(display_name="An Peeters", email=email),
        )
    )


def programme_request(organisation: str, name: str = "Buddy Up") -> rpb.RegisterProgrammeRequest:
    return rpb.RegisterProgrammeRequest(
        programme=rpb.Programme(
            organisation=organisation, display_name=name, languages=["nl"], countries=["BE"]
        )
    )


def inbox(notify: Any, email: str) -> list[npb.Notification]:
    recipient = notify.LookupRecipient(npb.LookupRecipientRequest(email=email), metadata=EDITOR)
    request = npb.ListNotificationsRequest(parent=recipient.name, page_size=500)
    return list(notify.ListNotifications(request, metadata=EDITOR).notifications)


def test_registered_programme_appears_in_the_contacts_web_inbox(
    slice_on: Start, storage: dict[str, str]
) -> None:
    registry, notify, _ = stubs(slice_on(storage))
    email = f"{uuid.uuid4().hex[:8]}@example.org"

    organisation = registry.RegisterOrganisation(organisation_request(email), metadata=EDITOR)
    programme = registry.RegisterProgramme(programme_request(organisation.name), metadata=EDITOR)

    arrived = wait_until(lambda: inbox(notify, email), timeout=20, message="notification")
    assert [n.link for n in arrived] == [programme.name]
    assert arrived[0].title == "Buddy Up is now in the registry"
    assert not arrived[0].read
    listed = registry.ListProgrammes(rpb.ListProgrammesRequest(country="BE"))
    assert [p.name for p in listed.programmes] == [programme.name]


def test_every_event_arrives_once_when_the_broker_was_down_during_commands(
    slice_on: Start, storage: dict[str, str], isolated_amqp_url: str
) -> None:
    registry, notify, _ = stubs(slice_on(storage))
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    organisation = registry.RegisterOrganisation(organisation_request(email), metadata=EDITOR)
    wait_until(lambda: _recipient_known(notify, email), timeout=20, message="recipient")

    with broker_outage(isolated_amqp_url):  # the test's vhost only: the shared node runs on
        names = [
            registry.RegisterProgramme(
                programme_request(organisation.name, f"P{n}"), metadata=EDITOR, timeout=10
            ).name
            for n in range(10)
        ]

    arrived = wait_until(lambda: _all_of(inbox(notify, email), 10), timeout=60, message="10 notes")
    assert sorted(n.link for n in arrived) == sorted(names)


def _recipient_known(notify: Any, email: str) -> bool:
    try:
        notify.LookupRecipient(npb.LookupRecipientRequest(email=email), metadata=EDITOR)
    except grpc.RpcError:
        return False
    return True


def _all_of(notes: list[npb.Notification], count: int) -> list[npb.Notification] | None:
    assert len(notes) <= count, f"duplicates: {len(notes)} notifications for {count} events"
    return notes if len(notes) == count else None


def test_malformed_messages_are_dead_lettered_and_the_worker_keeps_consuming(
    slice_on: Start, sqlite_storage: dict[str, str], isolated_amqp_url: str
) -> None:
    registry, notify, _ = stubs(slice_on(sqlite_storage))
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    with kombu.Connection(isolated_amqp_url) as connection:
        producer = connection.Producer(exchange=kombu.Exchange("registry.events", type="topic"))
        for body in (b"{not json", json.dumps({"programme_id": 7}).encode()):
            producer.publish(
                body,
                routing_key="ProgrammeRegistered",
                content_type="application/json",
                headers={"event_id": uuid.uuid4().hex},
            )

    organisation = registry.RegisterOrganisation(organisation_request(email), metadata=EDITOR)
    registry.RegisterProgramme(programme_request(organisation.name), metadata=EDITOR)

    wait_until(lambda: inbox(notify, email), timeout=20, message="good event still handled")
    parked = wait_until(
        lambda: _at_least(list_dead_letters(isolated_amqp_url, "notify"), 2), timeout=20
    )
    assert {letter.routing_key for letter in parked} == {"ProgrammeRegistered"}
    listed = _ecbm(isolated_amqp_url, "dlq", "list", "notify")
    assert "2 dead-lettered message(s) in notify.dlq" in listed
    assert "2 message(s)" in _ecbm(isolated_amqp_url, "dlq", "replay", "notify")
    # Still malformed after the replay, so the worker parks them again: nothing is lost.
    wait_until(lambda: _at_least(list_dead_letters(isolated_amqp_url, "notify"), 2), timeout=20)


def _ecbm(amqp_url: str, *args: str) -> str:
    command = [sys.executable, "-m", "ecbm_cli.main", *args]
    env = {**os.environ, "ECBM_AMQP_URL": amqp_url}
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout


def _at_least(items: list[Any], count: int) -> list[Any] | None:
    return items if len(items) >= count else None


@pytest.mark.xdist_group("registry-errors")  # one worker, so one registry for them all
class TestErrors:
    """What a caller sees when something is wrong: a status code and field details."""

    @pytest.fixture(scope="class")
    def registry(
        self, module_amqp_url: str, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[Any]:
        """One registry (api and worker) for every test here: each asks for its own names."""
        directory = tmp_path_factory.mktemp("registry")
        database = {"ECBM_REGISTRY_DATABASE_URL": f"sqlite:///{directory / 'registry.db'}"}
        service = ServiceProcesses("registry", {"ECBM_AMQP_URL": module_amqp_url, **database},
                                   directory)  # fmt: skip
        try:
            service.start("api")
            service.start("worker")
            with grpc.insecure_channel(service.target) as channel:
                yield rpb_grpc.RegistryServiceStub(channel)
        finally:
            service.stop()

    def test_unknown_country_is_invalid_argument_naming_the_field(self, registry: Any) -> None:
        organisation = registry.RegisterOrganisation(
            organisation_request("x@example.org"), metadata=EDITOR
        )
        request = programme_request(organisation.name)
        request.programme.countries[:] = ["BE", "XX"]

        with pytest.raises(grpc.RpcError) as caught:
            registry.RegisterProgramme(request, metadata=EDITOR)

        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        violations = status_detail(caught.value, error_details_pb2.BadRequest).field_violations
        assert [v.field for v in violations] == ["countries[1]"]
        assert "ISO 3166-1 alpha-2" in violations[0].description

    def test_duplicate_organisation_is_already_exists_with_the_existing_name(
        self, registry: Any
    ) -> None:
        first = registry.RegisterOrganisation(
            organisation_request("a@example.org"), metadata=EDITOR
        )
        again = organisation_request("b@example.org")
        again.organisation.display_name = first.display_name.upper()

        with pytest.raises(grpc.RpcError) as caught:
            registry.RegisterOrganisation(again, metadata=EDITOR)

        assert caught.value.code() == grpc.StatusCode.ALREADY_EXISTS
        existing = status_detail(caught.value, error_details_pb2.ResourceInfo)
        assert existing.resource_name == first.name

    def test_missing_programme_is_not_found(self, registry: Any) -> None:
        with pytest.raises(grpc.RpcError) as caught:
            registry.GetProgramme(rpb.GetProgrammeRequest(name="programmes/nope"))

        assert caught.value.code() == grpc.StatusCode.NOT_FOUND

    def test_registering_without_a_token_is_unauthenticated(self, registry: Any) -> None:
        with pytest.raises(grpc.RpcError) as caught:
            registry.RegisterOrganisation(organisation_request("c@example.org"))

        assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED

    def test_a_malformed_resource_name_is_invalid_argument(self, registry: Any) -> None:
        with pytest.raises(grpc.RpcError) as caught:
            registry.GetProgramme(rpb.GetProgrammeRequest(name="organisations/1"))

        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        violations = status_detail(caught.value, error_details_pb2.BadRequest).field_violations
        assert violations[0].field == "name"
