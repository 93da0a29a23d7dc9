"""Organisation and programme proto messages ↔ command/query fields and views."""

from __future__ import annotations

from typing import Any

from google.protobuf.struct_pb2 import Struct

from ecbm.registry.v1 import registry_pb2 as pb
from ecbm_registry.adapters.programmes.views import (
    OrganisationView,
    ProgrammeHistory,
    ProgrammeView,
)
from ecbm_registry.domain.organisation import OrganisationKind, OrganisationStatus
from ecbm_registry.domain.programme import EvaluationDesign, ProgrammeStatus
from ecbm_registry.entrypoints.proto_fields import enum_value
from ecbm_runtime.actor import current_actor
from ecbm_runtime.auth import current_principal
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.grpc.convert import (
    apply_field_mask,
    clamp_page_size,
    decode_page_token,
    encode_page_token,
    enum_name,
    timestamp,
)
from ecbm_runtime.grpc.names import resource_id

# Update-mask path → fields of the command it sets.
PROGRAMME_MASK: dict[str, tuple[str, ...]] = {
    **{name: (name,) for name in (
        "display_name", "description", "languages", "countries", "status", "target_groups",
        "formats", "focus_areas", "start_year", "regions", "city",
    )},
    "ages": ("age_min", "age_max"),
    "yearly_numbers": ("mentors_per_year", "mentees_per_year", "matches_per_year"),
    "location": ("latitude", "longitude", "derive_location"),
}  # fmt: skip
ORGANISATION_MASK: dict[str, tuple[str, ...]] = {
    **{name: (name,) for name in ("display_name", "kind", "city", "website", "description")},
    "contact": ("contact_name", "contact_email"),
}


def evaluation_fields(request: pb.AddEvaluationRequest) -> dict[str, Any]:
    e = request.evaluation
    return {
        "actor": current_actor(),
        "programme_id": resource_id(request.name, "programmes", "name"),
        "evaluation": {
            "design": _design(e.design) or "unspecified",
            "year": e.year,
            "link": e.link or None,
        },
    }


def _design(number: int) -> str | None:
    name = enum_name(pb.EvaluationDesign, number, "evaluation.design")
    return enum_value(EvaluationDesign, name, "EVALUATION_DESIGN_")


def _design_number(value: str) -> int:
    number: int = pb.EvaluationDesign.Value("EVALUATION_DESIGN_" + EvaluationDesign(value).name)
    return number


def history_fields(request: pb.GetProgrammeHistoryRequest) -> dict[str, Any]:
    after = decode_page_token(request.page_token).get("after_version", 0)
    if not isinstance(after, int) or after < 0:
        raise InvalidArgument(FieldViolation("page_token", "not a page token of this API"))
    return {
        "programme_id": resource_id(request.name, "programmes", "name"),
        "page_size": clamp_page_size(request.page_size),
        "after_version": after,
    }


def history_to_proto(history: ProgrammeHistory) -> pb.GetProgrammeHistoryResponse:
    changes = []
    for entry in history.entries:
        details = Struct()
        details.update(entry.data)
        changes.append(
            pb.ProgrammeChange(
                version=entry.version,
                type=entry.type,
                actor=f"people/{entry.actor}" if entry.actor else "",
                record_time=timestamp(entry.recorded_at),
                details=details,
            )
        )
    after = history.next_after_version
    token = encode_page_token({"after_version": after}) if after else ""
    return pb.GetProgrammeHistoryResponse(changes=changes, next_page_token=token)


def _masked(paths: Any, mask: dict[str, tuple[str, ...]], fields: dict[str, Any]) -> dict[str, Any]:
    chosen = apply_field_mask(list(paths), frozenset(mask))
    if not chosen:
        raise InvalidArgument(FieldViolation("update_mask", "name at least one field to set"))
    return {name: fields[name] for path in chosen for name in mask[path] if name in fields}


