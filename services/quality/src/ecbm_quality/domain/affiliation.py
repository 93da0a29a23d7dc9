"""Step one: a programme is affiliated while the organisation running it is a member.

Registry's membership is a person's; an organisation counts as a member while at least one
of its editors holds an approved membership. The worker keeps these facts from registry's
events (ProgrammeRegistered, OrganisationRegistered and OrganisationEditorAdded for editors,
MembershipApproved, MembershipEnded) and asks this rule which programmes' affiliation changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set


def affiliated_organisations(editors: Mapping[str, Set[str]], members: Set[str]) -> set[str]:
    """Organisations with at least one editor who is an approved member."""
    return {org for org, people in editors.items() if people & members}


def affiliated_programmes(
    programmes: Mapping[str, str], editors: Mapping[str, Set[str]], members: Set[str]
) -> set[str]:
    """programme id -> organisation id in ``programmes``; the affiliated programme ids."""
    organisations = affiliated_organisations(editors, members)
    return {programme for programme, org in programmes.items() if org in organisations}


def changed(before: Iterable[str], after: Iterable[str]) -> tuple[set[str], set[str]]:
    """(gained, lost) affiliation."""
    old, new = set(before), set(after)
    return new - old, old - new
