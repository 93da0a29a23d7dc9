"""Campaigns end to end on both databases: draft, schedule, send to an SMTP sink; audience
filters, pause/resume, SMTP down then up, invalid addresses, double opt-in."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select

from ecbm_notify.adapters.mailer import SmtpMailer, SmtpSettings
from ecbm_notify.adapters.newsletter.tables import newsletter_member_profiles, newsletter_sends
from ecbm_notify.adapters.newsletter.views import NewsletterViews
from ecbm_notify.adapters.people.people import People, PersonDetails
from ecbm_notify.adapters.smtp_sink import SmtpSink
from ecbm_notify.application.email.commands import SendDueMail
from ecbm_notify.application.newsletter import commands, queries
from ecbm_notify.application.newsletter.context import Newsletter
from ecbm_notify.application.newsletter.handlers import CampaignTemplateProblem
from ecbm_notify.bootstrap import SERVICE, NotifySettings, bootstrap
from ecbm_notify.domain import unsubscribe
from ecbm_notify.domain.campaign import CampaignNotEditable, CampaignStateRuleViolation, Draft
from ecbm_notify.domain.recipients import Addresses
from ecbm_notify.domain.subscriber import Interests
from ecbm_runtime.auth import Principal, acting_as
from ecbm_runtime.db import make_engine
from ecbm_runtime.errors import InvalidArgument
from ecbm_runtime.ids import new_id
from ecbm_runtime.messagebus import MessageBus
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.testing import free_port

EDITOR = Principal(subject="editor-1", roles=frozenset({"editor"}))
KEY = b"test-unsubscribe-key"


@dataclass
class App:
    bus: MessageBus[Any]
    engine: Engine
    mailer: SmtpMailer
    newsletter: Newsletter

    def handle(self, message: object) -> Any:
        with acting_as(EDITOR):
            return self.bus.handle(message)

    def sends(self, campaign_id: str) -> dict[str, tuple[str, str | None]]:
        query = select(newsletter_sends).where(newsletter_sends.c.campaign_id == campaign_id)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return {row.recipient_id: (row.status, row.reason) for row in rows}


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink(port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app(database_url: str, sink: SmtpSink) -> Iterator[App]:
    upgrade(SERVICE.migrations, database_url)
    engine = make_engine(database_url)
    settings = SERVICE.load_settings(
        database_url=database_url, smtp_port=sink.port, unsubscribe_secret=KEY.decode(),
        public_base_url="https://ecbm.example",
    )  # fmt: skip
    mailer = SmtpMailer(SmtpSettings(port=sink.port, timeout_seconds=2))
    assert isinstance(settings, NotifySettings)
    notify = bootstrap(settings, engine, mailer=mailer)
    newsletter = notify.dependencies.newsletter
    newsletter.batch_size = 3  # several batches even for a handful of people
    yield App(notify.bus, engine, mailer, newsletter)
    mailer.close()
    engine.dispose()


def member(
    app: App, person_id: str, email: str, country: str, roles: tuple[str, ...],
    consent: bool = True, language: str = "en",
) -> str:  # fmt: skip
    with app.engine.begin() as connection:
        recipient = People(connection).remember_person(
            PersonDetails(person_id, email, person_id.title(), language, consent),
            Addresses(verified=email),  # members who followed their verification link
            new_id("recipient"),
        )
    app.handle(commands.RememberMemberProfile(person_id=person_id, country=country, roles=roles))  # type: ignore[arg-type]
    return recipient


def subscriber_of(app: App, email: str) -> str:
    with app.engine.connect() as connection:
        found = NewsletterViews(connection).subscriber_id_by_email(email)
    assert found is not None
    return found


def draft(**changes: Any) -> Draft:
    values: dict[str, Any] = {
        "title": "December",
        "subject": "Mentoring news",
        "language": "fr",
        "blocks": [
            {"kind": "heading", "text": "Summit <2027>"},
            {"kind": "paragraph", "text": "Meet us in Ghent."},
            {"kind": "link", "text": "Register", "url": "https://ecbm.example/summit"},
        ],
    }
    return Draft.model_validate({**values, **changes})


def send_all(app: App, max_ticks: int = 20) -> None:
    for _ in range(max_ticks):
        app.handle(commands.SendDueCampaigns(max_seconds=10))
        campaign_states = [c.state for c in app.handle(queries.ListCampaigns()).items]
        if "sending" not in campaign_states and "scheduled" not in campaign_states:
            return


def test_a_campaign_reaches_its_audience_once_with_one_click_unsubscribe(
    app: App, sink: SmtpSink
) -> None:
    ana = member(app, "ana", "ana@example.org", "BE", ("researcher",))
    member(app, "bo", "bo@example.org", "NL", ("researcher",))  # other country
    member(app, "cy", "cy@example.org", "BE", ("student",))  # other role
    member(app, "di", "di@example.org", "BE", ("researcher",), consent=False)
    for n in range(4):
        member(app, f"p{n}", f"p{n}@example.org", "BE", ("researcher", "practitioner"))
    audience = {"countries": ["BE"], "roles": ["researcher"]}
    campaign_id = app.handle(
        commands.CreateCampaign(request_id="r1", draft=draft(audience=audience))
    )
    again = app.handle(commands.CreateCampaign(request_id="r1", draft=draft(audience=audience)))
    assert again == campaign_id  # idempotent on request_id (the same request again)

    app.handle(commands.ScheduleCampaign(campaign_id=campaign_id))
    assert app.handle(queries.GetCampaign(campaign_id=campaign_id)).state == "scheduled"
    send_all(app)

    view = app.handle(queries.GetCampaign(campaign_id=campaign_id))
    assert view.state == "sent"
    assert (view.audience_size, view.counts.sent, view.counts.failed) == (5, 5, 0)
    assert sorted(r for mail in sink.received for r in mail.rcpt_tos) == sorted(
        ["ana@example.org", *(f"p{n}@example.org" for n in range(4))]
    )
    (mail,) = sink.to("ana@example.org")
    message = mail.message
    assert message["Subject"] == "Mentoring news"
    assert message["Content-Language"] == "fr"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(message["List-Unsubscribe"]).strip("<>")
    assert link.startswith("https://ecbm.example/unsubscribe?token=")
    token = link.split("token=")[1]
    request = unsubscribe.verify(KEY, token, datetime.now(UTC))
    assert (request.recipient_id, request.topic) == (ana, "newsletter")
    assert "Summit &lt;2027&gt;" in mail.part("html")  # content is escaped, not markup
    assert "Ana" in mail.part("plain") and "Meet us in Ghent." in mail.part("plain")
    assert link in mail.part("plain")

    send_all(app)  # another tick changes nothing
    assert len(sink.received) == 5


def test_members_who_turned_the_newsletter_off_are_skipped_and_counted_when_they_leave(
    app: App, sink: SmtpSink
) -> None:
    ana = member(app, "ana", "ana@example.org", "BE", ("researcher",))
    bo = member(app, "bo", "bo@example.org", "BE", ("researcher",))
    _preference(app, bo, "off")
    campaign_id = app.handle(commands.CreateCampaign(draft=draft()))
    app.handle(commands.ScheduleCampaign(campaign_id=campaign_id))
    send_all(app)
    assert [m.rcpt_tos for m in sink.received] == [["ana@example.org"]]
    _preference(app, ana, "off", later=True)  # ana follows the link afterwards
    counts = app.handle(queries.GetCampaign(campaign_id=campaign_id)).counts
    assert (counts.sent, counts.unsubscribed) == (1, 1)


def _preference(app: App, recipient_id: str, frequency: str, later: bool = False) -> None:
    from sqlalchemy import column, table

    preferences = table(
        "preferences", column("recipient_id"), column("topic"), column("channel"),
        column("frequency"), column("update_time"),
    )  # fmt: skip
    when = datetime.now(UTC) + (timedelta(seconds=1) if later else timedelta(0))
    with app.engine.begin() as connection:
        connection.execute(
            insert(preferences).values(
                recipient_id=recipient_id, topic="newsletter", channel="email",
                frequency=frequency, update_time=when,
            )
        )  # fmt: skip


def test_an_invalid_or_refused_address_fails_with_its_reason_once(app: App, sink: SmtpSink) -> None:
    member(app, "ana", "ana@example.org", "BE", ())
    refused = member(app, "bo", "bo@example.org", "BE", ())
    sink.refuse.add("bo@example.org")
    campaign_id = app.handle(commands.CreateCampaign(draft=draft()))
    app.handle(commands.ScheduleCampaign(campaign_id=campaign_id))
    send_all(app)
    sends = app.sends(campaign_id)
    assert sends[refused][0] == "failed" and "550" in str(sends[refused][1])
    view = app.handle(queries.GetCampaign(campaign_id=campaign_id))
    assert (view.state, view.counts.sent, view.counts.failed) == ("sent", 1, 1)


def test_smtp_down_then_up_loses_nothing_and_sends_nothing_twice(app: App, sink: SmtpSink) -> None:
    for n in range(7):
        member(app, f"p{n}", f"p{n}@example.org", "BE", ())
    campaign_id = app.handle(commands.CreateCampaign(draft=draft()))
    app.handle(commands.ScheduleCampaign(campaign_id=campaign_id))
    sink.stop()
    app.mailer.close()
    app.handle(commands.SendDueCampaigns(max_seconds=10))
    view = app.handle(queries.GetCampaign(campaign_id=campaign_id))
    assert (view.state, view.counts.queued, view.counts.sent) == ("sending", 7, 0)
    sink.start()
    send_all(app)
    view = app.handle(queries.GetCampaign(campaign_id=campaign_id))
    assert (view.state, view.counts.sent, view.counts.queued) == ("sent", 7, 0)
    recipients = [r for mail in sink.received for r in mail.rcpt_tos]
    assert sorted(recipients) == sorted(set(recipients)) and len(recipients) == 7


def test_pause_stops_between_batches_and_resume_finishes(app: App, sink: SmtpSink) -> None:
    for n in range(7):
        member(app, f"p{n}", f"p{n}@example.org", "BE", ())
    campaign_id = app.handle(commands.CreateCampaign(draft=draft()))
    app.handle(commands.ScheduleCampaign(campaign_id=campaign_id))
    app.handle(commands.PauseCampaign(campaign_id=campaign_id))
    app.handle(commands.SendDueCampaigns(max_seconds=10))
    assert sink.received == []  # paused before it started
    app.handle(commands.ResumeCampaign(campaign_id=campaign_id))
    # Pause after the first batch: the sender sees it before the next one.
    original = app.mailer.send
    count = 0

    def send_then_pause(message: Any) -> None:
        nonlocal count
        original(message)
        count += 1
        if count == 3:  # the last of the first batch
            app.handle(commands.PauseCampaign(campaign_id=campaign_id))

    app.mailer.send = send_then_pause  # type: ignore[method-assign]
    app.handle(commands.SendDueCampaigns(max_seconds=10))
    paused = app.handle(queries.GetCampaign(campaign_id=campaign_id))
    assert (paused.state, paused.counts.sent, paused.counts.queued) == ("paused", 3, 4)
    app.handle(commands.ResumeCampaign(campaign_id=campaign_id))
    send_all(app)
    done = app.handle(queries.GetCampaign(campaign_id=campaign_id))
    assert (done.state, done.counts.sent, len(sink.received)) == ("sent", 7, 7)


def test_schedule_later_waits_and_a_scheduled_campaign_is_no_longer_editable(
    app: App, sink: SmtpSink
) -> None:
    member(app, "ana", "ana@example.org", "BE", ())
    campaign_id = app.handle(commands.CreateCampaign(draft=draft()))
    app.handle(
        commands.UpdateCampaign(campaign_id=campaign_id, changes={"subject": "Better subject"})
    )
    updated = app.handle(queries.GetCampaign(campaign_id=campaign_id))
    assert (updated.subject, updated.title, updated.version) == ("Better subject", "December", 2)
    later = datetime.now(UTC) + timedelta(hours=1)
    app.handle(commands.ScheduleCampaign(campaign_id=campaign_id, send_at=later))
    send_all(app, max_ticks=1)
    assert sink.received == []
    with pytest.raises(CampaignNotEditable):
        app.handle(commands.UpdateCampaign(campaign_id=campaign_id, changes={"subject": "x"}))
    app.handle(commands.CancelCampaign(campaign_id=campaign_id))
    with pytest.raises(CampaignStateRuleViolation):
        app.handle(commands.ResumeCampaign(campaign_id=campaign_id))
    cancelled = app.handle(queries.ListCampaigns(state="cancelled"))
    assert [c.id for c in cancelled.items] == [campaign_id]


def test_preview_renders_without_sending_and_a_broken_template_fails_at_schedule(
    app: App, sink: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign_id = app.handle(commands.CreateCampaign(draft=draft()))
    preview = app.handle(queries.PreviewCampaign(campaign_id=campaign_id, recipient_name="Eva"))
    assert preview.subject == "Mentoring news" and "Eva" in preview.text
    assert "Register: https://ecbm.example/summit" in preview.text
    assert sink.received == []
    # A template that does not render (here: an unknown one) is refused before any send.
    from ecbm_notify.domain import campaign as campaign_module

    monkeypatch.setattr(campaign_module, "NEWSLETTER_TEMPLATES", ("newsletter", "missing"))
    broken_id = app.handle(commands.CreateCampaign(draft=draft(template="missing")))
    with pytest.raises(CampaignTemplateProblem, match="missing"):
        app.handle(commands.ScheduleCampaign(campaign_id=broken_id))
    assert app.handle(queries.GetCampaign(campaign_id=broken_id)).state == "draft"


def test_double_opt_in_then_topic_and_country_filters(app: App, sink: SmtpSink) -> None:
    interests = Interests(display_name="Eva", language="de", country="DE", topics=("research",))
    app.handle(commands.Subscribe(email="Eva@Example.org", interests=interests))
    eva = subscriber_of(app, "eva@example.org")
    pending = app.handle(queries.GetSubscriber(subscriber_id=eva))
    assert (pending.state, pending.email) == ("pending", "eva@example.org")
    app.handle(SendDueMail())  # the worker's sender
    (confirmation,) = sink.to("eva@example.org")
    body = confirmation.part("plain")
    token = body.split("/newsletter/confirm?token=")[1].split()[0]
    other = Interests(display_name="Finn", country="DE", topics=("policy",))
    app.handle(commands.Subscribe(email="finn@example.org", interests=other))
    app.handle(commands.Subscribe(email="gus@example.org", interests=interests))  # never confirms
    app.handle(SendDueMail())

    with pytest.raises(InvalidArgument, match="token"):
        app.handle(commands.ConfirmSubscription(token=token[:-2] + "xx"))
    forged = unsubscribe.issue(KEY, subscriber_of(app, "gus@example.org"), "newsletter",
                               datetime.now(UTC), timedelta(days=1))  # fmt: skip
    with pytest.raises(InvalidArgument, match="confirmation"):
        app.handle(commands.ConfirmSubscription(token=forged))  # an unsubscribe link
    assert app.handle(commands.ConfirmSubscription(token=token)) == eva
    assert app.handle(queries.GetSubscriber(subscriber_id=eva)).state == "confirmed"
    finn_token = sink.to("finn@example.org")[0].part("plain").split("token=")[1].split()[0]
    app.handle(commands.ConfirmSubscription(token=finn_token))

    member(app, "ana", "ana@example.org", "DE", ("researcher",))
    audience = {"countries": ["DE"], "topics": ["research"], "include_members": False}
    campaign_id = app.handle(commands.CreateCampaign(draft=draft(audience=audience)))
    app.handle(commands.ScheduleCampaign(campaign_id=campaign_id))
    sink.received.clear()
    send_all(app)
    assert [mail.rcpt_tos for mail in sink.received] == [["eva@example.org"]]
    listed = app.handle(queries.ListSubscribers(state="confirmed"))
    assert [s.email for s in listed.items] == ["eva@example.org", "finn@example.org"]
    assert app.handle(queries.ListSubscribers(state="pending")).total_size == 1


def test_two_connections_share_a_batch_and_the_throttle_paces_them(
    app: App, sink: SmtpSink
) -> None:
    second = SmtpMailer(SmtpSettings(port=sink.port, timeout_seconds=2))
    newsletter = app.newsletter
    newsletter.mailers = [app.mailer, second]
    newsletter.batch_size = 8
    newsletter.messages_per_second = 40.0  # 20 per connection
    for n in range(8):
        member(app, f"p{n}", f"p{n}@example.org", "BE", ())
    campaign_id = app.handle(commands.CreateCampaign(draft=draft()))
    app.handle(commands.ScheduleCampaign(campaign_id=campaign_id))
    started = time.monotonic()
    send_all(app)
    elapsed = time.monotonic() - started
    second.close()
    recipients = sorted(r for mail in sink.received for r in mail.rcpt_tos)
    assert recipients == sorted(f"p{n}@example.org" for n in range(8))  # each exactly once
    assert elapsed >= 3 / 20  # four per connection: three waits of 1/20 s
    assert app.handle(queries.GetCampaign(campaign_id=campaign_id)).counts.sent == 8


def test_a_member_who_also_subscribed_gets_one_mail(app: App, sink: SmtpSink) -> None:
    member(app, "ana", "old@example.org", "BE", ())
    member(app, "ana", "ana@example.org", "BE", ())  # new address; the id stays the old one's
    app.handle(commands.Subscribe(email="ana@example.org"))
    app.handle(SendDueMail())
    token = sink.to("ana@example.org")[0].part("plain").split("token=")[1].split()[0]
    app.handle(commands.ConfirmSubscription(token=token))
    sink.received.clear()
    campaign_id = app.handle(commands.CreateCampaign(draft=draft()))
    app.handle(commands.ScheduleCampaign(campaign_id=campaign_id))
    send_all(app)
    assert [mail.rcpt_tos for mail in sink.received] == [["ana@example.org"]]
    assert app.handle(queries.GetCampaign(campaign_id=campaign_id)).audience_size == 1


def test_a_profile_arriving_after_the_person_was_forgotten_is_not_kept(app: App) -> None:
    member(app, "ana", "ana@example.org", "BE", ("researcher",))
    app.handle(commands.ForgetMemberProfile(person_id="ana"))
    with app.engine.begin() as connection:
        People(connection).forget_person("ana")
    app.handle(commands.RememberMemberProfile(person_id="ana", country="BE"))  # late delivery
    with app.engine.connect() as connection:
        assert connection.execute(select(newsletter_member_profiles)).all() == []


class Crash(BaseException):
    """The sender's process dying: nothing after it runs but ``finally`` blocks."""