def programme_update_fields(request: pb.UpdateProgrammeRequest) -> dict[str, Any]:
    p = request.programme
    fields = {
        "display_name": p.display_name,
        "description": p.description,
        "languages": list(p.languages),
        "countries": list(p.countries),
        # UNSPECIFIED is no status: let validation name the field.
        "status": enum_value(
            ProgrammeStatus,
            enum_name(pb.ProgrammeStatus, p.status, "programme.status"),
            "PROGRAMME_STATUS_",
        )
        or "unspecified",
        **_profile_fields(p),
        "derive_location": not p.HasField("location"),
    }
    return {
        "actor": current_actor(),
        "programme_id": resource_id(p.name, "programmes", "programme.name"),
        "expected_version": p.version,
        "programme": _masked(request.update_mask.paths, PROGRAMME_MASK, fields),
    }


def organisation_update_fields(request: pb.UpdateOrganisationRequest) -> dict[str, Any]:
    o = request.organisation
    kind_name = enum_name(pb.OrganisationKind, o.kind, "organisation.kind")
    kind = enum_value(OrganisationKind, kind_name, "ORGANISATION_KIND_")
    fields = {
        "display_name": o.display_name,
        "kind": kind or "unspecified",
        "city": o.city,
        "website": o.website or None,
        "contact_name": o.contact.display_name,
        "contact_email": o.contact.email,
        "description": o.description,
    }
    return {
        "actor": current_actor(),
        "organisation_id": resource_id(o.name, "organisations", "organisation.name"),
        "expected_version": o.version,
        "organisation": _masked(request.update_mask.paths, ORGANISATION_MASK, fields),
    }


def organisation_fields(request: pb.RegisterOrganisationRequest) -> dict[str, Any]:
    o = request.organisation
    return {
        "request_id": request.request_id,
        "display_name": o.display_name,
        "kind": enum_value(
            OrganisationKind,
            enum_name(pb.OrganisationKind, o.kind, "organisation.kind"),
            "ORGANISATION_KIND_",
        ),
        "country": o.country,
        "city": o.city,
        "website": o.website or None,
        "contact_name": o.contact.display_name,
        "contact_email": o.contact.email,
        "description": o.description,
    }


def programme_fields(request: pb.RegisterProgrammeRequest) -> dict[str, Any]:
    p = request.programme
    fields: dict[str, Any] = {
        "request_id": request.request_id,
        "organisation_id": resource_id(p.organisation, "organisations", "programme.organisation"),
        "display_name": p.display_name,
        "description": p.description,
        "languages": list(p.languages),
        "countries": list(p.countries),
        "external_id": p.external_id,
        **_profile_fields(p),
    }
    if p.status:
        fields["status"] = enum_value(
            ProgrammeStatus,
            enum_name(pb.ProgrammeStatus, p.status, "programme.status"),
            "PROGRAMME_STATUS_",
        )
    return fields


def _profile_fields(p: pb.Programme) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "target_groups": list(p.target_groups),
        "formats": list(p.formats),
        "focus_areas": list(p.focus_areas),
        "regions": list(p.regions),
        "city": p.city,
        "age_min": p.ages.min if p.ages.HasField("min") else None,
        "age_max": p.ages.max if p.ages.HasField("max") else None,
        "start_year": p.start_year if p.HasField("start_year") else None,
    }
    for name in ("mentors", "mentees", "matches"):
        number = p.yearly_numbers
        fields[f"{name}_per_year"] = getattr(number, name) if number.HasField(name) else None
    if p.HasField("location"):
        fields["latitude"], fields["longitude"] = p.location.latitude, p.location.longitude
    return fields


def list_fields(request: pb.ListProgrammesRequest) -> dict[str, Any]:
    fields: dict[str, Any] = {"page_size": clamp_page_size(request.page_size)}
    if request.page_token:
        fields["after"] = str(decode_page_token(request.page_token).get("after", ""))
    if request.organisation:
        fields["organisation_id"] = resource_id(
            request.organisation, "organisations", "organisation"
        )
    if request.country:
        fields["country"] = request.country
    if request.status:
        fields["status"] = enum_value(
            ProgrammeStatus,
            enum_name(pb.ProgrammeStatus, request.status, "status"),
            "PROGRAMME_STATUS_",
        )
    if request.min_evidence_level:
        fields["min_evidence_level"] = _design(request.min_evidence_level)
    if request.external_id:
        fields["external_id"] = request.external_id
    return fields


