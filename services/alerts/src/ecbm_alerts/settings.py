"""The alerts service's settings: polling, fetching limits, reminders."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from ecbm_runtime.settings import ServiceSettings


class AlertsSettings(ServiceSettings):
    """Read from ``ECBM_ALERTS_<FIELD>``; shared ones also from ``ECBM_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="ECBM_ALERTS_", extra="ignore")
    service_name: str = "alerts"
    # How often the worker looks for sources whose own interval has passed.
    poll_check_interval_seconds: float = 60.0
    # Fetching: whole-exchange timeout, largest document, redirects followed.
    fetch_timeout_seconds: float = 10.0
    fetch_max_bytes: int = 5_000_000
    fetch_max_redirects: int = 5
    # Days before a funding call's deadline at which subscribers are reminded.
    reminder_days: tuple[int, ...] = (30, 7)
    reminder_check_interval_seconds: float = 3600.0
    fuzzy_title_threshold: float = 92.0
    # Demo: the fixture feeds are served on this port (0: a free one) by `ecbm up --demo`.
    demo_feeds_port: int = 0
