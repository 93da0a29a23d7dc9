"""E-mail over SMTP: one connection kept open across sends, failures sorted into two kinds.

The sender loop (and the newsletter's campaign sender) only need to know whether to try
again later (`MailUnavailable`) or never (`MailRejected`); everything SMTP-specific stays here.
"""

from __future__ import annotations

import contextlib
import email.policy
import logging
import smtplib
import ssl
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid
from typing import Literal

from email_validator import EmailNotValidError, validate_email

_log = logging.getLogger("ecbm_notify.mailer")


class MailError(Exception):
    """A message could not be handed to the SMTP server."""


class MailRejected(MailError):
    """Permanent: the server refused the message or an address (5xx). Never retry."""


class MailUnavailable(MailError):
    """Temporary: no connection, a timeout or a 4xx answer. Retry later."""


class MailServerDown(MailUnavailable):
    """The server cannot be reached at all: no message is at fault, every one must wait."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 8025
    # "starttls": upgrade after connecting, and refuse to go on in plaintext when the server
    # does not offer it; "tls": TLS from the first byte (port 465). Both verify the
    # server's certificate against the system's CAs, or ``ca_file``'s.
    security: Literal["none", "starttls", "tls"] = "none"
    ca_file: str = ""
    username: str = ""
    password: str = field(default="", repr=False)
    mail_from: str = "ECBM <notify@ecbm.local>"
    timeout_seconds: float = 10.0


class SmtpMailer:
    """Sends `EmailMessage`s through one SMTP connection, reconnecting when it drops.

    Thread safe (one lock around the connection): a benchmark of 100,000 mails must not
    open 100,000 connections, and two threads must not interleave one SMTP dialogue.
    """

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self._lock = threading.Lock()

    @property
    def mail_from(self) -> str:
        return self.settings.mail_from

    def send(self, message: EmailMessage) -> None:
        """Hand ``message`` to the server; ``From`` defaults to ``mail_from``.

        A dropped connection is reopened once before giving up with `MailUnavailable`.
        """
        if message["From"] is None:
            message["From"] = self.settings.mail_from
        check_addresses(message)
        with self._lock:
            try:
                self._send_once(message)
            except smtplib.SMTPServerDisconnected:
                self._drop()
                try:
                    self._send_once(message)
                except (smtplib.SMTPServerDisconnected, OSError) as error:
                    self._drop()
                    raise MailServerDown(f"SMTP connection lost: {error}") from error

    def _send_once(self, message: EmailMessage) -> None:
        smtp = self._connection()
        try:
            refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise _classified(_first_refusal(error.recipients)) from error
        except smtplib.SMTPSenderRefused as error:
            if error.smtp_code == 552:  # this message is too large
                raise MailRejected(_reason(error.smtp_code, error.smtp_error)) from error
            # Our sender refused (authentication required, relaying denied): every message
            # would fail the same way, so none is at fault and all must wait.
            raise MailServerDown(_reason(error.smtp_code, error.smtp_error)) from error
        except smtplib.SMTPResponseException as error:
            if error.smtp_code >= 500:
                raise MailRejected(_reason(error.smtp_code, error.smtp_error)) from error
            self._drop()  # the dialogue state is unknown after a 4xx on DATA
            raise MailUnavailable(_reason(error.smtp_code, error.smtp_error)) from error
        except smtplib.SMTPServerDisconnected:
            raise
        except OSError as error:
            self._drop()
            raise MailServerDown(f"SMTP connection failed: {error}") from error
        except smtplib.SMTPException as error:
            self._drop()
            raise MailUnavailable(f"SMTP failed: {error}") from error
        if refused:  # some recipients accepted, some not: we send to one, so report it
            raise _classified(_first_refusal(refused))

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        settings = self.settings
        try:
            smtp = self._connect()
            if settings.username:
                smtp.login(settings.username, settings.password)
        except smtplib.SMTPAuthenticationError as error:
            # A configuration problem of ours: no message is at fault.
            raise MailServerDown(f"SMTP login refused: {error.smtp_code}") from error
        except (TimeoutError, OSError, smtplib.SMTPException) as error:
            raise MailServerDown(
                f"cannot reach SMTP at {settings.host}:{settings.port}: {error}"
            ) from error
        self._smtp = smtp
        _log.info(
            "connected to SMTP", extra={"smtp_host": settings.host, "smtp_port": settings.port}
        )
        return smtp

    def _connect(self) -> smtplib.SMTP:
        settings, timeout = self.settings, self.settings.timeout_seconds
        if settings.security == "none":
            return smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        tls = ssl.create_default_context(cafile=settings.ca_file or None)
        if settings.security == "tls":
            return smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=tls)
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        try:
            smtp.starttls(context=tls)  # SMTPNotSupportedError when not offered: no fallback
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with contextlib.suppress(OSError):
                smtp.close()

    def close(self) -> None:
        """Say QUIT if the connection is still there; sending again reconnects."""
        with self._lock:
            smtp, self._smtp = self._smtp, None
            if smtp is not None:
                try:
                    smtp.quit()
                except (OSError, smtplib.SMTPException):
                    smtp.close()


# SMTP's own line limit: the default 78 would fold (and RFC 2047-encode) a long
# List-Unsubscribe URL, which mail clients then fail to read as a link.
WIRE_POLICY = email.policy.default.clone(max_line_length=998)


def compose(
    to: str,
    subject: str,
    text: str,
    html: str,
    *,
    unsubscribe_url: str = "",
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """A multipart/alternative message (text, then HTML).

    With ``unsubscribe_url`` (every non-critical message) it carries ``List-Unsubscribe``
    and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058), so mail clients
    offer a one-click unsubscribe that POSTs to the URL.
    """
    message = EmailMessage(policy=WIRE_POLICY)
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="ecbm.local")
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def check_addresses(message: EmailMessage) -> None:
    """An address no server could deliver to is a permanent failure, found before SMTP."""
    recipients = [*message.get_all("To", []), *message.get_all("Cc", [])]
    if not recipients:
        raise MailRejected("the message has no recipient")
    for _name, address in getaddresses([str(value) for value in recipients]):
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError as error:
            raise MailRejected(f"invalid address {address!r}: {error}") from error


def _first_refusal(recipients: dict[str, tuple[int, bytes]]) -> tuple[int, bytes]:
    return next(iter(recipients.values()), (550, b"recipient refused"))


def _classified(refusal: tuple[int, bytes]) -> MailError:
    code, text = refusal
    if code >= 500:
        return MailRejected(_reason(code, text))
    return MailUnavailable(_reason(code, text))


def _reason(code: int, text: bytes | str) -> str:
    message = text.decode(errors="replace") if isinstance(text, bytes) else text
    return f"{code} {message}".strip()
