"""Who may read and change an inbox: the person it belongs to, and editors (admins)."""

from __future__ import annotations

from collections.abc import Callable

from ecbm_notify.adapters.inbox.views import RecipientView
from ecbm_notify.domain.recipients import normalised_email, recipient_id_for
from ecbm_runtime.auth import current_principal
from ecbm_runtime.errors import PermissionDenied

Owner = Callable[[], RecipientView | None]


def check_may_use_inbox(recipient_id: str, owner: Owner | None = None) -> None:
    """Editors and admins use any inbox; everyone else only their own.

    "Their own" is the recipient whose id is the token's subject, or derived from its email;
    failing those, ``owner`` (looked up only then) is asked: the registry person it is (a
    person's token has their person id as subject), or its current address (the id stays
    derived from the first one).
    """
    principal = current_principal()
    if principal is None:
        raise PermissionDenied("using an inbox needs a token")
    if principal.has_any_role({"editor"}) or principal.subject == recipient_id:
        return
    if principal.email and recipient_id_for(principal.email) == recipient_id:
        return
    found = owner() if owner is not None else None
    if found is not None and (
        (found.person_id is not None and principal.subject == found.person_id)
        or (principal.email and normalised_email(principal.email) == found.email)
    ):
        return
    raise PermissionDenied("this is another person's inbox")
