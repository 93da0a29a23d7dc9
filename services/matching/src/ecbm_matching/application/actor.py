"""Who acts in a use case: read once at the edge, carried by the message."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ecbm_runtime.auth import ADMIN, EDITOR, Principal
from ecbm_runtime.errors import PermissionDenied, Unauthenticated


class Actor(BaseModel):
    """The caller: anonymous when ``subject`` is empty; a member's subject is their person id."""

    model_config = ConfigDict(frozen=True)

    subject: str = ""
    roles: frozenset[str] = frozenset()

    @classmethod
    def of(cls, principal: Principal | None) -> Actor:
        if principal is None:
            return cls()
        return cls(subject=principal.subject, roles=principal.roles)

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.roles

    @property
    def is_organiser(self) -> bool:
        """Editors and admins organise events (Meet & Match slots, tables, schedules)."""
        return ADMIN in self.roles or EDITOR in self.roles

    def require_organiser(self) -> None:
        if not self.is_organiser:
            raise PermissionDenied("only an organiser (editor or admin) may do this")

    def person(self) -> str:
        if not self.subject:
            raise Unauthenticated("this needs a bearer token")
        return self.subject

    def owns(self, person_id: str) -> bool:
        return bool(self.subject) and self.subject == person_id

    def require_admin(self) -> None:
        if not self.is_admin:
            raise PermissionDenied("only an admin may do this")
