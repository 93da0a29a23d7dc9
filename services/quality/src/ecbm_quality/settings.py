"""Settings of the quality service (environment ``ECBM_QUALITY_*``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from ecbm_runtime.ratelimit import Rate
from ecbm_runtime.settings import ServiceSettings


class QualitySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ECBM_QUALITY_", extra="ignore")
    service_name: str = "quality"
    # A label's validity and the renewal reminder's notice, in days.
    label_validity_days: int = 3 * 365
    renewal_notice_days: int = 90
    # ConditionsDue this long before the deadline of an award's (or surveillance's) conditions.
    conditions_notice_days: int = 30
    # An auditor introduced through matching to someone of the organisation within so many
    # months may not audit its programmes.
    collaboration_months: int = 24
    # How often the worker follows labels up (expiry, renewal, surveillance, conditions).
    renewal_check_interval_seconds: float = 3600.0
    # The plain HTTP verification endpoint (JSON and SVG badge) for programmes' websites.
    # 0 picks a free port. Calls per client address: a burst, then so many a minute.
    verify_http_host: str = "127.0.0.1"
    verify_http_port: int = 8104
    verify_http_per_client: Rate = Rate(burst=120, per_minute=1200)
    # A verified label is answered from this process's memory for so many seconds (0: every
    # verification reads the database); changes made through the process show at once.
    verify_cache_seconds: float = 5.0
