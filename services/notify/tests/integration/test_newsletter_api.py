"""NewsletterService over real gRPC (servicer, interceptors, notify's bootstrap) on both
databases: access, field-level errors, the whole campaign and double opt-in flow."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.timestamp_pb2 import Timestamp
from google.rpc import error_details_pb2
from sqlalchemy import select

from ecbm.notify.v1 import newsletter_pb2 as pb
from ecbm.notify.v1 import newsletter_pb2_grpc
from ecbm_notify.adapters.newsletter.tables import newsletter_subscribers
from ecbm_notify.adapters.people.people import People, PersonDetails
from ecbm_notify.adapters.read_models import deliveries
from ecbm_notify.adapters.smtp_sink import SmtpSink
from ecbm_notify.application.email.commands import SendDueMail
from ecbm_notify.application.link_keys import DEVELOPMENT_LINK_KEY
from ecbm_notify.application.newsletter import commands
from ecbm_notify.bootstrap import SERVICE, Notify, NotifySettings, bootstrap
from ecbm_notify.domain import unsubscribe
from ecbm_notify.domain.recipients import Addresses
from ecbm_notify.domain.subscriber import confirmation_purpose
from ecbm_runtime.ids import new_id
from ecbm_runtime.settings import ServiceSettings
from ecbm_runtime.testing import api_in_process, bearer, free_port, status_detail, violations

EDITOR = bearer("editor", subject="editor-1")
MEMBER = bearer("member", subject="ana")


@dataclass
class Api:
    stub: newsletter_pb2_grpc.NewsletterServiceStub
    worker: Notify  # the worker's side: its bus sends due campaigns
    settings: ServiceSettings


@pytest.fixture
def api(notify: Notify, database_url: str, smtp_sink: SmtpSink) -> Iterator[Api]:
    http_port = free_port()
    settings = SERVICE.load_settings(
        database_url=database_url, grpc_port=0, http_port=http_port, smtp_port=smtp_sink.port,
        public_base_url=f"http://127.0.0.1:{http_port}",
    )  # fmt: skip
    assert isinstance(settings, NotifySettings)
    worker = bootstrap(settings)
    with api_in_process(SERVICE, settings) as (channel, _server, _wiring):
        yield Api(newsletter_pb2_grpc.NewsletterServiceStub(channel), worker, settings)
    worker.close()


def campaign(**audience: object) -> pb.Campaign:
    return pb.Campaign(
        title="December", subject="Mentoring news", language="nl",
        blocks=[
            pb.ContentBlock(kind=pb.ContentBlock.KIND_HEADING, text="Summit"),
            pb.ContentBlock(kind=pb.ContentBlock.KIND_LINK, text="Register",
                            url="https://ecbm.example/summit"),
        ],
        audience=pb.Audience(**audience),  # type: ignore[arg-type]
    )  # fmt: skip


def test_editors_run_a_campaign_from_draft_to_sent_over_grpc(
    api: Api, notify: Notify, smtp_sink: SmtpSink
) -> None:
    with notify.engine.begin() as connection:
        for n in range(3):
            People(connection).remember_person(
                PersonDetails(f"p{n}", f"p{n}@example.org", f"P {n}", "nl", True),
                Addresses(verified=f"p{n}@example.org"),
                new_id("recipient"),
            )
    created = api.stub.CreateCampaign(
        pb.CreateCampaignRequest(request_id="dec", campaign=campaign(countries=["BE"])),
        metadata=EDITOR,
    )
    assert created.state == pb.CAMPAIGN_STATE_DRAFT and created.created_by == "editor-1"
    update = pb.UpdateCampaignRequest(
        campaign=pb.Campaign(name=created.name, version=created.version, audience=pb.Audience()),
        update_mask=FieldMask(paths=["audience"]),
    )
    updated = api.stub.UpdateCampaign(update, metadata=EDITOR)
    assert list(updated.audience.countries) == [] and updated.version == 2
    preview = api.stub.PreviewCampaign(
        pb.PreviewCampaignRequest(name=created.name, recipient_name="Eva"), metadata=EDITOR
    )
    assert "Eva" in preview.text and "<h2>Summit</h2>" in preview.html
    sent = api.stub.SendCampaign(pb.SendCampaignRequest(name=created.name), metadata=EDITOR)
    assert sent.state == pb.CAMPAIGN_STATE_SCHEDULED

    api.worker.bus.handle(commands.SendDueCampaigns(max_seconds=10))

    done = api.stub.GetCampaign(pb.GetCampaignRequest(name=created.name), metadata=EDITOR)
    assert done.state == pb.CAMPAIGN_STATE_SENT
    assert (done.audience_size, done.counts.sent, done.counts.failed) == (3, 3, 0)
    assert sorted(r for mail in smtp_sink.received for r in mail.rcpt_tos) == [
        "p0@example.org", "p1@example.org", "p2@example.org",
    ]  # fmt: skip
    mail = smtp_sink.received[0].message
    assert mail["Content-Language"] == "nl"
    assert str(mail["List-Unsubscribe"]).startswith("<http://127.0.0.1:")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    listed = api.stub.ListCampaigns(
        pb.ListCampaignsRequest(state=pb.CAMPAIGN_STATE_SENT), metadata=EDITOR
    )
    assert [c.name for c in listed.campaigns] == [created.name] and listed.total_size == 1


def test_campaigns_are_for_editors_only(api: Api) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        api.stub.ListCampaigns(pb.ListCampaignsRequest(), metadata=MEMBER)
    assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as raised:
        api.stub.CreateCampaign(pb.CreateCampaignRequest(campaign=campaign()))
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_bad_input_names_the_fields(api: Api) -> None:
    bad = campaign(countries=["XX"], roles=["wizard"])
    bad.blocks.append(pb.ContentBlock(kind=pb.ContentBlock.KIND_LINK, text="x", url="ftp://x"))
    with pytest.raises(grpc.RpcError) as raised:
        api.stub.CreateCampaign(pb.CreateCampaignRequest(campaign=bad), metadata=EDITOR)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = violations(raised.value)
    assert "campaign.audience.countries[0]" in fields
    assert "campaign.audience.roles[0]" in fields
    assert "campaign.blocks[2]" in fields and "http" in fields["campaign.blocks[2]"]
    request = pb.CreateCampaignRequest(campaign=campaign())
    created = api.stub.CreateCampaign(request, metadata=EDITOR)
    past = Timestamp(seconds=1_000_000)
    with pytest.raises(grpc.RpcError) as raised:
        api.stub.ScheduleCampaign(
            pb.ScheduleCampaignRequest(name=created.name, send_time=past), metadata=EDITOR
        )
    assert violations(raised.value) == {"send_time": "must not be in the past"}
    with pytest.raises(grpc.RpcError) as raised:
        api.stub.ResumeCampaign(pb.ResumeCampaignRequest(name=created.name), metadata=EDITOR)
    assert raised.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    with pytest.raises(grpc.RpcError) as raised:
        api.stub.GetCampaign(pb.GetCampaignRequest(name="campaigns/nope"), metadata=EDITOR)
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND


def test_anyone_subscribes_and_confirms_with_the_mailed_link(api: Api, smtp_sink: SmtpSink) -> None:
    request = pb.SubscribeRequest(
        subscriber=pb.Subscriber(email="eva@example.org", display_name="Eva", language="de",
                                 country="DE", topics=["research"])
    )  # fmt: skip
    assert api.stub.Subscribe(request).confirmation_sent
    with pytest.raises(grpc.RpcError) as raised:
        api.stub.Subscribe(pb.SubscribeRequest(subscriber=pb.Subscriber(email="not-an-address")))
    assert "subscriber.email" in violations(raised.value)
    (mail,) = _mailed(api, smtp_sink, "eva@example.org")
    assert mail.message["Content-Language"] == "de"
    token = mail.part("plain").split("/newsletter/confirm?token=")[1].split()[0]
    confirmed = api.stub.ConfirmSubscription(pb.ConfirmSubscriptionRequest(token=token))
    assert confirmed.state == pb.Subscriber.STATE_CONFIRMED and confirmed.email == ""
    with pytest.raises(grpc.RpcError) as raised:
        api.stub.ConfirmSubscription(pb.ConfirmSubscriptionRequest(token="forged.token"))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    listed = api.stub.ListSubscribers(
        pb.ListSubscribersRequest(state=pb.Subscriber.STATE_CONFIRMED), metadata=EDITOR
    )
    assert [(s.email, list(s.topics)) for s in listed.subscribers] == [
        ("eva@example.org", ["research"])
    ]
    with pytest.raises(grpc.RpcError) as raised:
        api.stub.ListSubscribers(pb.ListSubscribersRequest())
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_the_mailed_link_confirms_on_notifys_page_after_a_click(
    api: Api, smtp_sink: SmtpSink
) -> None:
    api.stub.Subscribe(pb.SubscribeRequest(subscriber=pb.Subscriber(email="eva@example.org")))
    link = _mailed(api, smtp_sink, "eva@example.org")[0].part("plain").split()
    [url] = [word for word in link if "/newsletter/confirm?token=" in word]

    with urllib.request.urlopen(url, timeout=10) as shown:  # what a mail scanner does
        assert shown.status == 200 and b'<form method="post"' in shown.read()
    assert _subscriber_states(api) == ["STATE_PENDING"]
    with urllib.request.urlopen(urllib.request.Request(url, method="POST"), timeout=10) as done:
        assert done.status == 200 and b"eva@example.org" in done.read()
    assert _subscriber_states(api) == ["STATE_CONFIRMED"]

    forged = url.split("token=")[0] + "token=forged.token"
    request = urllib.request.Request(forged, method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400 and b"does not work" in refused.value.read()


def _subscriber_states(api: Api) -> list[str]:
    listed = api.stub.ListSubscribers(pb.ListSubscribersRequest(), metadata=EDITOR)
    return [pb.Subscriber.State.Name(s.state) for s in listed.subscribers]


def _send_now(api: Api, draft: pb.Campaign) -> pb.Campaign:
    created = api.stub.CreateCampaign(pb.CreateCampaignRequest(campaign=draft), metadata=EDITOR)
    api.stub.SendCampaign(pb.SendCampaignRequest(name=created.name), metadata=EDITOR)
    api.worker.bus.handle(commands.SendDueCampaigns(max_seconds=10))
    return api.stub.GetCampaign(pb.GetCampaignRequest(name=created.name), metadata=EDITOR)


def _mailed(api: Api, smtp_sink: SmtpSink, address: str) -> list[Any]:
    """What reached ``address`` once the worker's sender sent what is due."""
    api.worker.bus.handle(SendDueMail())
    return smtp_sink.to(address)