def test_a_sender_dying_mid_batch_sends_nobody_twice(app: App, sink: SmtpSink) -> None:
    for n in range(6):
        member(app, f"p{n}", f"p{n}@example.org", "BE", ())
    campaign_id = app.handle(commands.CreateCampaign(draft=draft()))
    app.handle(commands.ScheduleCampaign(campaign_id=campaign_id))
    original = app.mailer.send

    def send_then_die(message: Any) -> None:
        original(message)
        if len(sink.received) == 2:  # the second of the first batch went out
            raise Crash

    app.mailer.send = send_then_die  # type: ignore[method-assign]
    with pytest.raises(Crash):
        app.handle(commands.SendDueCampaigns(max_seconds=10))
    app.mailer.send = original  # type: ignore[method-assign]
    app.newsletter.owner = "the-next-worker"
    send_all(app)

    recipients = [r for mail in sink.received for r in mail.rcpt_tos]
    assert len(recipients) == len(set(recipients)) == 5  # the dead batch's third never
    view = app.handle(queries.GetCampaign(campaign_id=campaign_id))
    # Its outcomes were never written: the whole claimed batch (3) is failed, not resent.
    assert (view.state, view.counts.sent, view.counts.failed, view.counts.queued) == (
        "sent", 3, 3, 0
    )  # fmt: skip
    failed = [why for status, why in app.sends(campaign_id).values() if status == "failed"]
    assert failed and "not sent again" in str(failed[0])
