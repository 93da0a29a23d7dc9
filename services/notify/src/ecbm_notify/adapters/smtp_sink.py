"""A local SMTP server that keeps what it receives: for tests and for `ecbm up`'s demo.

It is a real SMTP server (aiosmtpd), so what reaches it went through the same code path as
production mail. Messages are kept in memory (``received``) and, with ``directory``, also
written there as ``.eml`` files a mail client can open.
"""

from __future__ import annotations

import itertools
import ssl
import time
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


@dataclass
class ReceivedMail:
    """One message as the server got it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    def part(self, subtype: str) -> str:
        """The body part of ``subtype`` ("plain" or "html") as text."""
        found = self.message.get_body(preferencelist=(subtype,))
        assert found is not None, f"no text/{subtype} part"
        return str(found.get_content())  # type: ignore[attr-defined]


class SmtpSink:
    """An SMTP server on ``host:port`` that can be stopped and started again.

    Addresses in ``refuse`` get ``550`` at RCPT, as a server answers for an unknown mailbox;
    those in ``refuse_temporarily`` get ``450`` (try again later).
    """

    def __init__(
        self,
        port: int,
        host: str = "127.0.0.1",
        directory: Path | None = None,
        credentials: tuple[str, str] | None = None,
        tls: ssl.SSLContext | None = None,
        implicit_tls: bool = False,
    ) -> None:
        self.host = host
        self.port = port
        self.directory = directory
        # With credentials, AUTH (PLAIN or LOGIN, no TLS: tests only) is required.
        self.credentials = credentials
        # With ``tls``: STARTTLS offered (and required before MAIL), or with
        # ``implicit_tls`` TLS from the first byte, as port 465 does.
        self.tls, self.implicit_tls = tls, implicit_tls
        self.received: list[ReceivedMail] = []
        self.refuse: set[str] = set()
        self.refuse_temporarily: set[str] = set()
        self._controller: Controller | None = None
        self._numbers = itertools.count(1)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        if address in self.refuse_temporarily:
            return "450 4.2.1 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        message = BytesParser(policy=policy.default).parsebytes(content)
        assert isinstance(message, EmailMessage)
        self.received.append(
            ReceivedMail(str(envelope.mail_from), list(envelope.rcpt_tos), message)
        )
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
            name = f"{time.strftime('%Y%m%dT%H%M%S')}-{next(self._numbers):06d}.eml"
            (self.directory / name).write_bytes(content)
        return "250 OK"

    def start(self) -> None:
        options: dict[str, Any] = {}
        if self.credentials is not None:
            options = {
                "auth_required": True,
                "auth_require_tls": False,
                "authenticator": self._authenticate,
            }
        if self.tls is not None and self.implicit_tls:
            options["ssl_context"] = self.tls
        elif self.tls is not None:
            options.update(tls_context=self.tls, require_starttls=True)
        self._controller = Controller(self, hostname=self.host, port=self.port, **options)
        self._controller.start()

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        given = None
        if isinstance(data, LoginPassword):
            given = (data.login.decode(), data.password.decode())
        return AuthResult(success=given == self.credentials)

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[ReceivedMail]:
        return [mail for mail in self.received if address in mail.rcpt_tos]


def main(argv: list[str] | None = None) -> None:
    """``python -m ecbm_notify.adapters.smtp_sink --port 8025 --directory var/mail``:
    the local mail server `ecbm up` runs, so the demo's e-mails land somewhere visible."""
    import argparse
    import signal
    import sys
    import threading

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--directory", type=Path, default=Path("var/mail"))
    args = parser.parse_args(argv)
    sink = SmtpSink(args.port, args.host, args.directory)
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    try:
        sink.start()
    except (OSError, RuntimeError) as error:
        # Another sink (a second `ecbm up`) took the port first: mail goes there. Staying up
        # keeps the supervisor from reading this as a crash and stopping every service.
        sys.stdout.write(f"SMTP sink not started ({error}); {args.host}:{args.port} is taken\n")
        sys.stdout.flush()
        stopping.wait()
        return
    sys.stdout.write(f"SMTP sink on {args.host}:{args.port}, mail in {args.directory}/*.eml\n")
    sys.stdout.flush()
    stopping.wait()
    sink.stop()


if __name__ == "__main__":
    main()