def _confirm_from_mail(api: Api, smtp_sink: SmtpSink, address: str) -> None:
    text = _mailed(api, smtp_sink, address)[-1].part("plain")
    token = text.split("/newsletter/confirm?token=")[1].split()[0]
    api.stub.ConfirmSubscription(pb.ConfirmSubscriptionRequest(token=token))


def test_the_one_click_link_unsubscribes_counts_and_a_new_opt_in_brings_them_back(
    api: Api, smtp_sink: SmtpSink
) -> None:
    eva = pb.SubscribeRequest(subscriber=pb.Subscriber(email="eva@example.org"))
    api.stub.Subscribe(eva)
    _confirm_from_mail(api, smtp_sink, "eva@example.org")
    first = _send_now(api, campaign(exclude_members=True))
    assert first.counts.sent == 1
    link = str(smtp_sink.to("eva@example.org")[-1].message["List-Unsubscribe"]).strip("<>")

    # What a mail client does for RFC 8058 one-click: POST the URL with this body.
    one_click = urllib.request.Request(link, data=b"List-Unsubscribe=One-Click", method="POST")
    with urllib.request.urlopen(one_click, timeout=10) as answer:
        assert answer.status == 200

    counted = api.stub.GetCampaign(pb.GetCampaignRequest(name=first.name), metadata=EDITOR)
    assert (counted.counts.sent, counted.counts.unsubscribed) == (1, 1)
    gone = api.stub.ListSubscribers(
        pb.ListSubscribersRequest(state=pb.Subscriber.STATE_UNSUBSCRIBED), metadata=EDITOR
    )
    assert [s.email for s in gone.subscribers] == ["eva@example.org"]
    second = _send_now(api, campaign(exclude_members=True))
    assert (second.state, second.audience_size) == (pb.CAMPAIGN_STATE_SENT, 0)

    api.stub.Subscribe(eva)  # a new double opt-in
    assert len(_mailed(api, smtp_sink, "eva@example.org")) == 3  # confirm, newsletter, confirm
    _confirm_from_mail(api, smtp_sink, "eva@example.org")
    third = _send_now(api, campaign(exclude_members=True))
    assert third.counts.sent == 1


