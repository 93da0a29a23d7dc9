"""Recipients bound to person ids and addresses that need verifying: the people area's
handlers and the sender, in memory (issue 10, inbox takeover)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from tests.fakes import KEY, NOW, InMemoryNotify, delivered, in_memory_notify, sealed

from ecbm_integration import registry
from ecbm_notify.application.email import commands as email_commands
from ecbm_notify.application.email import queries as email_queries
from ecbm_notify.application.inbox import queries
from ecbm_notify.application.people.commands import CheckVerificationLink, VerifyEmail
from ecbm_notify.domain import unsubscribe, verification
from ecbm_notify.domain.preferences import Channel
from ecbm_notify.domain.verification import InvalidVerificationLink
from ecbm_runtime.auth import Principal, acting_as
from ecbm_runtime.errors import NotFound, PermissionDenied

SHARED = "maria.ionescu@example.org"
VICTIM = Principal(subject="p-victim", roles=frozenset({"member"}))
ATTACKER = Principal(subject="p-attacker", roles=frozenset({"member"}))
WELCOME = "Welcome: your membership of the Center is approved"


def joined(
    person_id: str, email: str = SHARED, consent: bool = True, updated: bool = False
) -> registry.PersonJoined | registry.PersonUpdated:
    kind = registry.PersonUpdated if updated else registry.PersonJoined
    return kind(
        person_id=person_id, sealed_contact=sealed(person_id, f"Person {person_id}", email),
        preferred_language="en", contact_by_email=consent, country="RO", roles=[],
        occurred_at=NOW,
    )  # fmt: skip


def approved(person_id: str) -> registry.MembershipApproved:
    return registry.MembershipApproved(person_id=person_id, occurred_at=NOW)


def deliver(notify: InMemoryNotify, event: object) -> None:
    notify.handle(event, delivered(event))


def verification_mails(notify: InMemoryNotify) -> list[dict[str, object]]:
    return [d for d in notify.tables.deliveries if d["notification_type"] == "email_verification"]


def link_in_last_mail(notify: InMemoryNotify) -> str:
    body = notify.mailer.sent[-1].get_body(("plain",))
    assert body is not None
    found = re.search(r"/verify-email\?token=(\S+)", body.get_content())
    assert found is not None
    return found.group(1)


@pytest.fixture
def notify() -> InMemoryNotify:
    return in_memory_notify()


def victim_verified(notify: InMemoryNotify) -> str:
    """The victim joins, follows the mailed link, is approved: their recipient id."""
    deliver(notify, joined("p-victim"))
    notify.handle(email_commands.SendDueMail())
    notify.handle(VerifyEmail(token=link_in_last_mail(notify)))
    deliver(notify, approved("p-victim"))
    return notify.tables.person("p-victim").id


class TestAnUnverifiedAddress:
    def test_gets_only_the_verification_mail(self, notify: InMemoryNotify) -> None:
        deliver(notify, joined("p1"))
        deliver(notify, approved("p1"))

        recipient = notify.tables.person("p1")
        assert (recipient.email, recipient.pending_email) == (None, SHARED)
        assert [d["notification_type"] for d in notify.tables.deliveries if
                d["channel"] == Channel.EMAIL] == ["email_verification"]  # fmt: skip
        assert notify.handle(email_commands.SendDueMail()).sent == 1
        assert notify.mailer.to() == [SHARED]
        assert notify.mailer.sent[0]["List-Unsubscribe"] is None  # critical: no opting out

    def test_receives_mail_once_its_link_is_followed(self, notify: InMemoryNotify) -> None:
        deliver(notify, joined("p1"))
        notify.handle(email_commands.SendDueMail())

        notify.handle(VerifyEmail(token=link_in_last_mail(notify)))
        deliver(notify, approved("p1"))
        notify.handle(email_commands.SendDueMail())

        assert notify.tables.person("p1").email == SHARED
        assert notify.mailer.sent[-1]["Subject"] == WELCOME
        assert notify.mailer.to() == [SHARED, SHARED]

    def test_is_not_mailed_when_the_person_refuses_email_until_they_allow_it(
        self, notify: InMemoryNotify
    ) -> None:
        deliver(notify, joined("p1", consent=False))
        assert verification_mails(notify) == []

        deliver(notify, joined("p1", consent=True, updated=True))

        assert [d["payload"] for d in verification_mails(notify)] == [{"address": SHARED}]

    def test_a_redelivered_join_does_not_mail_a_second_link(self, notify: InMemoryNotify) -> None:
        deliver(notify, joined("p1"))
        deliver(notify, joined("p1"))
        assert len(verification_mails(notify)) == 1


class TestAChangedAddress:
    def test_mail_keeps_going_to_the_verified_one_until_the_new_one_is_verified(
        self, notify: InMemoryNotify
    ) -> None:
        victim_verified(notify)
        notify.handle(email_commands.SendDueMail())
        deliver(notify, joined("p-victim", email="new@example.org", updated=True))
        notify.handle(email_commands.SendDueMail())
        assert notify.mailer.to()[-1] == "new@example.org"  # the new address's link
        new_link = link_in_last_mail(notify)
        recipient = notify.tables.person("p-victim")
        assert (recipient.email, recipient.pending_email) == (SHARED, "new@example.org")

        notify.handle(VerifyEmail(token=new_link))

        recipient = notify.tables.person("p-victim")
        assert (recipient.email, recipient.pending_email) == ("new@example.org", None)

    def test_a_link_to_an_address_given_up_since_is_refused(self, notify: InMemoryNotify) -> None:
        deliver(notify, joined("p1", email="first@example.org"))
        notify.handle(email_commands.SendDueMail())
        stale = link_in_last_mail(notify)
        deliver(notify, joined("p1", email="second@example.org", updated=True))

        with pytest.raises(InvalidVerificationLink, match="no longer waits"):
            notify.handle(VerifyEmail(token=stale))
        assert notify.tables.person("p1").email is None

    def test_a_verification_mail_queued_for_an_address_given_up_is_not_sent(
        self, notify: InMemoryNotify
    ) -> None:
        deliver(notify, joined("p1", email="first@example.org"))
        deliver(notify, joined("p1", email="second@example.org", updated=True))

        report = notify.handle(email_commands.SendDueMail())

        assert (report.sent, report.failed) == (1, 1)
        assert notify.mailer.to() == ["second@example.org"]


class TestLinks:
    def test_an_expired_link_is_refused(self, notify: InMemoryNotify) -> None:
        deliver(notify, joined("p1"))
        recipient_id = notify.tables.person("p1").id
        old = verification.issue(KEY, recipient_id, SHARED, NOW - timedelta(days=4),
                                 timedelta(days=3))  # fmt: skip
        with pytest.raises(InvalidVerificationLink, match="expired"):
            notify.handle(VerifyEmail(token=old))
        assert notify.tables.person("p1").email is None

    def test_a_forged_or_other_purpose_link_is_refused(self, notify: InMemoryNotify) -> None:
        deliver(notify, joined("p1"))
        recipient_id = notify.tables.person("p1").id
        forged = verification.issue(b"not-notify-key-but-32-bytes-long!", recipient_id, SHARED, NOW,
                                    timedelta(days=3))  # fmt: skip
        unsubscribe_token = unsubscribe.issue(KEY, recipient_id, "registry", NOW,
                                              timedelta(days=3))  # fmt: skip
        for token in (forged, unsubscribe_token, "garbage"):
            with pytest.raises(InvalidVerificationLink):
                notify.handle(VerifyEmail(token=token))
            with pytest.raises(InvalidVerificationLink):
                notify.handle(CheckVerificationLink(token=token))
        assert notify.tables.person("p1").email is None

    def test_a_link_for_another_address_than_the_waiting_one_is_refused(
        self, notify: InMemoryNotify
    ) -> None:
        deliver(notify, joined("p1"))
        recipient_id = notify.tables.person("p1").id
        mine = verification.issue(KEY, recipient_id, "attacker@example.org", NOW,
                                  timedelta(days=3))  # fmt: skip
        with pytest.raises(InvalidVerificationLink):
            notify.handle(VerifyEmail(token=mine))

    def test_the_page_check_changes_nothing_and_following_twice_is_harmless(
        self, notify: InMemoryNotify
    ) -> None:
        deliver(notify, joined("p1"))
        notify.handle(email_commands.SendDueMail())
        token = link_in_last_mail(notify)

        assert notify.handle(CheckVerificationLink(token=token)).address == SHARED
        assert notify.tables.person("p1").email is None
        notify.handle(VerifyEmail(token=token))
        assert notify.handle(VerifyEmail(token=token)).address == SHARED


class TestTheInboxTakeover:
    """A member gives the victim's address in their own profile (issue 10, item 1)."""

    def test_the_attacker_gets_a_recipient_of_their_own(self, notify: InMemoryNotify) -> None:
        victim = victim_verified(notify)

        deliver(notify, joined("p-attacker"))
        deliver(notify, joined("p-attacker", email="elsewhere@example.org", updated=True))
        deliver(notify, joined("p-attacker", updated=True))

        attacker = notify.tables.person("p-attacker").id
        assert attacker != victim
        assert notify.tables.recipients[victim].person_id == "p-victim"
        assert notify.tables.recipients[victim].email == SHARED
        assert notify.tables.recipients[attacker].email is None

    def test_the_attacker_cannot_read_watch_or_change_the_victims_inbox(
        self, notify: InMemoryNotify
    ) -> None:
        victim = victim_verified(notify)
        deliver(notify, joined("p-attacker"))
        entries = [email_commands.PreferenceEntry(topic="registry", channel="web", frequency="off")]

        with acting_as(ATTACKER):
            for message in (
                queries.ListNotifications(recipient_id=victim),
                queries.UnreadCount(recipient_id=victim),
                queries.WatchInbox(recipient_id=victim),
                email_queries.GetPreferences(recipient_id=victim),
                email_commands.UpdatePreferences(recipient_id=victim, entries=entries),
            ):
                with pytest.raises(PermissionDenied):
                    notify.handle(message)
            own = notify.handle(queries.ListNotifications(recipient_id="me"))
        assert own.notifications == []
        with acting_as(VICTIM):
            mine = notify.handle(queries.ListNotifications(recipient_id="me"))
        assert [n.title for n in mine.notifications] == [WELCOME]
        assert notify.tables.preferences == {}

    def test_forgetting_the_attacker_leaves_the_victims_data(self, notify: InMemoryNotify) -> None:
        victim = victim_verified(notify)
        deliver(notify, joined("p-attacker"))
        deliver(notify, approved("p-attacker"))
        victims_deliveries = [d for d in notify.tables.deliveries if d["recipient_id"] == victim]

        deliver(notify, registry.PersonForgotten(person_id="p-attacker", occurred_at=NOW))

        assert notify.tables.recipients[victim].email == SHARED
        assert [d for d in notify.tables.deliveries if d["recipient_id"] == victim] == (
            victims_deliveries
        )
        with acting_as(VICTIM):
            mine = notify.handle(queries.ListNotifications(recipient_id="me"))
        assert [n.title for n in mine.notifications] == [WELCOME]
        assert "p-attacker" not in {r.person_id for r in notify.tables.recipients.values()}


def test_me_is_nobody_for_a_caller_notify_does_not_know(notify: InMemoryNotify) -> None:
    stranger = Principal(subject="stranger", roles=frozenset({"member"}))
    with acting_as(stranger), pytest.raises(NotFound):
        notify.handle(queries.UnreadCount(recipient_id="me"))


def test_recipient_ids_are_random_whoever_gives_the_address() -> None:
    ids = set()
    for _ in range(2):
        notify = in_memory_notify(datetime(2030, 1, 1, tzinfo=UTC))
        deliver(notify, joined("p1"))
        ids.add(notify.tables.person("p1").id)
    assert len(ids) == 2
