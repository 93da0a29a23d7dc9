"""What waits for the quality committee reaches it: a submitted self-assessment (its audit
panel) and a lodged appeal (the appeal's panel), in the committee's inbox, which editors
read, and at its shared address; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from tests.conftest import notify_settings
from tests.fakes import contact_recipient, delivered, organisation_registered, send_due

from ecbm_integration import quality
from ecbm_notify.adapters.smtp_sink import SmtpSink
from ecbm_notify.application.email.outbound import Outbound
from ecbm_notify.application.inbox.queries import ListNotifications
from ecbm_notify.bootstrap import SERVICE, Notify, bootstrap, outbound_for
from ecbm_notify.domain.recipients import COMMITTEE_RECIPIENT
from ecbm_runtime.auth import Principal, acting_as
from ecbm_runtime.errors import PermissionDenied
from ecbm_runtime.migrations import upgrade

COMMITTEE = "quality-committee@ecbm.example"
EDITOR = Principal(subject="editor-1", roles=frozenset({"editor"}))
AT = datetime(2026, 12, 7, 9, tzinfo=UTC)
SUBMITTED = quality.SelfAssessmentSubmitted(
    application_id="a1", programme_id="buddy", organisation_id="org1", step="accredited",
    occurred_at=AT,
)  # fmt: skip
APPEALED = quality.AppealLodged(
    appeal_id="ap1", application_id="a1", programme_id="buddy", organisation_id="org1",
    occurred_at=AT,
)  # fmt: skip


def app_with(database_url: str, committee_email: str) -> Notify:
    upgrade(SERVICE.migrations, database_url)
    return bootstrap(notify_settings(database_url=database_url, committee_email=committee_email))


@pytest.fixture
def notify(database_url: str) -> Iterator[Notify]:
    app = app_with(database_url, COMMITTEE)
    yield app
    app.close()


@pytest.fixture
def outbound(smtp_sink: SmtpSink) -> Iterator[Outbound]:
    found = outbound_for(notify_settings(smtp_port=smtp_sink.port, smtp_timeout_seconds=2))
    yield found
    found.mailer.close()  # type: ignore[attr-defined]


def titles(notify: Notify, recipient_id: str, principal: Principal = EDITOR) -> list[str]:
    with acting_as(principal):
        page = notify.bus.handle(ListNotifications(recipient_id=recipient_id))
    return sorted(n.title for n in page.notifications)


def test_the_committee_hears_of_submissions_and_appeals_beside_the_organisation(
    notify: Notify, outbound: Outbound, smtp_sink: SmtpSink
) -> None:
    notify.bus.handle(organisation_registered(), delivered(organisation_registered()))
    for event in (SUBMITTED, APPEALED):
        notify.bus.handle(event, delivered(event))

    assert titles(notify, COMMITTEE_RECIPIENT) == [
        "An appeal awaits the committee",
        "An application for accredited awaits its audit panel",
    ]
    assert titles(notify, contact_recipient(notify)) == [
        "Your appeal was received",
        "Your self-assessment was received",
    ]
    send_due(notify, outbound, datetime.now(UTC))
    mails = sorted(str(mail.message["Subject"]) for mail in smtp_sink.to(COMMITTEE))
    assert mails == ["An appeal awaits the committee",
                     "An application for accredited awaits its audit panel"]  # fmt: skip
    appeal = next(m for m in smtp_sink.to(COMMITTEE) if "appeal" in str(m.message["Subject"]))
    assert "application a1 (programme buddy) was appealed" in appeal.part("plain")


def test_the_committee_hears_at_once_when_the_organisation_is_not_known_yet(
    notify: Notify,
) -> None:
    notify.bus.handle(SUBMITTED, delivered(SUBMITTED))  # its contact: parked until known

    assert titles(notify, COMMITTEE_RECIPIENT) == [
        "An application for accredited awaits its audit panel"
    ]


def test_without_a_shared_address_the_committee_has_its_inbox_and_no_mail(
    database_url: str, outbound: Outbound, smtp_sink: SmtpSink
) -> None:
    notify = app_with(database_url, "")
    try:
        notify.bus.handle(APPEALED, delivered(APPEALED))
        assert titles(notify, COMMITTEE_RECIPIENT) == ["An appeal awaits the committee"]
        assert send_due(notify, outbound, datetime.now(UTC)).sent == 0
    finally:
        notify.close()


def test_a_member_cannot_read_the_committees_inbox(notify: Notify) -> None:
    notify.bus.handle(APPEALED, delivered(APPEALED))
    member = Principal(subject="p-1", roles=frozenset({"member"}))
    reviewer = Principal(subject="p-2", roles=frozenset({"member"}), email=COMMITTEE)

    for caller in (member, reviewer):  # an address in a token proves nothing
        with pytest.raises(PermissionDenied):
            titles(notify, COMMITTEE_RECIPIENT, caller)
    assert titles(notify, COMMITTEE_RECIPIENT) == ["An appeal awaits the committee"]