def test_replay_rebuilds_campaigns_and_subscribers_as_they_were(
    api: Api, smtp_sink: SmtpSink
) -> None:
    api.stub.Subscribe(pb.SubscribeRequest(subscriber=pb.Subscriber(email="eva@example.org")))
    _confirm_from_mail(api, smtp_sink, "eva@example.org")
    api.stub.Subscribe(pb.SubscribeRequest(subscriber=pb.Subscriber(email="finn@example.org")))
    sent = _send_now(api, campaign(exclude_members=True))
    draft = api.stub.CreateCampaign(pb.CreateCampaignRequest(campaign=campaign()), metadata=EDITOR)
    listed = pb.ListCampaignsRequest()
    before = api.stub.ListCampaigns(listed, metadata=EDITOR)
    people = pb.ListSubscribersRequest()
    subscribers = api.stub.ListSubscribers(people, metadata=EDITOR)

    assert SERVICE.replay is not None
    SERVICE.replay(api.settings)

    assert api.stub.ListCampaigns(listed, metadata=EDITOR) == before
    assert api.stub.ListSubscribers(people, metadata=EDITOR) == subscribers
    assert {c.name for c in before.campaigns} == {sent.name, draft.name}
    assert [s.state for s in subscribers.subscribers] == [
        pb.Subscriber.STATE_CONFIRMED, pb.Subscriber.STATE_PENDING,
    ]  # fmt: skip


