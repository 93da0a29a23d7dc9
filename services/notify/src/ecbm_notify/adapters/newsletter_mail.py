"""Newsletter mails: a campaign rendered once per campaign, then cheap per recipient.

The template (Jinja2 + Babel, the e-mail renderer's) runs once with placeholders for what
differs per recipient (name, unsubscribe link); each recipient's mail is then two string
replacements and `compose`. The placeholders are plain ASCII that HTML escaping leaves alone.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote

from jinja2 import TemplateError

from ecbm_notify.adapters.mailer import compose
from ecbm_notify.adapters.templates import RenderedMail, TemplateRenderer
from ecbm_notify.domain import unsubscribe
from ecbm_notify.domain.campaign import ContentBlock

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

    def confirmation_token(self, subscriber_id: str, purpose: str, now: datetime) -> str:
        return unsubscribe.issue(self.key, subscriber_id, purpose, now, self.valid_for)


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


class CampaignMail:
    """One campaign's rendered mail; `for_recipient` fills in a person."""

    def __init__(
        self, named: RenderedMail, anonymous: RenderedMail, language: str, campaign_id: str
    ) -> None:
        self.subject = named.subject
        self._named, self._anonymous = named, anonymous
        self.language, self.campaign_id = language, campaign_id

    def for_recipient(self, email: str, name: str, unsubscribe_url: str) -> EmailMessage:
        rendered = self._named if name else self._anonymous
        text = rendered.text.replace(NAME, name).replace(UNSUBSCRIBE, unsubscribe_url)
        body = rendered.html.replace(NAME, html.escape(name)).replace(
            UNSUBSCRIBE, html.escape(unsubscribe_url)
        )
        message = compose(
            email,
            self.subject,
            text,
            body,
            unsubscribe_url=unsubscribe_url,
            headers={"Precedence": "bulk", "X-Campaign-ID": self.campaign_id},
        )
        # After the body: making it multipart moves Content-* headers into the first part.
        message["Content-Language"] = self.language
        return message
