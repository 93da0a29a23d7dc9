"""Who may read and change an inbox: the person it belongs to, and editors (admins)."""

from __future__ import annotations

from ecbm_notify.domain.recipients import recipient_id_for
from ecbm_runtime.auth import current_principal
from ecbm_runtime.errors import PermissionDenied


def check_may_use_inbox(recipient_id: str) -> None:
    """Editors and admins use any inbox; everyone else only their own.

    "Their own" is the recipient whose id is the token's subject, or derived from its email.
    """
    principal = current_principal()
    if principal is None:
        raise PermissionDenied("using an inbox needs a token")
    if principal.has_any_role({"editor"}) or principal.subject == recipient_id:
        return
    if principal.email and recipient_id_for(principal.email) == recipient_id:
        return
    raise PermissionDenied("this is another person's inbox")
