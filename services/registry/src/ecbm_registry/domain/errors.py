"""What can go wrong in the registry, in its own words."""

from __future__ import annotations

from ecbm_runtime.errors import AlreadyExists, NotFound


class OrganisationNotFound(NotFound):
    def __init__(self, organisation_id: str) -> None:
        super().__init__(f"organisations/{organisation_id} does not exist")


class ProgrammeNotFound(NotFound):
    def __init__(self, programme_id: str) -> None:
        super().__init__(f"programmes/{programme_id} does not exist")


class OrganisationAlreadyRegistered(AlreadyExists):
    def __init__(self, existing_id: str) -> None:
        super().__init__(
            "an organisation with this name is already registered in this country",
            existing_name=f"organisations/{existing_id}",
        )


class ExternalIdTaken(AlreadyExists):
    def __init__(self, external_id: str, existing_id: str) -> None:
        super().__init__(
            f"a programme with external id {external_id!r} is already registered",
            existing_name=f"programmes/{existing_id}",
        )
