"""Notify's link key: its own secret, never the JWT secret, from a file in production."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from ecbm_notify.application.link_keys import DEVELOPMENT_LINK_KEY, link_key
from ecbm_notify.bootstrap import NotifySettings
from ecbm_runtime.settings import DEVELOPMENT_JWT_SECRET, UnsafeSettings, check_can_start

JWT_SECRET = "a-production-signing-key-nobody-has-seen-0123456789"
LINK_SECRET = "a-production-link-key-nobody-has-seen-9876543210"


def production(**values: Any) -> NotifySettings:
    return NotifySettings(mode="production", jwt_secret=JWT_SECRET, **values)


def test_development_signs_links_with_a_key_that_is_not_the_jwt_secret() -> None:
    settings = NotifySettings(mode="development")

    assert link_key(settings) == DEVELOPMENT_LINK_KEY != DEVELOPMENT_JWT_SECRET.encode()


@pytest.mark.parametrize(
    ("secret", "problem"), [("", "is empty"), (JWT_SECRET, "must not be the JWT secret")]
)
def test_production_refuses_to_start_without_a_link_key_of_its_own(
    secret: str, problem: str
) -> None:
    with pytest.raises(UnsafeSettings, match=problem):
        check_can_start(production(unsubscribe_secret=secret))
    if not secret:
        with pytest.raises(UnsafeSettings):
            link_key(production())


def test_secrets_are_read_from_files_in_the_secrets_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ecbm_notify_unsubscribe_secret").write_text(LINK_SECRET + "\n")
    (tmp_path / "ECBM_NOTIFY_SMTP_PASSWORD").write_text("smtp-pass")
    # Shared by the registry (seals) and notify (opens): one file serves both.
    (tmp_path / "ecbm_contact_sealing_keys").write_text(Fernet.generate_key().decode() + "\n")
    monkeypatch.setenv("ECBM_SECRETS_DIR", str(tmp_path))

    settings = production()

    check_can_start(settings)
    assert link_key(settings) == LINK_SECRET.encode()
    assert settings.smtp().password == "smtp-pass"
    assert "smtp-pass" not in repr(settings.smtp()) and LINK_SECRET not in repr(settings)
