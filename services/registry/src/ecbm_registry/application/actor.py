"""Who acts in a use case of any area, and what they may see and change.

The servicer reads the caller once, at the edge, and puts it in the command or query:
no handler reads ambient state.
"""

from __future__ import annotations

from collections.abc import Collection

from pydantic import BaseModel, ConfigDict

from ecbm_runtime.auth import ADMIN, Principal
from ecbm_runtime.errors import PermissionDenied, Unauthenticated

EDITING_ROLES = frozenset({"editor", "admin"})


class Actor(BaseModel):
    """The caller as a use case sees it: anonymous when ``subject`` is empty.

    A person's token has their person id as subject, which is how they act on themself.
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
    def is_editor(self) -> bool:
        return not self.roles.isdisjoint(EDITING_ROLES)

    def sees_unlisted(self, person_id: str) -> bool:
        """Editors see everyone; anyone else sees unlisted people only when it is themself."""
        return self.is_editor or (bool(self.subject) and self.subject == person_id)

    def require_self_or_editor(self, person_id: str) -> None:
        if not self.subject:
            raise Unauthenticated("this needs a bearer token")
        if not self.sees_unlisted(person_id):
            raise PermissionDenied("only the person themself or an editor may do this")

    def require_organisation_editor(self, organisation_id: str, editors: Collection[str]) -> None:
        """Center editors change any organisation; anyone else only one listing them.

        The one rule for everything an organisation owns (itself, its programmes, their
        history): commands pass the aggregate's editors, queries the read model's.
        """
        if self.is_editor:
            return
        subject = self.require_subject()
        if subject not in editors:
            raise PermissionDenied(
                f"only editors of organisations/{organisation_id} or Center editors may do this"
            )

    def require_editor(self) -> None:
        if not self.is_editor:
            raise PermissionDenied("only an editor may decide on memberships")

    def require_subject(self) -> str:
        """The caller's subject; commands that record who acted need one."""
        if not self.subject:
            raise Unauthenticated("this needs a bearer token")
        return self.subject

    def require_role(self, role: str) -> str:
        """The subject of a caller holding ``role`` (admin always does)."""
        subject = self.require_subject()
        if not self.has_role(role):
            raise PermissionDenied(f"this needs one of the roles {[role]}")
        return subject

    def has_role(self, role: str) -> bool:
        return ADMIN in self.roles or role in self.roles
