"""Who acts in a use case: read once at the edge, carried by the message."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ecbm_runtime.auth import ADMIN, AUDITOR, EDITOR, Principal
from ecbm_runtime.errors import PermissionDenied, Unauthenticated


class Actor(BaseModel):
    """The caller: anonymous when ``subject`` is empty; a member's subject is their person id.

    Editors act as the quality committee; auditors hold the ``auditor`` role.
    """

    model_config = ConfigDict(frozen=True)

    subject: str = ""
    roles: frozenset[str] = frozenset()

    @classmethod
    def of(cls, principal: Principal | None) -> Actor:
        if principal is None:
            return cls()
        return cls(subject=principal.subject, roles=principal.roles)

    @property
    def is_committee(self) -> bool:
        return ADMIN in self.roles or EDITOR in self.roles

    @property
    def is_auditor(self) -> bool:
        return AUDITOR in self.roles

    def person(self) -> str:
        if not self.subject:
            raise Unauthenticated("this needs a bearer token")
        return self.subject

    def require_committee(self) -> None:
        if not self.is_committee:
            raise PermissionDenied("only the quality committee (an editor) may do this")
