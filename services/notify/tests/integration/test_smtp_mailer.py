"""SmtpMailer against a real SMTP server: delivery, one connection, and the two failure kinds."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ecbm_notify.adapters.mailer import (
    MailRejected,
    MailServerDown,
    MailUnavailable,
    SmtpMailer,
    SmtpSettings,
    compose,
)
from ecbm_notify.adapters.smtp_sink import SmtpSink
from ecbm_runtime.certificates import CertificateAuthority
from ecbm_runtime.testing import free_port


def _mail(to: str = "an@example.org", unsubscribe_url: str = "") -> object:
    return compose(
        to, "Hello", "plain text body", "<p>html body</p>", unsubscribe_url=unsubscribe_url
    )


def test_a_message_arrives_with_both_parts_and_the_one_click_headers(
    smtp_sink: SmtpSink,
) -> None:
    mailer = SmtpMailer(SmtpSettings(port=smtp_sink.port, mail_from="ECBM <n@ecbm.local>"))
    mailer.send(_mail(unsubscribe_url="http://x/unsubscribe?token=abc"))  # type: ignore[arg-type]

    [mail] = smtp_sink.received
    assert mail.rcpt_tos == ["an@example.org"]
    assert mail.message["From"] == "ECBM <n@ecbm.local>"
    assert mail.message["List-Unsubscribe"] == "<http://x/unsubscribe?token=abc>"
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.part("plain").strip() == "plain text body"
    assert mail.part("html").strip() == "<p>html body</p>"


def test_many_messages_share_one_connection(smtp_sink: SmtpSink) -> None:
    mailer = SmtpMailer(SmtpSettings(port=smtp_sink.port))
    for _ in range(20):
        mailer.send(_mail())  # type: ignore[arg-type]
    connection = mailer._smtp
    mailer.send(_mail())  # type: ignore[arg-type]
    assert mailer._smtp is connection is not None
    assert len(smtp_sink.received) == 21
    mailer.close()


def test_a_refused_mailbox_is_rejected_for_good(smtp_sink: SmtpSink) -> None:
    smtp_sink.refuse.add("gone@example.org")
    mailer = SmtpMailer(SmtpSettings(port=smtp_sink.port))
    with pytest.raises(MailRejected, match="550"):
        mailer.send(_mail("gone@example.org"))  # type: ignore[arg-type]
    mailer.send(_mail())  # type: ignore[arg-type]  # the connection is still usable
    assert [m.rcpt_tos for m in smtp_sink.received] == [["an@example.org"]]


def test_an_invalid_address_is_rejected_before_smtp(smtp_sink: SmtpSink) -> None:
    mailer = SmtpMailer(SmtpSettings(port=smtp_sink.port))
    with pytest.raises(MailRejected, match="invalid address"):
        mailer.send(_mail("not-an-address"))  # type: ignore[arg-type]
    assert smtp_sink.received == []


def test_no_server_is_temporary_and_a_restarted_server_is_used_again() -> None:
    sink = SmtpSink(port=free_port())
    mailer = SmtpMailer(SmtpSettings(port=sink.port, timeout_seconds=2))
    with pytest.raises(MailUnavailable, match="cannot reach SMTP"):
        mailer.send(_mail())  # type: ignore[arg-type]
    sink.start()
    try:
        mailer.send(_mail())  # type: ignore[arg-type]
        sink.stop()
        with pytest.raises(MailUnavailable):
            mailer.send(_mail())  # type: ignore[arg-type]
        sink.start()
        mailer.send(_mail())  # type: ignore[arg-type]
    finally:
        sink.stop()
    assert len(sink.received) == 2


def test_nothing_listening_on_a_port_is_unavailable() -> None:
    mailer = SmtpMailer(SmtpSettings(port=free_port(), timeout_seconds=1))
    with pytest.raises(MailUnavailable):
        mailer.send(_mail())  # type: ignore[arg-type]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_mailer_logs_in_and_a_refused_login_keeps_mail_waiting() -> None:
    sink = SmtpSink(port=free_port(), credentials=("notify", "s3cret"))
    sink.start()
    try:
        good = SmtpMailer(SmtpSettings(port=sink.port, username="notify", password="s3cret"))
        good.send(_mail())  # type: ignore[arg-type]
        good.close()
        wrong = SmtpMailer(
            SmtpSettings(port=sink.port, username="notify", password="nope", timeout_seconds=2)
        )
        with pytest.raises(MailServerDown):  # nobody's message is at fault: it waits
            wrong.send(_mail())  # type: ignore[arg-type]
        anonymous = SmtpMailer(SmtpSettings(port=sink.port, timeout_seconds=2))
        with pytest.raises(MailServerDown, match="530"):
            anonymous.send(_mail())  # type: ignore[arg-type]
    finally:
        sink.stop()
    assert len(sink.received) == 1


@pytest.fixture
def pki(tmp_path: Path) -> tuple[CertificateAuthority, ssl.SSLContext]:
    """A CA made here and the TLS context of a mail server whose certificate it signed."""
    ca = CertificateAuthority(tmp_path / "pki")
    issued = ca.issue("mail")
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(issued.cert, issued.key)
    return ca, server_tls


@pytest.fixture
def tls_sink(pki: tuple[CertificateAuthority, ssl.SSLContext]) -> Iterator[Callable[..., SmtpSink]]:
    started: list[SmtpSink] = []

    def start(**options: Any) -> SmtpSink:
        sink = SmtpSink(free_port(), **options)
        sink.start()
        started.append(sink)
        return sink

    yield start
    for sink in started:
        sink.stop()


def test_starttls_delivers_over_a_verified_connection(
    tls_sink: Callable[..., SmtpSink], pki: tuple[CertificateAuthority, ssl.SSLContext]
) -> None:
    ca, server_tls = pki
    sink = tls_sink(tls=server_tls)  # the sink refuses MAIL before STARTTLS
    mailer = SmtpMailer(SmtpSettings(port=sink.port, security="starttls", ca_file=str(ca.cert)))
    mailer.send(_mail())  # type: ignore[arg-type]
    assert [m.rcpt_tos for m in sink.received] == [["an@example.org"]]
    assert mailer._smtp is not None and isinstance(mailer._smtp.sock, ssl.SSLSocket)
    mailer.close()


def test_required_starttls_sends_nothing_to_a_server_without_it(
    tls_sink: Callable[..., SmtpSink], pki: tuple[CertificateAuthority, ssl.SSLContext]
) -> None:
    ca, _ = pki
    plaintext_only = tls_sink()
    mailer = SmtpMailer(
        SmtpSettings(port=plaintext_only.port, security="starttls", ca_file=str(ca.cert))
    )
    with pytest.raises(MailServerDown, match="STARTTLS"):
        mailer.send(_mail())  # type: ignore[arg-type]
    assert plaintext_only.received == []


def test_implicit_tls_delivers_and_checks_the_servers_certificate(
    tls_sink: Callable[..., SmtpSink], pki: tuple[CertificateAuthority, ssl.SSLContext],
    tmp_path: Path,
) -> None:  # fmt: skip
    ca, server_tls = pki
    sink = tls_sink(tls=server_tls, implicit_tls=True)
    SmtpMailer(SmtpSettings(port=sink.port, security="tls", ca_file=str(ca.cert))).send(
        _mail()  # type: ignore[arg-type]
    )
    assert len(sink.received) == 1

    stranger = CertificateAuthority(tmp_path / "other", name="Someone else")
    untrusting = SmtpMailer(
        SmtpSettings(port=sink.port, security="tls", ca_file=str(stranger.cert))
    )
    with pytest.raises(MailServerDown, match="CERTIFICATE_VERIFY_FAILED"):
        untrusting.send(_mail())  # type: ignore[arg-type]
    assert len(sink.received) == 1
