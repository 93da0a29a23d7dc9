"""People proto messages ↔ command/query fields and views: the servicer's translations."""

from __future__ import annotations

from typing import Any

from ecbm.registry.v1 import people_pb2 as pb
from ecbm_registry.adapters.people.views import MembershipView, PersonView
from ecbm_registry.domain.membership import MembershipStatus
from ecbm_registry.domain.person import ExpertiseLevel, Role
from ecbm_registry.entrypoints.proto_fields import enum_value
from ecbm_runtime.grpc.convert import apply_field_mask, enum_name, timestamp
from ecbm_runtime.grpc.names import resource_id

# Proto field of Person → its name in the commands (only affiliation differs).
UPDATABLE = {
    "display_name": "display_name",
    "email": "email",
    "bio": "bio",
    "roles": "roles",
    "affiliation": "affiliation_id",
    "country": "country",
    "languages": "languages",
    "preferred_language": "preferred_language",
    "open_to_visiting_professorship": "open_to_visiting_professorship",
    "open_to_hosting_interns": "open_to_hosting_interns",
    "open_to_peer_review": "open_to_peer_review",
    "listed_in_directory": "listed_in_directory",
    "contact_by_email": "contact_by_email",
}


def person_id(name: str, field: str = "name") -> str:
    return resource_id(name, "people", field)


def membership_person_id(name: str) -> str:
    return resource_id(name.removesuffix("/membership"), "people", "name")


def person_fields(person: pb.Person) -> dict[str, Any]:
    """Every updatable field of ``person`` under its command name."""
    affiliation = person.affiliation
    return {
        "display_name": person.display_name,
        "email": person.email,
        "bio": person.bio,
        "roles": [
            enum_value(Role, enum_name(pb.PersonRole, r, f"person.roles[{i}]"), "PERSON_ROLE_")
            for i, r in enumerate(person.roles)
        ],
        "affiliation_id": (
            resource_id(affiliation, "organisations", "person.affiliation") if affiliation else ""
        ),
        "country": person.country,
        "languages": list(person.languages),
        "preferred_language": person.preferred_language or "en",
        "open_to_visiting_professorship": person.open_to_visiting_professorship,
        "open_to_hosting_interns": person.open_to_hosting_interns,
        "open_to_peer_review": person.open_to_peer_review,
        "listed_in_directory": person.listed_in_directory,
        "contact_by_email": person.contact_by_email,
    }


def masked_person_fields(request: pb.UpdatePersonRequest) -> dict[str, Any]:
    paths = apply_field_mask(request.update_mask.paths, frozenset(UPDATABLE))
    fields = person_fields(request.person)
    return {UPDATABLE[path]: fields[UPDATABLE[path]] for path in paths}


def person_to_proto(view: PersonView) -> pb.Person:
    return pb.Person(
        name=f"people/{view.id}",
        display_name=view.display_name,
        email=view.email,
        bio=view.bio,
        roles=[pb.PersonRole.Value("PERSON_ROLE_" + Role(r).name) for r in view.roles],
        affiliation=f"organisations/{view.affiliation_id}" if view.affiliation_id else "",
        country=view.country,
        languages=view.languages,
        preferred_language=view.preferred_language,
        open_to_visiting_professorship=view.open_to_visiting_professorship,
        open_to_hosting_interns=view.open_to_hosting_interns,
        open_to_peer_review=view.open_to_peer_review,
        listed_in_directory=view.listed_in_directory,
        contact_by_email=view.contact_by_email,
        expertise=[
            pb.Expertise(
                topic=e.topic,
                level=pb.ExpertiseLevel.Value("EXPERTISE_LEVEL_" + ExpertiseLevel(e.level).name),
                description=e.description,
            )
            for e in view.expertise
        ],
        learning_goals=[
            pb.LearningGoal(topic=g.topic, description=g.description) for g in view.learning_goals
        ],
        version=view.version,
        create_time=timestamp(view.create_time),
        update_time=timestamp(view.update_time),
    )


def membership_to_proto(view: MembershipView) -> pb.Membership:
    return pb.Membership(
        name=f"people/{view.person_id}/membership",
        person=f"people/{view.person_id}",
        status=pb.MembershipStatus.Value("MEMBERSHIP_STATUS_" + MembershipStatus(view.status).name),
        motivation=view.motivation,
        reason=view.reason,
        decided_by=view.decided_by,
        version=view.version,
        apply_time=timestamp(view.apply_time),
        update_time=timestamp(view.update_time),
    )
