"""What can go wrong with people and memberships, in their own words."""

from __future__ import annotations

from ecbm_runtime.errors import NotFound


class PersonNotFound(NotFound):
    """Also what a caller gets for a person they may not see, or one who was forgotten."""

    def __init__(self, person_id: str) -> None:
        super().__init__(f"people/{person_id} does not exist")


class MembershipNotFound(NotFound):
    def __init__(self, person_id: str) -> None:
        super().__init__(f"people/{person_id}/membership does not exist; apply first")
