"""Deterministic demo Brussels network and shared resources, loaded through the gRPC API.

Stable request_ids make creates idempotent, and every workflow step or stance change is
taken only when the resource is not there yet, so seeding twice changes nothing.
Participants are the demo people of demo_people (their ids follow from their request_ids
and the seeding token's subject, the scope of a request_id). Besides the drawn contacts,
the network holds the MEPs who are the rapporteurs of alerts' demo Legislative Observatory
procedures (``RAPPORTEURS``), so that the demo shows those procedures' rapporteurs linked.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import grpc
import jwt

from ecbm.registry.v1 import network_pb2 as npb
from ecbm.registry.v1 import network_pb2_grpc, resources_pb2_grpc
from ecbm.registry.v1 import resources_pb2 as rpb
from ecbm_runtime.idempotency import scoped_id

COUNTRIES = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
]  # fmt: skip
FIRST = ["Ana", "Jan", "Marie", "Luca", "Eva", "Piotr", "Sofia", "Lars", "Ines", "Tomas", "Elena"]
LAST = ["Silva", "Janssens", "Dupont", "Rossi", "Novak", "Kowalski", "Berg", "Horvat", "Murphy"]
COMMITTEES = ["EMPL", "CULT", "LIBE", "FEMM", "EMPL, CULT", "REGI"]
DGS = [("EMPL", "EMPL.B.1"), ("EAC", "EAC.B.2"), ("JUST", "JUST.D.1"), ("HOME", "HOME.C.2")]
TOPICS = ["education", "labour-market-integration", "social-inclusion", "civic-participation"]
STANCES = [npb.STANCE_CHAMPION, npb.STANCE_OPEN, npb.STANCE_OPEN, npb.STANCE_UNKNOWN,
           npb.STANCE_UNKNOWN, npb.STANCE_SCEPTICAL]  # fmt: skip
CONTACTS, ADVOCATES, RESOURCES = 80, 40, 30
# The rapporteurs of alerts' demo procedures (ecbm_alerts/entrypoints/feeds/oeil.json) as MEPs
# of the network: (name, country, committee, stance, topics). Their names are none of the
# drawn contacts' (FIRST x LAST), since a tie would link nobody; a unit test checks that
# every demo rapporteur finds one of them (test_network_demo_rapporteurs.py).
RAPPORTEURS = [
    ("Ana Ferreira", "PT", "CULT", npb.STANCE_CHAMPION, ["education", "civic-participation"]),
    ("Jan de Vries", "NL", "CULT, EMPL", npb.STANCE_OPEN, ["civic-participation"]),
    ("Katrin Weber", "DE", "EMPL", npb.STANCE_UNKNOWN, ["labour-market-integration"]),
]
Metadata = tuple[tuple[str, str], ...]


def _contact(rng: random.Random, index: int) -> npb.PolicyContact:
    country = COUNTRIES[index % len(COUNTRIES)]
    person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    kind = [npb.POLICY_CONTACT_KIND_MEP] * 5 + [
        npb.POLICY_CONTACT_KIND_COMMISSION_STAFF, npb.POLICY_CONTACT_KIND_NATIONAL_LIAISON_OFFICE,
        npb.POLICY_CONTACT_KIND_SUPPORTING_ORGANISATION, npb.POLICY_CONTACT_KIND_LOBBYIST,
    ]  # fmt: skip
    chosen = kind[index % len(kind)]
    contact = npb.PolicyContact(
        display_name=person, kind=chosen, country=country, institution="European Parliament",
        topics=rng.sample(TOPICS, k=rng.choice([1, 2])), stance=npb.STANCE_UNKNOWN,
    )  # fmt: skip
    if chosen == npb.POLICY_CONTACT_KIND_MEP:
        contact.committee = rng.choice(COMMITTEES)
    elif chosen == npb.POLICY_CONTACT_KIND_COMMISSION_STAFF:
        contact.institution = "European Commission"
        contact.directorate_general, contact.unit = rng.choice(DGS)
    elif chosen == npb.POLICY_CONTACT_KIND_NATIONAL_LIAISON_OFFICE:
        contact.display_name = f"Permanent Representation ({country}), {person}"
        contact.institution = "Permanent Representation"
    else:
        contact.institution = f"Mentoring Europe Alliance {country}"
    return contact


def _rapporteur(
    name: str, country: str, committee: str, stance: npb.Stance.ValueType, topics: list[str]
) -> npb.PolicyContact:
    return npb.PolicyContact(
        display_name=name, kind=npb.POLICY_CONTACT_KIND_MEP, country=country,
        institution="European Parliament", committee=committee, topics=topics, stance=stance,
    )  # fmt: skip


def policy_contacts() -> list[tuple[str, npb.PolicyContact]]:
    """(request_id, contact) of every demo policy contact, as ``seed`` creates them."""
    drawn = [(f"demo-policy-contact-{i}", _contact(_rng(i), i)) for i in range(CONTACTS)]
    named = [(f"demo-rapporteur-{n}", _rapporteur(*r)) for n, r in enumerate(RAPPORTEURS)]
    return drawn + named


def _rng(index: int) -> random.Random:
    # One generator per contact: a step skipped on a second run shifts no other contact.
    return random.Random(f"demo-policy-contact-{index}")


def _advocate(rng: random.Random, seeder: str) -> str:
    """One of the demo people demo_people created as ``seeder``."""
    person_id = scoped_id("person", f"demo-person-{rng.randrange(ADVOCATES)}", seeder)
    return f"people/{person_id}"


def _seed_contact(
    stub: network_pb2_grpc.NetworkServiceStub, index: int, metadata: Metadata, seeder: str
) -> None:
    rng = _rng(index)
    request = npb.CreatePolicyContactRequest(
        request_id=f"demo-policy-contact-{index}", policy_contact=_contact(rng, index)
    )
    contact = stub.CreatePolicyContact(request, metadata=metadata, timeout=10)
    target = rng.choice(STANCES)
    # Drawn whether or not the change is made: a second run then logs the same
    # interactions under the same request_ids (a different request would be refused).
    reason = rng.choice(["met at the Meet & Match", "answered our letter", "spoke in committee"])
    if contact.stance == npb.STANCE_UNKNOWN and target != npb.STANCE_UNKNOWN:
        change = npb.ChangeStanceRequest(name=contact.name, stance=target, reason=reason)
        stub.ChangeStance(change, metadata=metadata, timeout=10)
    for number in range(rng.choice([0, 0, 1, 2, 3])):
        request_id = f"demo-interaction-{index}-{number}"
        _log_interaction(stub, rng, contact.name, request_id, metadata, seeder)


def _log_interaction(
    stub: network_pb2_grpc.NetworkServiceStub, rng: random.Random, parent: str,
    request_id: str, metadata: Metadata, seeder: str,
) -> None:  # fmt: skip
    interaction = npb.Interaction(
        kind=rng.choice([1, 2, 2, 3, 4]),  # InteractionKind numbers: visits twice as likely
        occurred_on=(date(2025, 1, 6) + timedelta(days=rng.randrange(480))).isoformat(),
        participants=sorted({_advocate(rng, seeder) for _ in range(rng.choice([1, 2, 3]))}),
        outcome=rng.choice(["agreed to host a round table", "asked for evidence", "no follow-up"]),
    )  # fmt: skip
    request = npb.LogInteractionRequest(
        parent=parent, request_id=request_id, interaction=interaction
    )
    stub.LogInteraction(request, metadata=metadata, timeout=10)


RESOURCE_KINDS = [rpb.RESOURCE_KIND_STORY] * 3 + [
    rpb.RESOURCE_KIND_RESEARCH_RESULT, rpb.RESOURCE_KIND_PUBLICATION, rpb.RESOURCE_KIND_MANUAL,
]  # fmt: skip
# Where each demo resource ends up; most are published.
TARGETS = [rpb.RESOURCE_STATUS_PUBLISHED] * 6 + [
    rpb.RESOURCE_STATUS_SUBMITTED, rpb.RESOURCE_STATUS_RETURNED, rpb.RESOURCE_STATUS_DRAFT,
]  # fmt: skip


def _seed_resource(
    stub: resources_pb2_grpc.ResourcesServiceStub, index: int, metadata: Metadata
) -> None:
    rng = random.Random(f"demo-resource-{index}")
    country = COUNTRIES[(index * 7) % len(COUNTRIES)]
    kind = RESOURCE_KINDS[index % len(RESOURCE_KINDS)]
    title = f"{rng.choice(['Bridges', 'First steps', 'Side by side', 'Open doors'])} in {country}"
    resource = rpb.Resource(
        kind=kind, title=f"{title} #{index + 1}", language="en", countries=[country],
        summary=f"How mentoring changed lives in {country}: a story from the network.",
        topics=rng.sample(TOPICS, k=1),
        author_display_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
    )  # fmt: skip
    request = rpb.CreateResourceRequest(request_id=f"demo-resource-{index}", resource=resource)
    made = stub.CreateResource(request, metadata=metadata, timeout=10)
    _advance(stub, made, TARGETS[index % len(TARGETS)], metadata)


def _advance(
    stub: resources_pb2_grpc.ResourcesServiceStub,
    made: rpb.Resource,
    target: int,
    metadata: Metadata,
) -> None:
    """Take the workflow steps from DRAFT to ``target``; none when it is there already."""
    if made.status != rpb.RESOURCE_STATUS_DRAFT or target == rpb.RESOURCE_STATUS_DRAFT:
        return
    stub.SubmitResource(rpb.SubmitResourceRequest(name=made.name), metadata=metadata, timeout=10)
    if target == rpb.RESOURCE_STATUS_PUBLISHED:
        stub.PublishResource(
            rpb.PublishResourceRequest(name=made.name), metadata=metadata, timeout=10
        )
    elif target == rpb.RESOURCE_STATUS_RETURNED:
        comments = "Please add a quote from a mentee and shorten the summary."
        returned = rpb.ReturnResourceRequest(name=made.name, comments=comments)
        stub.ReturnResource(returned, metadata=metadata, timeout=10)


def seed(channel: grpc.Channel, token: str) -> None:
    metadata = (("authorization", f"Bearer {token}"),)
    seeder = str(jwt.decode(token, options={"verify_signature": False})["sub"])
    network = network_pb2_grpc.NetworkServiceStub(channel)
    for index in range(CONTACTS):
        _seed_contact(network, index, metadata, seeder)
    for request_id, contact in policy_contacts()[CONTACTS:]:
        # Created with their stance: a second run is the same request, which changes nothing.
        request = npb.CreatePolicyContactRequest(request_id=request_id, policy_contact=contact)
        network.CreatePolicyContact(request, metadata=metadata, timeout=10)
    resources = resources_pb2_grpc.ResourcesServiceStub(channel)
    for index in range(RESOURCES):
        _seed_resource(resources, index, metadata)
