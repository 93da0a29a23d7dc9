"""Notify's settings: the live inbox, SMTP, links, the sender, digests and campaigns."""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from ecbm_notify.adapters.mailer import SmtpSettings
from ecbm_notify.application.link_keys import link_key
from ecbm_runtime.ratelimit import Rate
from ecbm_runtime.sealing import ContactSeal, contact_seal, seal_problems
from ecbm_runtime.settings import ServiceSettings, key_problems


class NotifySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ECBM_NOTIFY_", extra="ignore")
    service_name: str = "notify"
    # The live web inbox for browsers (GET /inbox, SSE at /inbox/events); 0 picks a free port.
    http_host: str = "127.0.0.1"
    http_port: int = 8106
    # Its limits (docs/notify-email.md): request bodies, how long a request's head and body
    # may take to arrive, idle keep-alive, open SSE streams per user and in all.
    http_max_body_bytes: int = 8192
    http_request_timeout_seconds: float = 10.0
    http_keep_alive_seconds: int = 5
    http_max_connections: int = 2000
    # Behind a reverse proxy: its addresses (comma-separated), whose X-Forwarded-For then
    # names the client (rate limits key on it). Empty: the peer's address is the client.
    http_forwarded_allow_ips: str = ""
    sse_max_streams_per_user: int = 4
    sse_max_streams: int = 1000
    # A browser that reads nothing for this long (a full send buffer) is cut off.
    sse_send_timeout_seconds: float = 30.0
    # Rate limits of the public endpoints whose key is not just the client (per client, each
    # RPC's proto declares its own: docs/roles.md), per api process
    # (docs/notify-newsletter.md): a token bucket per key, `burst` calls at once, then
    # `per_minute`. JSON in the environment:
    # ECBM_NOTIFY_LINKS_PER_CLIENT='{"burst": 30, "per_minute": 30}'; per_minute 0: off.
    subscribe_per_address: Rate = Rate(burst=3, per_minute=1 / 30)  # then 2 an hour
    links_per_client: Rate = Rate(burst=30, per_minute=30)
    # How often the api tails the event store for changes to push to watchers.
    live_poll_interval_seconds: float = 0.025
    sse_heartbeat_seconds: float = 15.0
    # Each open WatchNotifications stream holds a server thread: more threads than elsewhere.
    grpc_max_workers: int = 64
    # E-mail (see docs/notify-email.md). The defaults reach the local sink `ecbm up` runs.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    # none | starttls (required: never falls back to plaintext) | tls (implicit, port 465)
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    # PEM file of the CA that signed the SMTP server's certificate (default: the system's)
    smtp_ca_file: str = ""
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "European Center for Mentoring <notify@ecbm.local>"
    # The quality committee's shared mailbox: what waits for the committee (a self-assessment
    # to give a panel, an appeal) goes there and to the inbox recipients/committee, which
    # editors read. Empty: the inbox only.
    committee_email: str = ""
    # Signs unsubscribe and newsletter opt-in links (HMAC-SHA256): required in production,
    # never the JWT secret (a leaked link key must not mint tokens, nor the reverse).
    unsubscribe_secret: SecretStr = SecretStr("")
    unsubscribe_token_days: int = 60
    # Where the links in e-mails point: this service's HTTP server as browsers reach it.
    public_base_url: str = "http://127.0.0.1:8106"
    # The worker's sender: how often it looks for due mail, and the backoff of retries.
    mail_send_interval_seconds: float = 2.0
    retry_first_delay_seconds: float = 30.0
    retry_max_delay_seconds: float = 3600.0
    retry_max_attempts: int = 8
    # Digests (UTC): daily at this hour; weekly on this weekday (0 = Monday) at this hour.
    digest_hour: int = 7
    weekly_digest_weekday: int = 0
    digest_check_interval_seconds: float = 60.0
    # Newsletter campaigns (docs/notify-newsletter.md): messages per second (0: unthrottled),
    # recipients per batch (pause takes effect between batches), how often due ones are sent.
    newsletter_messages_per_second: float = 0.0
    newsletter_batch_size: int = 500
    # SMTP connections a campaign is sent over at once (one waits, another sends).
    newsletter_smtp_connections: int = 2
    newsletter_send_interval_seconds: float = 2.0

    def smtp(self) -> SmtpSettings:
        return SmtpSettings(
            host=self.smtp_host,
            port=self.smtp_port,
            security=self.smtp_security,
            ca_file=self.smtp_ca_file,
            username=self.smtp_username,
            password=self.smtp_password.get_secret_value(),
            mail_from=self.mail_from,
            timeout_seconds=self.smtp_timeout_seconds,
        )

    def unsubscribe_key(self) -> bytes:
        return link_key(self)

    def contact_seal(self) -> ContactSeal:
        return contact_seal(self.contact_sealing_keys, self.development)

    def startup_problems(self) -> list[str]:
        problems = super().startup_problems()
        if self.development:
            return problems
        problems += seal_problems(self.contact_sealing_keys)
        secret = self.unsubscribe_secret
        problems += key_problems("ECBM_NOTIFY_UNSUBSCRIBE_SECRET", secret)
        if secret.get_secret_value() == self.jwt_secret.get_secret_value():
            problems.append("ECBM_NOTIFY_UNSUBSCRIBE_SECRET must not be the JWT secret")
        return problems
