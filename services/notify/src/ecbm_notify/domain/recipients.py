"""Recipients: the people notify reaches, and the addresses it may use for them.

A person's recipient is bound to their registry person id for good: it is found by that id
and never by an address, and its id is random (nothing about an address leads to it).
An address the registry gives becomes deliverable only when its owner follows the
verification link mailed to it: until then mail keeps going to the last verified address
(or nowhere). Two people may give the same address; they stay two recipients.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecbm_runtime.errors import RuleViolation

# The quality committee's recipient: one, with a known id, so editors can open its inbox.
COMMITTEE_RECIPIENT = "committee"
COMMITTEE_NAME = "Quality committee"


def normalised_email(email: str) -> str:
    return email.strip().lower()


class AddressNotWaiting(RuleViolation):
    """The address is not the one waiting for verification (changed since, or never given)."""


@dataclass(frozen=True)
class Addresses:
    """A person's addresses: ``verified`` receives mail; ``pending`` waits for its link.

    Invariants: both are normalised; ``pending`` is never the ``verified`` one.
    """

    verified: str | None = None
    pending: str | None = None

    def given(self, address: str) -> Addresses:
        """The registry names ``address``: already verified, or now waiting for its link."""
        address = normalised_email(address)
        if address == self.verified:
            return Addresses(self.verified, None)
        return Addresses(self.verified, address)

    def confirmed(self, address: str) -> Addresses:
        """Its owner followed the link sent to ``address``: mail goes there from now on."""
        address = normalised_email(address)
        if address == self.verified:
            return self  # an older link, or the link followed twice
        if address != self.pending:
            raise AddressNotWaiting("this link is for an address that no longer waits")
        return Addresses(address, None)


def link_needed(before: Addresses, after: Addresses, consent: bool, had_consent: bool) -> bool:
    """Mail a verification link when an address starts waiting, or when the person (who
    refused e-mail so far) now allows it while one waits; never to someone refusing e-mail."""
    if not consent or after.pending is None:
        return False
    return after.pending != before.pending or not had_consent
