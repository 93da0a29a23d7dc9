"""The checks every service makes on its caller, each tried by a second person."""

from __future__ import annotations

import pytest

from ecbm_runtime.actor import Actor, current_actor
from ecbm_runtime.auth import Principal, acting_as
from ecbm_runtime.errors import PermissionDenied, RoleRequired, Unauthenticated

ANA = Actor(subject="p-ana", roles=frozenset({"member"}))
BO = Actor(subject="p-bo", roles=frozenset({"member"}))
EDITOR = Actor(subject="p-ed", roles=frozenset({"editor"}))
ANONYMOUS = Actor()


def test_an_organisation_is_changed_by_its_editors_and_center_editors_only() -> None:
    ANA.require_organisation_editor("o1", {"p-ana"})
    EDITOR.require_organisation_editor("o1", {"p-ana"})
    with pytest.raises(PermissionDenied, match="organisations/o1"):
        BO.require_organisation_editor("o1", {"p-ana"})
    with pytest.raises(Unauthenticated):
        ANONYMOUS.require_organisation_editor("o1", {"p-ana"})


def test_a_person_acts_on_themself_and_an_editor_on_anyone() -> None:
    ANA.require_self_or_editor("p-ana")
    EDITOR.require_self_or_editor("p-ana")
    with pytest.raises(PermissionDenied):
        BO.require_self_or_editor("p-ana")
    assert ANA.owns("p-ana") and not BO.owns("p-ana") and not ANONYMOUS.owns("")


def test_a_role_is_required_by_name_and_admin_holds_every_role() -> None:
    auditor = Actor(subject="p-au", roles=frozenset({"auditor"}))
    assert auditor.require_role("auditor") == "p-au"
    assert Actor(subject="p-ad", roles=frozenset({"admin"})).require_role("auditor") == "p-ad"
    with pytest.raises(RoleRequired) as refused:
        BO.require_role("auditor")
    assert refused.value.roles == {"auditor"}
    with pytest.raises(PermissionDenied, match="only an editor may publish"):
        BO.require_editor("publish")


def test_the_current_actor_is_the_principal_of_the_call() -> None:
    with acting_as(Principal(subject="p-ana", roles=frozenset({"member"}))):
        assert current_actor() == ANA
    assert current_actor() == ANONYMOUS