def test_campaigns_page_newest_first_and_a_stale_version_is_aborted(api: Api) -> None:
    names = [
        api.stub.CreateCampaign(
            pb.CreateCampaignRequest(request_id=f"r{n}", campaign=campaign()), metadata=EDITOR
        ).name
        for n in range(3)
    ]
    first = api.stub.ListCampaigns(pb.ListCampaignsRequest(page_size=2), metadata=EDITOR)
    assert first.total_size == 3 and len(first.campaigns) == 2 and first.next_page_token
    rest = api.stub.ListCampaigns(
        pb.ListCampaignsRequest(page_size=2, page_token=first.next_page_token), metadata=EDITOR
    )
    assert {c.name for c in [*first.campaigns, *rest.campaigns]} == set(names)
    assert not rest.next_page_token
    stale = pb.UpdateCampaignRequest(
        campaign=pb.Campaign(name=names[0], version=7, subject="New"),
        update_mask=FieldMask(paths=["subject"]),
    )
    with pytest.raises(grpc.RpcError) as raised:
        api.stub.UpdateCampaign(stale, metadata=EDITOR)
    assert raised.value.code() == grpc.StatusCode.ABORTED
    unknown = pb.UpdateCampaignRequest(
        campaign=pb.Campaign(name=names[0]), update_mask=FieldMask(paths=["state"])
    )
    with pytest.raises(grpc.RpcError) as raised:
        api.stub.UpdateCampaign(unknown, metadata=EDITOR)
    assert "update_mask" in violations(raised.value)


