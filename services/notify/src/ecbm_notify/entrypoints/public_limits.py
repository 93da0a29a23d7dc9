"""Rate limits of notify's public endpoints (Subscribe, ConfirmSubscription, the links in
e-mails), shared by the gRPC servicer and the HTTP server of one api process."""

from __future__ import annotations

from dataclasses import dataclass

from ecbm_notify.settings import NotifySettings
from ecbm_runtime.ratelimit import RateLimiter


@dataclass(frozen=True)
class PublicLimits:
    # Subscribe per e-mail address asked for (per client: its proto's declared limit).
    subscribe_per_address: RateLimiter
    # ConfirmSubscription, /unsubscribe and /newsletter/confirm: per client address.
    links_per_client: RateLimiter

    @classmethod
    def from_settings(cls, settings: NotifySettings) -> PublicLimits:
        return cls(
            subscribe_per_address=RateLimiter(
                "subscribe per address", settings.subscribe_per_address
            ),
            links_per_client=RateLimiter("links per client", settings.links_per_client),
        )
