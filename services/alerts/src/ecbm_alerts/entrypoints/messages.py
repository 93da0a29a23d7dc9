"""Proto ↔ messages and views of the alerts api: names, enums, times."""

from __future__ import annotations

from datetime import date
from typing import Any

from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper

from ecbm.alerts.v1 import alerts_pb2 as pb
from ecbm_alerts.adapters.views import ItemView, SourceView, SubscriptionView
from ecbm_runtime.grpc.convert import enum_name, timestamp
from ecbm_runtime.grpc.names import resource_id


def enum_in(enum: EnumTypeWrapper, prefix: str, value: int, field: str) -> str | None:
    """The domain's value of a proto enum ("ITEM_KIND_FUNDING_CALL" -> "funding_call")."""
    if value == 0:
        return None
    return enum_name(enum, value, field).removeprefix(prefix).lower()


def enum_out(enum: EnumTypeWrapper, prefix: str, value: str) -> Any:
    return enum.Value(prefix + value.upper())


def item_kinds(values: Any, field: str) -> list[str | None]:
    return [enum_in(pb.ItemKind, "ITEM_KIND_", v, f"{field}[{i}]") for i, v in enumerate(values)]


def source_id(name: str, field: str = "name") -> str:
    return resource_id(name, "sources", field)


def item_id(name: str, field: str = "name") -> str:
    return resource_id(name, "items", field)


def subscription_id(name: str, field: str = "name") -> str:
    return resource_id(name, "subscriptions", field)


def source_proto(s: SourceView) -> pb.Source:
    return pb.Source(
        name=f"sources/{s.id}",
        display_name=s.name,
        kind=enum_out(pb.SourceKind, "SOURCE_KIND_", s.kind),
        url=s.url,
        item_kind=enum_out(pb.ItemKind, "ITEM_KIND_", s.item_kind),
        query=s.query,
        interval_minutes=s.interval_minutes,
        state=s.state,
        health=s.health,
        failures=s.failures,
        last_error=s.last_error,
        last_success_time=timestamp(s.last_success_time),
        create_time=timestamp(s.create_time),
    )


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def item_proto(i: ItemView) -> pb.Item:
    f = i.facts
    return pb.Item(
        name=f"items/{i.id}",
        kind=enum_out(pb.ItemKind, "ITEM_KIND_", i.kind),
        identifier=i.identifier,
        title=f.title,
        url=f.url,
        summary=f.summary,
        language=f.language,
        publish_time=timestamp(f.published_at),
        programme=f.programme,
        status=f.status.value if f.status else "",
        opening_date=_day(f.opening_date),
        deadlines=[d.isoformat() for d in f.deadlines],
        budget_eur=f.budget_eur,
        keywords=list(f.keywords),
        oj_series=f.oj_series,
        stage=f.stage,
        committee=f.committee,
        rapporteurs=[
            pb.Rapporteur(
                name=r.name,
                role=r.role,
                group=r.group,
                policy_contact=_contact(i.contacts.get((r.name, r.role), "")),
            )
            for r in f.rapporteurs
        ],
        countries=list(f.countries),
        relevance=i.relevance,
        topics=list(i.topics),
        pinned=i.pinned,
        hidden=i.hidden,
        note=i.note,
        picked_for_newsletter=i.picked,
        sources=list(i.sources),
        changes=[pb.ItemChange(time=timestamp(at), changes=list(c)) for at, c in i.changes],
        create_time=timestamp(i.create_time),
        update_time=timestamp(i.update_time),
    )


def _contact(policy_contact_id: str) -> str:
    return f"policyContacts/{policy_contact_id}" if policy_contact_id else ""


def subscription_proto(s: SubscriptionView) -> pb.Subscription:
    t = s.terms
    return pb.Subscription(
        name=f"subscriptions/{s.id}",
        display_name=t.name,
        query=t.query,
        kinds=[enum_out(pb.ItemKind, "ITEM_KIND_", k.value) for k in t.kinds],
        topics=list(t.topics),
        countries=list(t.countries),
        rhythm=enum_out(pb.Rhythm, "RHYTHM_", t.rhythm.value),
        best_only=t.best_only,
        organisation=f"organisations/{t.organisation_id}" if t.organisation_id else "",
        create_time=timestamp(s.create_time),
        update_time=timestamp(s.update_time),
    )


def terms_fields(s: pb.Subscription) -> dict[str, Any]:
    rhythm = enum_in(pb.Rhythm, "RHYTHM_", s.rhythm, "subscription.rhythm")
    return {
        "name": s.display_name,
        "query": s.query,
        "kinds": item_kinds(s.kinds, "subscription.kinds"),
        "topics": list(s.topics),
        "countries": list(s.countries),
        **({"rhythm": rhythm} if rhythm else {}),
        "best_only": s.best_only,
        "organisation_id": s.organisation.removeprefix("organisations/"),
    }