@pytest.fixture
def hanging_smtp() -> Iterator[int]:
    """A port that accepts connections and never says a word (an SMTP server stuck)."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server.getsockname()[1]


def _limited_api(database_url: str, smtp_port: int, **limits: object) -> Any:
    settings = SERVICE.load_settings(
        database_url=database_url, grpc_port=0, http_port=free_port(), smtp_port=smtp_port,
        smtp_timeout_seconds=5, **limits,
    )  # fmt: skip
    return api_in_process(SERVICE, settings)


def _subscribe(stub: Any, email: str) -> pb.SubscribeResponse:
    request = pb.SubscribeRequest(subscriber=pb.Subscriber(email=email, display_name="Eve"))
    return stub.Subscribe(request)


def test_the_subscribe_after_the_clients_limit_is_resource_exhausted(
    notify: Notify, database_url: str, hanging_smtp: int
) -> None:
    # The declared limit (newsletter.proto: 5 at once, 2 a minute) scaled to 3 at once.
    limits = {"grpc_rate_limit_scale": 0.6}
    with _limited_api(database_url, hanging_smtp, **limits) as (channel, _server, _wiring):
        stub = newsletter_pb2_grpc.NewsletterServiceStub(channel)
        answers = [_subscribe(stub, f"p{n}@example.org").confirmation_sent for n in range(3)]
        with pytest.raises(grpc.RpcError) as raised:
            _subscribe(stub, "p3@example.org")

    assert answers == [True, True, True]
    assert raised.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    retry = status_detail(raised.value, error_details_pb2.RetryInfo)
    assert 1 <= retry.retry_delay.ToTimedelta().total_seconds() <= 60


def test_subscribe_answers_alike_and_at_once_whatever_the_address_state_while_smtp_hangs(
    notify: Notify, database_url: str, hanging_smtp: int
) -> None:
    """No SMTP in the request: a stuck mail server (5 s timeout) slows no answer, and a
    confirmed, a pending and an unknown address get the same answer."""
    confirmed, pending = "conf@example.org", "pend@example.org"
    with _limited_api(database_url, hanging_smtp) as (channel, _server, _wiring):
        stub = newsletter_pb2_grpc.NewsletterServiceStub(channel)
        _subscribe(stub, confirmed), _subscribe(stub, pending)
        key = DEVELOPMENT_LINK_KEY
        token = unsubscribe.issue(key, subscriber_of(notify, confirmed), confirmation_purpose(1),
                                  datetime.now(UTC), timedelta(days=1))  # fmt: skip
        stub.ConfirmSubscription(pb.ConfirmSubscriptionRequest(token=token))
        timed = {}
        for address in (confirmed, pending, "new@example.org"):
            started = time.perf_counter()
            timed[address] = (_subscribe(stub, address), time.perf_counter() - started)

    assert {answer.SerializeToString() for answer, _ in timed.values()} == {
        pb.SubscribeResponse(confirmation_sent=True).SerializeToString()
    }
    assert max(took for _, took in timed.values()) < 2.0, timed
    with notify.engine.connect() as connection:
        queued = connection.execute(
            select(deliveries.c.recipient_id).where(
                deliveries.c.notification_type == "newsletter_confirmation",
                deliveries.c.status == "queued",
            )
        ).all()
    assert len(queued) == 5  # two first requests, then one per address


def test_past_an_addresses_limit_the_answer_is_the_same_and_no_mail_is_queued(
    notify: Notify, database_url: str, hanging_smtp: int
) -> None:
    limits = {"subscribe_per_address": {"burst": 2, "per_minute": 0.1}}
    with _limited_api(database_url, hanging_smtp, **limits) as (channel, _server, _wiring):
        stub = newsletter_pb2_grpc.NewsletterServiceStub(channel)
        answers = [_subscribe(stub, "Victim@Example.org").confirmation_sent for _ in range(5)]

    assert answers == [True] * 5
    with notify.engine.connect() as connection:
        queued = connection.execute(
            select(deliveries.c.id).where(deliveries.c.recipient_id == subscriber_of(
                notify, "victim@example.org"))
        ).all()  # fmt: skip
    assert len(queued) == 2


def subscriber_of(notify: Notify, email: str) -> str:
    """The (random) id of the subscriber with this address."""
    with notify.engine.connect() as connection:
        query = select(newsletter_subscribers.c.id).where(newsletter_subscribers.c.email == email)
        return str(connection.execute(query).scalar_one())
