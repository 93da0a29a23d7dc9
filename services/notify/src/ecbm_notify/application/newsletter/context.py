"""What newsletter use cases need besides the database: templates, SMTP, links, pacing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from ecbm_notify.adapters.newsletter.mail import Links
from ecbm_notify.adapters.templates import TemplateRenderer
from ecbm_notify.application.ports import Mailer


@dataclass
class Newsletter:
    renderer: TemplateRenderer
    # One SMTP connection each; a campaign's batch is sent over all of them at once.
    mailers: Sequence[Mailer]
    links: Links
    # 0: as fast as SMTP takes them.
    messages_per_second: float = 0.0
    batch_size: int = 500
    lease_seconds: float = 60.0
    owner: str = field(default_factory=lambda: uuid.uuid4().hex)