def organisation_list_fields(request: pb.ListOrganisationsRequest) -> dict[str, Any]:
    """The query's fields; the page token holds the order it was made for, checked here."""
    fields: dict[str, Any] = {
        "page_size": clamp_page_size(request.page_size),
        "order_by": request.order_by,
        "show_withdrawn": request.show_withdrawn,
    }
    if request.page_token:
        position = decode_page_token(request.page_token)
        after = position.get("after")
        if (
            position.get("order_by") != " ".join(request.order_by.split())
            or not isinstance(after, list)
            or len(after) != 2
            or not all(isinstance(part, str) for part in after)
        ):
            raise InvalidArgument(
                FieldViolation("page_token", "not a page token of this list and order_by")
            )
        fields["after"] = after
    if request.country:
        fields["country"] = request.country
    if request.kind:
        kind = enum_name(pb.OrganisationKind, request.kind, "kind")
        fields["kind"] = enum_value(OrganisationKind, kind, "ORGANISATION_KIND_")
    if request.status:
        status = enum_name(pb.OrganisationStatus, request.status, "status")
        fields["status"] = enum_value(OrganisationStatus, status, "ORGANISATION_STATUS_")
    return fields


def organisation_page_token(request: pb.ListOrganisationsRequest, after: tuple[str, str]) -> str:
    return encode_page_token({"after": list(after), "order_by": " ".join(request.order_by.split())})


def organisation_to_proto(view: OrganisationView) -> pb.Organisation:
    """The organisation as callers see it; its contact's e-mail only for signed-in callers.

    Organisations are public, but a published address is a spam and phishing target, and
    a person's address is personal data: anonymous callers get the contact's name only.
    """
    email = view.contact_email if current_principal() is not None else ""
    return pb.Organisation(
        name=f"organisations/{view.id}",
        display_name=view.display_name,
        kind=pb.OrganisationKind.Value("ORGANISATION_KIND_" + OrganisationKind(view.kind).name),
        country=view.country,
        city=view.city,
        website=view.website,
        contact=pb.Contact(display_name=view.contact_name, email=email),
        description=view.description,
        version=view.version,
        create_time=timestamp(view.create_time),
        update_time=timestamp(view.update_time),
        editors=[f"people/{person_id}" for person_id in view.editors],
        status=pb.OrganisationStatus.Value(
            "ORGANISATION_STATUS_" + OrganisationStatus(view.status).name
        ),
    )


def programme_to_proto(view: ProgrammeView) -> pb.Programme:
    return pb.Programme(
        name=f"programmes/{view.id}",
        organisation=f"organisations/{view.organisation_id}",
        display_name=view.display_name,
        description=view.description,
        languages=view.languages,
        countries=view.countries,
        status=pb.ProgrammeStatus.Value("PROGRAMME_STATUS_" + ProgrammeStatus(view.status).name),
        version=view.version,
        create_time=timestamp(view.create_time),
        update_time=timestamp(view.update_time),
        target_groups=view.target_groups,
        formats=view.formats,
        focus_areas=view.focus_areas,
        ages=pb.AgeRange(min=view.age_min, max=view.age_max),
        yearly_numbers=pb.YearlyNumbers(
            mentors=view.mentors_per_year,
            mentees=view.mentees_per_year,
            matches=view.matches_per_year,
        ),
        start_year=view.start_year,
        regions=view.regions,
        city=view.city,
        location=_location(view),
        evidence_level=_design_number(view.evidence_level),
        learning_goals=[
            pb.ProgrammeLearningGoal(topic=g["topic"], description=g["description"])
            for g in view.learning_goals
        ],
        evaluations=[
            pb.Evaluation(design=_design_number(e["design"]), year=e["year"], link=e["link"])
            for e in view.evaluations
        ],
        external_id=view.external_id,
    )


def _location(view: ProgrammeView) -> pb.Location | None:
    if view.latitude is None or view.longitude is None:
        return None
    return pb.Location(
        latitude=view.latitude, longitude=view.longitude, matched=view.location_matched
    )
