"""Who acts in a use case, and the checks every service makes on them.

The servicer reads the caller once, at the edge (`current_actor`), and puts it in the
command or query: no handler reads ambient state, and a handler's test builds an `Actor`
directly. A person's token has their person id as subject, which is how they act on
themself. Object checks that belong to one domain (whose registration, whose request) stay
in that service; the ones every service makes the same way live here.
"""

from __future__ import annotations

from collections.abc import Collection

from pydantic import BaseModel, ConfigDict

from ecbm_runtime.auth import ADMIN, EDITOR, Principal, current_principal
from ecbm_runtime.errors import PermissionDenied, RoleRequired, Unauthenticated

EDITING_ROLES = frozenset({EDITOR, ADMIN})


class Actor(BaseModel):
    """The caller as a use case sees it: anonymous when ``subject`` is empty."""

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
        """A Center editor (or an admin): may change what belongs to anyone."""
        return not self.roles.isdisjoint(EDITING_ROLES)

    def has_role(self, role: str) -> bool:
        return ADMIN in self.roles or role in self.roles

    def owns(self, person_id: str) -> bool:
        """Whether the caller is the person ``person_id``."""
        return bool(self.subject) and self.subject == person_id

    def sees_unlisted(self, person_id: str) -> bool:
        """Editors see everyone; anyone else sees unlisted people only when it is themself."""
        return self.is_editor or self.owns(person_id)

    def require_subject(self) -> str:
        """The caller's subject (their person id); commands that record who acted need one."""
        if not self.subject:
            raise Unauthenticated("this needs a bearer token")
        return self.subject

    def require_editor(self, doing: str = "do this") -> str:
        """The editor's subject (empty for a service token without one)."""
        if not self.is_editor:
            raise PermissionDenied(f"only an editor may {doing}")
        return self.subject

    def require_role(self, role: str) -> str:
        """The subject of a caller holding ``role`` (admin always does)."""
        subject = self.require_subject()
        if not self.has_role(role):
            raise RoleRequired(f"this needs one of the roles {[role]}", frozenset({role}))
        return subject

    def require_self_or_editor(self, person_id: str) -> None:
        self.require_subject()
        if not self.sees_unlisted(person_id):
            raise PermissionDenied("only the person themself or an editor may do this")

    def require_organisation_editor(self, organisation_id: str, editors: Collection[str]) -> None:
        """Center editors change any organisation; anyone else only one listing them.

        The one rule for everything an organisation owns, in every service: commands pass
        the aggregate's editors, queries the read model's.
        """
        if self.is_editor:
            return
        if self.require_subject() not in editors:
            raise PermissionDenied(
                f"only editors of organisations/{organisation_id} or Center editors may do this"
            )


def current_actor() -> Actor:
    """The caller of the current gRPC call (anonymous when it sent no token)."""
    return Actor.of(current_principal())
