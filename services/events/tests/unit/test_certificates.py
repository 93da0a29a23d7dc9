"""Certificates of attendance: only for verified attendance, one code each, verifiable by anyone."""

from __future__ import annotations

import pytest
from events_fakes import EDITOR, InMemoryEvents, an_event, member, register
from hypothesis import given
from hypothesis import strategies as st

from ecbm_events.application.registrations import commands as reg
from ecbm_events.application.registrations.attendance import CertificateFile
from ecbm_events.application.registrations.certificates import (
    ALPHABET,
    CertificateNotFound,
    new_certificate_code,
    normalised_code,
)
from ecbm_events.domain.registration import NotAttended, RegistrationNotFound


def attended(app: InMemoryEvents) -> tuple[str, str]:
    event_id = an_event(app, places=5)
    registration_id = register(app, event_id, "ana")
    ticket = app.handle(
        reg.IssueTicket(actor=member("ana"), event_id=event_id, registration_id=registration_id)
    )
    app.handle(reg.CheckIn(actor=EDITOR, token=ticket.check_in_token))
    return event_id, registration_id


def issue(
    app: InMemoryEvents, event_id: str, registration_id: str, who: str = "ana"
) -> CertificateFile:
    command = reg.IssueCertificate(
        actor=member(who),
        event_id=event_id,
        registration_id=registration_id,
        holder_name="Ana Łukasiewicz",
    )
    found: CertificateFile = app.handle(command)
    return found


def test_an_attendee_gets_a_pdf_with_a_code_anyone_can_verify() -> None:
    app = InMemoryEvents()
    event_id, registration_id = attended(app)

    certificate = issue(app, event_id, registration_id)

    assert certificate.pdf.startswith(b"%PDF")
    code = certificate.code
    found = app.handle(reg.VerifyCertificate(code=code.lower().replace("-", " ")))
    assert (found.holder_name, found.event_id, found.pdf) == ("Ana Łukasiewicz", event_id, b"")
    assert len(app.published("CertificateIssued")) == 1


def test_issuing_again_returns_the_same_code_and_publishes_nothing_new() -> None:
    app = InMemoryEvents()
    event_id, registration_id = attended(app)
    first = issue(app, event_id, registration_id)
    again = issue(app, event_id, registration_id)
    assert first.code == again.code
    assert len(app.published("CertificateIssued")) == 1


def test_no_certificate_without_verified_attendance() -> None:
    app = InMemoryEvents()
    event_id = an_event(app, places=5)
    registration_id = register(app, event_id, "ana")
    with pytest.raises(NotAttended, match="verified attendance"):
        issue(app, event_id, registration_id)


def test_another_member_cannot_take_someones_certificate() -> None:
    app = InMemoryEvents()
    event_id, registration_id = attended(app)
    with pytest.raises(RegistrationNotFound):
        issue(app, event_id, registration_id, who="ben")


def test_an_unknown_code_is_not_found() -> None:
    with pytest.raises(CertificateNotFound):
        InMemoryEvents().handle(reg.VerifyCertificate(code="AAAA-BBBB-CCCC"))


@given(st.data())
def test_a_code_typed_in_any_case_with_any_spacing_is_found(data: st.DataObject) -> None:
    code = new_certificate_code()
    assert all(c in ALPHABET for c in code.replace("-", ""))
    typed = "".join(
        data.draw(st.sampled_from([c.lower(), c])) + data.draw(st.sampled_from(["", " ", "-"]))
        for c in code.replace("-", "")
    )
    assert normalised_code(typed) == code
