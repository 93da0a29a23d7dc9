"""Queries the registry answers from its read models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from ecbm_registry.application.ordering import OrderBy, parse_order_by
from ecbm_registry.domain.organisation import OrganisationKind, OrganisationStatus
from ecbm_registry.domain.programme import EvaluationDesign, ProgrammeStatus
from ecbm_registry.domain.vocabulary import CountryCode
from ecbm_runtime.actor import Actor


class Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GetOrganisation(Query):
    organisation_id: str = Field(min_length=1)


class GetProgramme(Query):
    programme_id: str = Field(min_length=1)


class GetProgrammeHistory(Query):
    actor: Actor = Actor()  # private to the organisation's editors and Center editors
    programme_id: str = Field(min_length=1)
    page_size: int = Field(default=50, ge=1, le=500)
    after_version: int = Field(default=0, ge=0)


class ListProgrammes(Query):
    page_size: int = Field(default=50, ge=1, le=500)
    after: str = ""  # the sort key of the last programme of the previous page
    organisation_id: str | None = None
    country: CountryCode | None = None
    status: ProgrammeStatus | None = None
    min_evidence_level: EvaluationDesign | None = None  # at least this strong
    external_id: str | None = Field(default=None, max_length=100)


ORGANISATION_ORDER_FIELDS = ("display_name", "create_time")
BY_NAME: OrderBy = (("display_name", False),)


class ListOrganisations(Query):
    page_size: int = Field(default=50, ge=1, le=500)
    country: CountryCode | None = None
    kind: OrganisationKind | None = None
    status: OrganisationStatus | None = None  # None: active ones, or all with show_withdrawn
    show_withdrawn: bool = False
    order_by: OrderBy = BY_NAME  # one key: keyset paging follows one column (then the id)
    # Sort key and id of the previous page's last one (checked after order_by, which it needs).
    after: tuple[str, str] | None = None

    def statuses(self) -> tuple[OrganisationStatus, ...]:
        """The statuses listed: the one asked for, else active ones (AIP-164 show_deleted)."""
        if self.status is not None:
            return (self.status,)
        return tuple(OrganisationStatus) if self.show_withdrawn else (OrganisationStatus.ACTIVE,)

    @field_validator("order_by", mode="before")
    @classmethod
    def _parse(cls, value: object) -> object:
        if isinstance(value, str):
            keys = parse_order_by(value, ORGANISATION_ORDER_FIELDS, BY_NAME)
            if len(keys) > 1:
                raise ValueError("order by one field: display_name or create_time [desc]")
            return keys
        return value

    @field_validator("after")
    @classmethod
    def _fits_order(
        cls, value: tuple[str, str] | None, info: ValidationInfo
    ) -> tuple[str, str] | None:
        order = info.data.get("order_by") or BY_NAME
        if value is not None and order[0][0] == "create_time":
            try:
                datetime.fromisoformat(value[0])
            except ValueError:
                raise ValueError("not a page token of this list and order_by") from None
        return value
