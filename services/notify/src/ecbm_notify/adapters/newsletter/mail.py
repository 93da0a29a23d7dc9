"""Newsletter mails: a campaign rendered once per campaign, then cheap per recipient.

The template (Jinja2 + Babel, the e-mail renderer's) runs once with placeholders for what
differs per recipient (name, unsubscribe link); each recipient's mail is then two string
replacements. The placeholders are plain ASCII that HTML escaping leaves alone.

A campaign goes to up to 100,000 people, and the `email` package's header objects cost
milliseconds per message (parsing every header on set, refolding it on send): more than
the SMTP dialogue itself. So the MIME structure is written here once per campaign, headers
encoded once, with a policy that writes them as they are; per recipient only the To, date,
message id, unsubscribe link and the two base64 bodies are new. The result is a normal
`EmailMessage` that `SmtpMailer.send` takes like any other.
"""

from __future__ import annotations

import base64
import html
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.header import Header
from email.message import EmailMessage
from email.policy import Compat32
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import quote

from jinja2 import TemplateError

from ecbm_notify.adapters.mailer import compose
from ecbm_notify.adapters.templates import RenderedMail, TemplateRenderer
from ecbm_notify.domain import unsubscribe
from ecbm_notify.domain.campaign import ContentBlock
from ecbm_notify.domain.subscriber import confirmation_purpose

NAME = "@@ecbm-recipient-name@@"
UNSUBSCRIBE = "@@ecbm-unsubscribe-url@@"
NEWSLETTER_TOPIC = "newsletter"


class CampaignRenderingFailed(Exception):
    """The campaign's template did not render; the message says where."""


@dataclass(frozen=True)
class Links:
    """Where links in mails point and how they are signed."""

    public_base_url: str
    key: bytes
    valid_for: timedelta

    def unsubscribe_url(self, recipient_id: str, now: datetime) -> str:
        token = unsubscribe.issue(self.key, recipient_id, NEWSLETTER_TOPIC, now, self.valid_for)
        return f"{self.public_base_url.rstrip('/')}/unsubscribe?token={quote(token)}"

    def confirmation_url(self, subscriber_id: str, request: int, now: datetime) -> str:
        """The link that confirms request number ``request`` of the subscriber."""
        purpose = confirmation_purpose(request)
        token = unsubscribe.issue(self.key, subscriber_id, purpose, now, self.valid_for)
        return f"{self.public_base_url.rstrip('/')}/newsletter/confirm?token={quote(token)}"


def render_campaign(
    renderer: TemplateRenderer,
    template: str,
    language: str,
    subject: str,
    blocks: Sequence[ContentBlock],
    recipient_name: str = NAME,
    unsubscribe_url: str = UNSUBSCRIBE,
) -> RenderedMail:
    context: dict[str, Any] = {
        "subject": subject,
        "blocks": [block.model_dump() for block in blocks],
        "recipient_name": recipient_name,
        "unsubscribe_url": unsubscribe_url,
    }
    try:
        return renderer.render(template, language, context)
    except TemplateError as error:
        raise CampaignRenderingFailed(f"template {template!r} [{language}]: {error}") from error


class _Verbatim(Compat32):
    """Writes headers as given: they are encoded (RFC 2047) and short already."""

    def fold_binary(self, name: str, value: str) -> bytes:  # type: ignore[override]
        return f"{name}: {value}{self.linesep}".encode("ascii")

    def fold(self, name: str, value: str) -> str:  # type: ignore[override]
        return f"{name}: {value}{self.linesep}"


VERBATIM = _Verbatim()


def _header(value: str) -> str:
    """ASCII as it is; anything else as one RFC 2047 encoded word list (folded by us)."""
    if value.isascii():
        return value
    return Header(value, "utf-8").encode(linesep="\r\n")


def _base64(text: str) -> str:
    encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return "\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


class CampaignMail:
    """One campaign's rendered mail; `for_recipient` fills in a person."""

    def __init__(
        self, named: RenderedMail, anonymous: RenderedMail, language: str, campaign_id: str
    ) -> None:
        self.subject = named.subject
        self._subject_header = _header(named.subject)
        self._named, self._anonymous = named, anonymous
        self.language, self.campaign_id = language, campaign_id

    def for_recipient(self, email: str, name: str, unsubscribe_url: str) -> EmailMessage:
        """The recipient's message; a non-ASCII address takes the general (slower) path."""
        rendered = self._named if name else self._anonymous
        text = rendered.text.replace(NAME, name).replace(UNSUBSCRIBE, unsubscribe_url)
        body = rendered.html.replace(NAME, html.escape(name)).replace(
            UNSUBSCRIBE, html.escape(unsubscribe_url)
        )
        if not (email.isascii() and unsubscribe_url.isascii()):
            extra = {"Precedence": "bulk", "X-Campaign-ID": self.campaign_id}
            message = compose(
                email, self.subject, text, body, unsubscribe_url=unsubscribe_url, headers=extra
            )
            message["Content-Language"] = self.language
            return message
        boundary = f"=_ecbm_{secrets.token_hex(12)}"
        message = EmailMessage(policy=VERBATIM)
        for header, value in (
            ("To", email),
            ("Subject", self._subject_header),
            ("Date", formatdate(localtime=False)),
            ("Message-ID", make_msgid(domain="ecbm.local")),
            ("List-Unsubscribe", f"<{unsubscribe_url}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ("Precedence", "bulk"),
            ("X-Campaign-ID", self.campaign_id),
            ("Content-Language", self.language),
            ("MIME-Version", "1.0"),
            ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
        ):
            message[header] = value
        part = 'Content-Type: text/{}; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n'
        message.set_payload(
            f"--{boundary}\r\n{part.format('plain')}\r\n{_base64(text)}\r\n"
            f"--{boundary}\r\n{part.format('html')}\r\n{_base64(body)}\r\n"
            f"--{boundary}--\r\n"
        )
        return message
