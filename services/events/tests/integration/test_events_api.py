"""The events api over gRPC, on SQLite and PostgreSQL: what callers see."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import grpc
import jwt
import pytest
from google.rpc import error_details_pb2
from icalendar import Calendar

from ecbm.events.v1 import events_pb2 as pb
from ecbm.events.v1.events_pb2_grpc import EventsServiceStub
from ecbm_events.settings import DEVELOPMENT_TICKET_KEY
from ecbm_runtime.testing import bearer, status_detail, violations

EDITOR = bearer("editor", subject="ed")
ANA = bearer("member", subject="ana")
BEN = bearer("member", subject="ben")
SOON = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)


def local(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


def an_event(stub: EventsServiceStub, publish: bool = True, **fields: object) -> str:
    defaults: dict[str, object] = {
        "kind": pb.EVENT_KIND_SEMINAR,
        "title": "Mentoring refugees",
        "start_time": local(SOON),
        "end_time": local(SOON + timedelta(hours=4)),
        "on_site_places": 1,
    }
    event = pb.Event(**{**defaults, **fields})  # type: ignore[arg-type]
    created = stub.CreateEvent(pb.CreateEventRequest(event=event), metadata=EDITOR)
    if publish:
        stub.PublishEvent(pb.PublishEventRequest(name=created.name), metadata=EDITOR)
    return str(created.name)


def register(
    stub: EventsServiceStub,
    event: str,
    who: tuple[tuple[str, str]],
    mode: int = pb.PARTICIPATION_MODE_ON_SITE,
) -> pb.Registration:
    registration = pb.Registration(mode=mode, answers={"diet": "vegan"})
    request = pb.RegisterForEventRequest(event=event, registration=registration)
    return stub.RegisterForEvent(request, metadata=who)


def test_an_event_is_created_in_its_zone_and_published(stub: EventsServiceStub) -> None:
    event = pb.Event(
        kind=pb.EVENT_KIND_WEBINAR,
        title="Online mentoring",
        start_time="2031-01-14T10:00:00+01:00",
        end_time="2031-01-14T11:00:00+01:00",
        online_places=100,
    )
    created = stub.CreateEvent(pb.CreateEventRequest(event=event, request_id="r1"), metadata=EDITOR)
    again = stub.CreateEvent(pb.CreateEventRequest(event=event, request_id="r1"), metadata=EDITOR)
    assert again.name == created.name
    assert (created.time_zone, created.state) == ("Europe/Brussels", pb.EVENT_STATE_DRAFT)

    with pytest.raises(grpc.RpcError) as hidden:
        stub.GetEvent(pb.GetEventRequest(name=created.name))
    assert hidden.value.code() is grpc.StatusCode.NOT_FOUND  # drafts are the editors'

    stub.PublishEvent(pb.PublishEventRequest(name=created.name), metadata=EDITOR)
    shown = stub.GetEvent(
        pb.GetEventRequest(name=created.name, display_time_zone="America/New_York")
    )
    assert shown.start_time == "2031-01-14T04:00:00-05:00"
    assert shown.state == pb.EVENT_STATE_PUBLISHED


def test_a_time_without_its_offset_is_invalid(stub: EventsServiceStub) -> None:
    event = pb.Event(
        kind=pb.EVENT_KIND_WEBINAR,
        title="x",
        start_time="2031-01-14T10:00:00",
        end_time="2031-01-14T11:00:00+01:00",
    )
    with pytest.raises(grpc.RpcError) as refused:
        stub.CreateEvent(pb.CreateEventRequest(event=event), metadata=EDITOR)
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "event.start_time" in violations(refused.value)


def test_overlapping_sessions_in_one_room_are_invalid_naming_both(stub: EventsServiceStub) -> None:
    name = an_event(stub, publish=False)
    first = pb.Session(
        title="Opening",
        start_time=local(SOON),
        end_time=local(SOON + timedelta(hours=1)),
        room="Atrium",
    )
    stub.AddSession(pb.AddSessionRequest(event=name, session=first), metadata=EDITOR)
    clash = pb.Session(
        title="Panel",
        start_time=local(SOON + timedelta(minutes=30)),
        end_time=local(SOON + timedelta(hours=2)),
        room="Atrium",
    )

    with pytest.raises(grpc.RpcError) as refused:
        stub.AddSession(pb.AddSessionRequest(event=name, session=clash), metadata=EDITOR)

    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    described = violations(refused.value)["session"]
    assert "'Panel'" in described and "'Opening'" in described


def test_a_full_event_without_waiting_list_refuses_with_the_reason(stub: EventsServiceStub) -> None:
    name = an_event(stub)
    assert register(stub, name, ANA).state == pb.REGISTRATION_STATE_CONFIRMED

    with pytest.raises(grpc.RpcError) as refused:
        register(stub, name, BEN)

    assert refused.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert "no waiting list" in str(refused.value.details())
    failure = status_detail(refused.value, error_details_pb2.PreconditionFailure)
    assert failure.violations[0].type == "EventFull"


def test_a_full_quota_refuses_naming_it_and_the_event_shows_its_counts(
    stub: EventsServiceStub,
) -> None:
    belgium = pb.Quota(name="Belgium", places=1, countries=["BE"])
    name = an_event(stub, on_site_places=5, quotas=[belgium])

    def as_belgian(who: tuple[tuple[str, str]]) -> pb.Registration:
        registration = pb.Registration(mode=pb.PARTICIPATION_MODE_ON_SITE, country="BE")
        request = pb.RegisterForEventRequest(event=name, registration=registration)
        return stub.RegisterForEvent(request, metadata=who)

    assert list(as_belgian(ANA).quotas) == ["Belgium"]
    with pytest.raises(grpc.RpcError) as refused:
        as_belgian(BEN)
    assert refused.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    failure = status_detail(refused.value, error_details_pb2.PreconditionFailure)
    assert failure.violations[0].type == "QuotaFull"
    assert "quota 'Belgium' is full" in failure.violations[0].description
    with pytest.raises(grpc.RpcError) as no_country:
        register(stub, name, BEN)  # a country quota needs the country
    assert "registration.country" in violations(no_country.value)
    shown = stub.GetEvent(pb.GetEventRequest(name=name))
    assert [(q.name, q.places, q.taken) for q in shown.quotas] == [("Belgium", 1, 1)]
    assert shown.on_site_taken == 1


def test_organisers_change_places_offering_raised_ones_and_never_below_taken(
    stub: EventsServiceStub,
) -> None:
    name = an_event(stub, on_site_places=1, waiting_list=True)
    register(stub, name, ANA)
    ben = register(stub, name, BEN)
    assert ben.state == pb.REGISTRATION_STATE_WAITLISTED

    with pytest.raises(grpc.RpcError) as not_organiser:  # a registrant is no organiser
        stub.ChangePlaces(pb.ChangePlacesRequest(name=name, on_site_places=5), metadata=ANA)
    assert not_organiser.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as refused:
        stub.ChangePlaces(pb.ChangePlacesRequest(name=name, on_site_places=0), metadata=EDITOR)
    assert refused.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    failure = status_detail(refused.value, error_details_pb2.PreconditionFailure)
    assert [(v.type, v.subject) for v in failure.violations] == [("PlacesTaken", "on_site_places")]
    assert "1 on-site places are taken" in violations(refused.value)["on_site_places"]

    raised = stub.ChangePlaces(pb.ChangePlacesRequest(name=name, on_site_places=2), metadata=EDITOR)

    assert (raised.on_site_places, raised.on_site_taken, raised.waiting) == (2, 2, 0)
    offered = stub.GetRegistration(pb.GetRegistrationRequest(name=ben.name), metadata=BEN)
    assert offered.state == pb.REGISTRATION_STATE_OFFERED
    kept = stub.ChangePlaces(pb.ChangePlacesRequest(name=name, online_places=3), metadata=EDITOR)
    assert (kept.on_site_places, kept.online_places) == (2, 3)  # unset: unchanged


def test_registration_after_close_is_refused(stub: EventsServiceStub) -> None:
    closed = datetime.now(UTC) - timedelta(minutes=1)
    name = an_event(
        stub, registration_close_time=local(closed), start_time=local(closed - timedelta(hours=1))
    )
    with pytest.raises(grpc.RpcError) as refused:
        register(stub, name, ANA)
    assert refused.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert "registration for this event closed" in str(refused.value.details())


def test_a_member_sees_and_cancels_only_their_own_registration(stub: EventsServiceStub) -> None:
    name = an_event(stub, waiting_list=True)
    ana = register(stub, name, ANA)
    ben = register(stub, name, BEN)
    assert (ben.state, ben.waitlist_position) == (pb.REGISTRATION_STATE_WAITLISTED, 1)

    for call in (stub.GetRegistration, stub.CancelRegistration):
        with pytest.raises(grpc.RpcError) as refused:
            call(
                pb.GetRegistrationRequest(name=ana.name)
                if call == stub.GetRegistration
                else pb.CancelRegistrationRequest(name=ana.name),
                metadata=BEN,
            )
        assert refused.value.code() is grpc.StatusCode.NOT_FOUND
    listed = stub.ListRegistrations(pb.ListRegistrationsRequest(parent=name), metadata=BEN)
    assert [r.name for r in listed.registrations] == [ben.name]
    everyone = stub.ListRegistrations(pb.ListRegistrationsRequest(parent=name), metadata=EDITOR)
    assert everyone.total_size == 2

    cancelled = stub.CancelRegistration(pb.CancelRegistrationRequest(name=ana.name), metadata=ANA)
    assert cancelled.state == pb.REGISTRATION_STATE_CANCELLED
    offered = stub.GetRegistration(pb.GetRegistrationRequest(name=ben.name), metadata=BEN)
    assert offered.state == pb.REGISTRATION_STATE_OFFERED and offered.HasField("offer_expire_time")
    taken = stub.AcceptPlace(pb.AcceptPlaceRequest(name=ben.name), metadata=BEN)
    assert taken.state == pb.REGISTRATION_STATE_CONFIRMED


def test_check_in_with_the_qr_token_records_attendance(stub: EventsServiceStub) -> None:
    name = an_event(stub)
    ana = register(stub, name, ANA)
    ticket = stub.IssueTicket(pb.IssueTicketRequest(name=ana.name), metadata=ANA)
    with pytest.raises(grpc.RpcError) as other:
        stub.IssueTicket(pb.IssueTicketRequest(name=ana.name), metadata=BEN)
    assert other.value.code() is grpc.StatusCode.NOT_FOUND

    attended = stub.CheckIn(pb.CheckInRequest(token=ticket.check_in_token), metadata=EDITOR)

    assert attended.state == pb.REGISTRATION_STATE_ATTENDED
    assert list(attended.attended_sessions) == [""]


def test_forged_and_expired_tokens_are_permission_denied(stub: EventsServiceStub) -> None:
    name = an_event(stub, online_places=10, stream_url="https://stream.example/live")
    ana = register(stub, name, ANA, pb.PARTICIPATION_MODE_ONLINE)
    registration_id = ana.name.rsplit("/", 1)[1]
    claims = {"iss": "ecbm-events", "sub": registration_id, "evt": name.split("/")[1]}
    forged = jwt.encode(
        {**claims, "aud": "join", "exp": 4102444800},
        "not-the-key-0123456789abcdef0123",
        algorithm="HS256",
    )
    expired = jwt.encode(
        {**claims, "aud": "join", "exp": 1000}, DEVELOPMENT_TICKET_KEY, algorithm="HS256"
    )

    for token in (forged, expired, "garbage"):
        with pytest.raises(grpc.RpcError) as refused:
            stub.JoinOnline(pb.JoinOnlineRequest(token=token))
        assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED

    ticket = stub.IssueTicket(pb.IssueTicketRequest(name=ana.name), metadata=ANA)
    joined = stub.JoinOnline(pb.JoinOnlineRequest(token=ticket.join_token))
    assert joined.stream_url == "https://stream.example/live"
    seen = stub.GetRegistration(pb.GetRegistrationRequest(name=ana.name), metadata=ANA)
    assert seen.state == pb.REGISTRATION_STATE_ATTENDED


def test_calendars_of_an_event_and_of_a_person_parse_as_rfc_5545(stub: EventsServiceStub) -> None:
    name = an_event(stub, on_site_places=5)
    register(stub, name, ANA)

    event_file = stub.GetEventCalendar(pb.GetEventCalendarRequest(name=name))
    mine = stub.GetMyCalendar(pb.GetMyCalendarRequest(), metadata=ANA)
    bens = stub.GetMyCalendar(pb.GetMyCalendarRequest(), metadata=BEN)

    assert event_file.content_type == "text/calendar; charset=utf-8"
    for ics in (event_file.ics, mine.ics):
        (vevent,) = Calendar.from_ical(ics).walk("VEVENT")
        assert str(vevent["summary"]) == "Mentoring refugees"
        assert len(vevent.walk("VALARM")) == 2
    assert Calendar.from_ical(bens.ics).walk("VEVENT") == []

    # the same feeds over HTTP, for calendar apps
    for url in (event_file.feed_url, mine.feed_url):
        with urllib.request.urlopen(url, timeout=10) as answer:
            assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
            (vevent,) = Calendar.from_ical(answer.read()).walk("VEVENT")
        assert str(vevent["summary"]) == "Mentoring refugees"
    forged = mine.feed_url.rsplit("=", 1)[0] + "=" + "x" * 40
    for url, status in ((forged, 403), (event_file.feed_url.replace(".ics", "0.ics"), 404)):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=10)
        assert refused.value.code == status


def test_an_accepted_contribution_is_a_session_and_others_cannot_see_it(
    stub: EventsServiceStub,
) -> None:
    name = an_event(stub, on_site_places=50)
    proposal = pb.Contribution(title="Peer mentoring in prisons", abstract="What works.")
    made = stub.ProposeContribution(
        pb.ProposeContributionRequest(parent=name, contribution=proposal), metadata=ANA
    )
    assert made.state == pb.CONTRIBUTION_STATE_PROPOSED and made.proposer == "people/ana"
    with pytest.raises(grpc.RpcError) as hidden:
        stub.GetContribution(pb.GetContributionRequest(name=made.name), metadata=BEN)
    assert hidden.value.code() is grpc.StatusCode.NOT_FOUND

    slot = pb.Session(
        start_time=local(SOON), end_time=local(SOON + timedelta(hours=1)), room="Atrium"
    )
    accept = pb.ReviewContributionRequest(
        name=made.name, decision=pb.REVIEW_DECISION_ACCEPT, session=slot
    )
    accepted = stub.ReviewContribution(accept, metadata=EDITOR)

    assert accepted.state == pb.CONTRIBUTION_STATE_ACCEPTED
    event = stub.GetEvent(pb.GetEventRequest(name=name))
    assert [(s.id, s.title, list(s.speakers)) for s in event.sessions] == [
        (accepted.session_id, "Peer mentoring in prisons", ["people/ana"])
    ]


def test_a_certificate_is_issued_for_attendance_and_verified_by_anyone(
    stub: EventsServiceStub,
) -> None:
    name = an_event(stub, on_site_places=5)
    ana = register(stub, name, ANA)
    request = pb.IssueCertificateRequest(name=ana.name, holder_name="Ana Peeters")
    with pytest.raises(grpc.RpcError) as early:
        stub.IssueCertificate(request, metadata=ANA)
    assert early.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    ticket = stub.IssueTicket(pb.IssueTicketRequest(name=ana.name), metadata=ANA)
    stub.CheckIn(pb.CheckInRequest(token=ticket.check_in_token), metadata=EDITOR)

    issued = stub.IssueCertificate(request, metadata=ANA)
    verified = stub.VerifyCertificate(
        pb.VerifyCertificateRequest(verification_code=issued.verification_code.lower())
    )

    assert issued.pdf.startswith(b"%PDF")
    assert (verified.holder_name, verified.event, verified.pdf) == ("Ana Peeters", name, b"")
    with pytest.raises(grpc.RpcError) as unknown:
        stub.VerifyCertificate(pb.VerifyCertificateRequest(verification_code="AAAA-BBBB-CCCC"))
    assert unknown.value.code() is grpc.StatusCode.NOT_FOUND


def test_materials_are_published_by_editors_and_seen_only_by_registrants(
    stub: EventsServiceStub,
) -> None:
    name = an_event(stub)
    register(stub, name, ANA)
    material = pb.Material(
        title="Slides", url="https://files.example/slides.pdf", kind=pb.MATERIAL_KIND_SLIDES,
        file_name="slides.pdf", media_type="application/pdf", size_bytes=48_213,
    )  # fmt: skip
    with pytest.raises(grpc.RpcError) as not_editor:
        stub.PublishMaterial(
            pb.PublishMaterialRequest(parent=name, material=material), metadata=ANA
        )
    assert not_editor.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as plain_http:
        insecure = pb.Material(title="Slides", url="http://x.example/s", kind=pb.MATERIAL_KIND_LINK)
        stub.PublishMaterial(
            pb.PublishMaterialRequest(parent=name, material=insecure), metadata=EDITOR
        )
    assert "material.url" in violations(plain_http.value)

    made = stub.PublishMaterial(
        pb.PublishMaterialRequest(parent=name, material=material), metadata=EDITOR
    )

    assert made.name.startswith(f"{name}/materials/")
    seen = stub.ListMaterials(pb.ListMaterialsRequest(parent=name), metadata=ANA).materials
    assert [(m.title, m.media_type, m.size_bytes) for m in seen] == [
        ("Slides", "application/pdf", 48_213)
    ]
    with pytest.raises(grpc.RpcError) as stranger:
        stub.ListMaterials(pb.ListMaterialsRequest(parent=name), metadata=BEN)
    assert stranger.value.code() is grpc.StatusCode.PERMISSION_DENIED


def test_a_series_groups_its_events_and_only_editors_create_it(stub: EventsServiceStub) -> None:
    fridays = pb.Series(
        kind=pb.EVENT_KIND_WEBINAR, title="Evidence Fridays", description="What works."
    )
    with pytest.raises(grpc.RpcError) as member:
        stub.CreateSeries(pb.CreateSeriesRequest(series=fridays), metadata=ANA)
    assert member.value.code() is grpc.StatusCode.PERMISSION_DENIED
    series = stub.CreateSeries(pb.CreateSeriesRequest(series=fridays), metadata=EDITOR)
    with pytest.raises(grpc.RpcError) as draft:
        stub.GetSeries(pb.GetSeriesRequest(name=series.name), metadata=ANA)
    assert draft.value.code() is grpc.StatusCode.NOT_FOUND  # a draft is the editors'
    fridays.name, fridays.published = series.name, True
    stub.UpdateSeries(pb.UpdateSeriesRequest(series=fridays), metadata=EDITOR)
    with pytest.raises(grpc.RpcError) as wrong_kind:
        an_event(stub, series_name=series.name)  # a seminar in a webinar series
    assert "event.series_name" in violations(wrong_kind.value)

    webinar = {"kind": pb.EVENT_KIND_WEBINAR, "on_site_places": 0, "online_places": 50}
    first = an_event(stub, title="RCTs", series_name=series.name, **webinar)
    an_event(stub, title="Meta-analyses", series_name=series.name, **webinar)
    an_event(stub, title="Elsewhere", **webinar)

    listed = stub.ListEvents(pb.ListEventsRequest(series_name=series.name), metadata=ANA)
    assert sorted(e.title for e in listed.events) == ["Meta-analyses", "RCTs"]
    shown = stub.GetEvent(pb.GetEventRequest(name=first))
    assert (shown.series_name, shown.series) == (series.name, "Evidence Fridays")
    page = stub.ListSeries(pb.ListSeriesRequest(kind=pb.EVENT_KIND_WEBINAR, page_size=1))
    assert [(s.title, s.published) for s in page.series] == [("Evidence Fridays", True)]
    assert not stub.ListSeries(pb.ListSeriesRequest(kind=pb.EVENT_KIND_SUMMIT)).series
    moved = stub.SetEventSeries(pb.SetEventSeriesRequest(name=first), metadata=EDITOR)
    assert (moved.series_name, moved.series) == ("", "")
    with pytest.raises(grpc.RpcError) as not_editor:
        stub.SetEventSeries(
            pb.SetEventSeriesRequest(name=first, series_name=series.name), metadata=ANA
        )
    assert not_editor.value.code() is grpc.StatusCode.PERMISSION_DENIED
    back = stub.SetEventSeries(
        pb.SetEventSeriesRequest(name=first, series_name=series.name), metadata=EDITOR
    )
    assert (back.series_name, back.series) == (series.name, "Evidence Fridays")
