"""Who may read and change an inbox: the person it belongs to, and editors (admins).

A person's inbox is theirs by person id (the token's subject) alone: never by an address,
which anyone can type into a profile. An organisation contact's inbox belongs to no
person: it is open to the people who proved they read its mailbox (their verified
address is the contact's). ``recipients/me`` names the caller's own inbox.
"""

from __future__ import annotations

from collections.abc import Callable

from ecbm_notify.adapters.inbox.views import RecipientView
from ecbm_runtime.auth import Principal, current_principal
from ecbm_runtime.errors import NotFound, PermissionDenied

ME = "me"
Owner = Callable[[], RecipientView | None]
# Person id -> their recipient's id, or their verified address.
ByPerson = Callable[[str], str | None]


class NoInboxYet(NotFound):
    """The caller is no person notify knows (yet), so ``recipients/me`` names nothing."""


def _caller() -> Principal:
    principal = current_principal()
    if principal is None:
        raise PermissionDenied("using an inbox needs a token")
    return principal


def resolve_recipient(recipient_id: str, recipient_of_person: ByPerson) -> str:
    """``me``: the caller's own recipient, found by their person id; any other id as given."""
    if recipient_id != ME:
        return recipient_id
    found = recipient_of_person(_caller().subject)
    if found is None:
        raise NoInboxYet("you have no inbox yet")
    return found


def check_may_use_inbox(owner: Owner, verified_address_of: ByPerson) -> None:
    """Editors use any inbox; everyone else only their own (looked up only then).

    An unknown recipient is refused like another person's: the answer tells nobody which
    ids exist.
    """
    principal = _caller()
    if principal.has_any_role({"editor"}):
        return
    found = owner()
    if found is not None:
        if found.person_id is not None:
            if principal.subject == found.person_id:
                return
        elif found.email is not None and verified_address_of(principal.subject) == found.email:
            return
    raise PermissionDenied("this is another person's inbox")
