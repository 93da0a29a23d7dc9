"""Bearer tokens, the current principal and access decisions."""

from __future__ import annotations

import time

import jwt
import pytest

from ecbm_runtime import auth, errors

SECRET = "unit-test-signing-key-of-a-decent-length-0123456789"
ALG, ISSUER = "HS256", "ecbm"


def token(subject: str = "u-1", roles: tuple[str, ...] = ("editor",), **kwargs: object) -> str:
    return auth.issue_token(SECRET, ALG, ISSUER, subject, roles, **kwargs)  # type: ignore[arg-type]


def test_issued_token_verifies_to_its_principal() -> None:
    principal = auth.verify_token(SECRET, ALG, ISSUER, token(email="ana@example.org"))
    assert principal == auth.Principal("u-1", frozenset({"editor"}), "ana@example.org")


@pytest.mark.parametrize(
    ("bad_token", "reason"),
    [
        (token(ttl_seconds=-10), "expired"),
        (auth.issue_token("another-key-of-a-decent-length-0123456789ab", ALG, ISSUER, "u", []),
         "signature"),
        (auth.issue_token(SECRET, ALG, "someone-else", "u", []), "issuer"),
        ("not.a.jwt", "malformed"),
        (jwt.encode({"iss": ISSUER, "sub": "u"}, SECRET, algorithm=ALG), "'exp'"),
        (jwt.encode({"iss": ISSUER, "sub": "u", "iat": 0, "exp": 2**40, "roles": "admin"},
                    SECRET, ALG), "malformed"),
    ],
)  # fmt: skip
def test_rejected_token_says_why(bad_token: str, reason: str) -> None:
    with pytest.raises(errors.Unauthenticated, match=reason):
        auth.verify_token(SECRET, ALG, ISSUER, bad_token)


def test_verifier_returns_the_same_principal_on_repeated_calls() -> None:
    verifier = auth.TokenVerifier(SECRET, ALG, ISSUER)
    issued = token(roles=("member",))
    assert (
        verifier.verify(issued)
        == verifier.verify(issued)
        == auth.Principal("u-1", frozenset({"member"}))
    )


def test_verifier_rejects_expired_tokens() -> None:
    with pytest.raises(errors.Unauthenticated, match="expired"):
        auth.TokenVerifier(SECRET, ALG, ISSUER).verify(token(ttl_seconds=-1))


class CountingKey:
    """The shared key, counting how often a token had to be decoded (a cache miss)."""

    def __init__(self) -> None:
        self.decoded: list[str] = []

    def key_for(self, token: str) -> str:
        self.decoded.append(token)
        return SECRET


def test_a_verified_token_is_decoded_again_only_once_its_expiry_has_passed() -> None:
    keys, now = CountingKey(), [time.time()]
    verifier = auth.TokenVerifier(keys, ALG, ISSUER, clock=lambda: now[0])
    issued = token(ttl_seconds=60)
    expires = jwt.decode(issued, options={"verify_signature": False})["exp"]

    verifier.verify(issued)
    now[0] = expires - 1
    verifier.verify(issued)
    assert keys.decoded == [issued]  # kept while the token lives

    now[0] = expires + 1  # the cache's clock is past exp (the real one is not)
    verifier.verify(issued)
    assert keys.decoded == [issued, issued]


def test_a_full_cache_drops_the_least_recently_used_token_only() -> None:
    keys = CountingKey()
    verifier = auth.TokenVerifier(keys, ALG, ISSUER, cache_size=2)
    ana, ben, cem = (token(subject) for subject in ("ana", "ben", "cem"))
    for issued in (ana, ben, ana, cem):  # ben is the least recently used when cem comes
        verifier.verify(issued)
    verifier.verify(ana)
    assert keys.decoded == [ana, ben, cem]
    verifier.verify(ben)
    assert keys.decoded == [ana, ben, cem, ben]


def test_allow_rejects_unknown_role_names() -> None:
    with pytest.raises(ValueError, match="edtor"):
        auth.allow("edtor")


def test_public_method_needs_no_principal() -> None:
    auth.authorize("ListProgrammes", auth.PUBLIC, None)


def test_protected_method_without_principal_is_unauthenticated() -> None:
    with pytest.raises(errors.Unauthenticated):
        auth.authorize("RegisterProgramme", auth.allow("editor"), None)


def test_protected_method_with_other_role_is_denied() -> None:
    member = auth.Principal("u", frozenset({"member"}))
    with pytest.raises(errors.PermissionDenied, match="editor"):
        auth.authorize("RegisterProgramme", auth.allow("editor"), member)


def test_admin_may_call_any_method_in_the_policy() -> None:
    admin = auth.Principal("root", frozenset({"admin"}))
    auth.authorize("RegisterProgramme", auth.allow("editor"), admin)


def test_method_missing_from_policy_is_denied_even_to_admin() -> None:
    admin = auth.Principal("root", frozenset({"admin"}))
    with pytest.raises(errors.PermissionDenied):
        auth.authorize("DropEverything", None, admin)


def test_current_principal_is_set_only_inside_acting_as() -> None:
    editor = auth.Principal("u", frozenset({"editor"}))
    with auth.acting_as(editor):
        assert auth.current_principal() == editor
    assert auth.current_principal() is None


def test_require_role_returns_the_caller_holding_it() -> None:
    with auth.acting_as(auth.Principal("u", frozenset({"auditor"}))):
        assert auth.require_role("auditor", "editor").subject == "u"


def test_require_role_rejects_callers_without_it() -> None:
    with (
        auth.acting_as(auth.Principal("u", frozenset({"member"}))),
        pytest.raises(errors.PermissionDenied),
    ):
        auth.require_role("auditor")


def test_require_role_without_caller_is_unauthenticated() -> None:
    with pytest.raises(errors.Unauthenticated):
        auth.require_role("member")
