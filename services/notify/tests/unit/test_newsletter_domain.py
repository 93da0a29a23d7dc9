"""Campaign lifecycle, draft validation, audience filter and subscriber double opt-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecbm_notify.domain.campaign import (
    Audience,
    Campaign,
    CampaignNotEditable,
    CampaignStateRuleViolation,
    Draft,
)
from ecbm_notify.domain.subscriber import (
    ConfirmationReplaced,
    Interests,
    Subscriber,
    SubscriptionNotConfirmable,
    checked_email,
    confirmation_purpose,
    confirmed_request,
)
from ecbm_runtime.errors import InvalidArgument

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
ROLES = ["practitioner", "programme_coordinator", "researcher", "policy_maker", "student"]
COUNTRIES = ["BE", "NL", "FR", "DE", "PT"]


def draft(**changes: object) -> Draft:
    values: dict[str, object] = {
        "title": "December issue",
        "subject": "Mentoring news, December",
        "blocks": [
            {"kind": "heading", "text": "Summit"},
            {"kind": "paragraph", "text": "The summit is in Ghent."},
            {"kind": "link", "text": "Register", "url": "https://ecbm.eu/summit"},
        ],
    }
    return Draft.model_validate({**values, **changes})


def test_a_campaign_goes_draft_scheduled_sending_sent() -> None:
    campaign = Campaign.create("c1", draft(), "editor-1")
    assert campaign.state == "draft"
    campaign.schedule(NOW + timedelta(hours=1), NOW)
    assert (campaign.state, campaign.send_at) == ("scheduled", NOW + timedelta(hours=1))
    campaign.start_sending(audience_size=3)
    history = campaign.collect_new_events()
    rebuilt = Campaign.rebuild("c1", history)  # the stored history replays to the same state
    assert (rebuilt.state, rebuilt.version, rebuilt.started) == ("sending", 3, True)
    rebuilt.complete(sent=2, failed=1)
    assert rebuilt.state == "sent"


def test_pause_and_resume_return_to_where_the_campaign_was() -> None:
    scheduled = Campaign.create("c1", draft(), "e")
    scheduled.schedule(NOW, NOW)
    scheduled.pause()
    scheduled.resume()
    assert scheduled.state == "scheduled"
    sending = Campaign.create("c2", draft(), "e")
    sending.schedule(NOW, NOW)
    sending.start_sending(10)
    sending.pause()
    assert [sending.state] == ["paused"]
    with pytest.raises(CampaignStateRuleViolation):
        sending.complete(1, 0)  # a paused campaign does not finish
    sending.resume()
    assert sending.state == "sending"


def test_only_a_draft_is_edited_and_a_sent_campaign_is_final() -> None:
    campaign = Campaign.create("c1", draft(), "e")
    campaign.revise(draft(subject="New subject"))
    assert campaign.draft.subject == "New subject"
    campaign.schedule(NOW, NOW)
    with pytest.raises(CampaignNotEditable):
        campaign.revise(draft(subject="Too late"))
    campaign.start_sending(0)
    campaign.complete(0, 0)
    for step in (campaign.pause, campaign.resume, campaign.cancel):
        with pytest.raises(CampaignStateRuleViolation):
            step()


def test_an_unchanged_revision_records_nothing_and_the_past_is_no_send_time() -> None:
    campaign = Campaign.create("c1", draft(), "e")
    campaign.collect_new_events()
    campaign.revise(draft())
    assert not campaign.has_new_events
    with pytest.raises(InvalidArgument, match="send_time"):
        campaign.schedule(NOW - timedelta(minutes=5), NOW)


def test_cancel_from_draft_scheduled_paused_and_sending() -> None:
    for steps in ([], ["schedule"], ["schedule", "pause"], ["schedule", "start"]):
        campaign = Campaign.create("c", draft(), "e")
        for step in steps:
            if step == "schedule":
                campaign.schedule(NOW, NOW)
            elif step == "pause":
                campaign.pause()
            else:
                campaign.start_sending(1)
        campaign.cancel()
        assert campaign.state == "cancelled"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"blocks": []}, "blocks"),
        ({"blocks": [{"kind": "link", "text": "x", "url": "javascript:alert(1)"}]}, "blocks"),
        ({"blocks": [{"kind": "paragraph", "text": "x", "url": "https://a.eu"}]}, "blocks"),
        ({"template": "nonsense"}, "template"),
        ({"subject": "two\nlines"}, "subject"),
        ({"audience": {"countries": ["XX"]}}, "countries"),
        ({"audience": {"roles": ["wizard"]}}, "roles"),
        ({"audience": {"topics": ["Not A Slug"]}}, "topics"),
        ({"language": "es"}, "language"),
    ],
)
def test_a_bad_draft_names_what_is_wrong(changes: dict[str, object], field: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=field):
        draft(**changes)


@given(
    countries=st.lists(st.sampled_from(COUNTRIES), max_size=3, unique=True),
    roles=st.lists(st.sampled_from(ROLES), max_size=3, unique=True),
    country=st.sampled_from(COUNTRIES),
    person_roles=st.lists(st.sampled_from(ROLES), max_size=3, unique=True),
)
def test_the_member_filter_is_an_and_of_ors(
    countries: list[str], roles: list[str], country: str, person_roles: list[str]
) -> None:
    audience = Audience(countries=tuple(countries), roles=tuple(roles))  # type: ignore[arg-type]
    expected = (not countries or country in countries) and (
        not roles or bool(set(roles) & set(person_roles))
    )
    assert audience.admits_member(country, person_roles) == expected
    assert not Audience(include_members=False).admits_member(country, person_roles)
    # Widening a filter never loses anyone it admitted.
    wider = Audience(countries=(), roles=tuple(roles))  # type: ignore[arg-type]
    assert not expected or wider.admits_member(country, person_roles)


@given(
    topics=st.lists(st.sampled_from(["research", "policy", "events"]), max_size=2, unique=True),
    interests=st.lists(st.sampled_from(["research", "policy", "events"]), max_size=3),
    country=st.one_of(st.none(), st.sampled_from(COUNTRIES)),
)
def test_subscribers_match_on_country_and_topic_never_on_role(
    topics: list[str], interests: list[str], country: str | None
) -> None:
    audience = Audience(topics=tuple(topics), countries=("BE",))
    expected = country == "BE" and (not topics or bool(set(topics) & set(interests)))
    assert audience.admits_subscriber(country, interests) == expected
    assert not Audience(roles=("researcher",)).admits_subscriber(country, interests)


def test_double_opt_in() -> None:
    subscriber = Subscriber.request("s1", " Eva@Example.ORG ", Interests(language="fr"))
    assert [subscriber.state, subscriber.email] == ["pending", "eva@example.org"]
    subscriber.confirm(subscriber.request_number)
    subscriber.confirm(subscriber.request_number)  # the link followed twice
    assert subscriber.state == "confirmed"
    subscriber.unsubscribe()
    with pytest.raises(SubscriptionNotConfirmable):
        subscriber.confirm(1)  # an old link does not bring them back
    assert subscriber.request_again(Interests()) == subscriber.version
    assert [subscriber.state] == ["pending"]


def test_a_confirmed_subscriber_keeps_their_interests_until_the_new_link_is_followed() -> None:
    subscriber = Subscriber.request("s1", "eva@example.org", Interests(language="fr"))
    subscriber.confirm(1)

    request = subscriber.request_again(Interests(display_name="Mallory", language="de"))

    assert (subscriber.state, subscriber.interests) == ("confirmed", Interests(language="fr"))
    with pytest.raises(ConfirmationReplaced):
        subscriber.confirm(1)  # the first link confirms the first request only
    subscriber.confirm(None)  # a link from before numbers: pending ones only
    assert subscriber.interests.language == "fr"
    subscriber.confirm(request)
    assert (subscriber.state, subscriber.interests.language) == ("confirmed", "de")
    subscriber.confirm(request)  # twice: nothing more
    assert [type(e).__name__ for e in subscriber.collect_new_events()][-2:] == [
        "SubscriptionChangeRequested", "SubscriptionChanged",
    ]  # fmt: skip


def test_only_the_latest_link_of_a_pending_subscription_confirms_it() -> None:
    subscriber = Subscriber.request("s1", "eva@example.org", Interests())
    latest = subscriber.request_again(Interests(language="nl"))

    with pytest.raises(ConfirmationReplaced):
        subscriber.confirm(1)
    assert subscriber.state == "pending"
    subscriber.confirm(latest)
    assert (subscriber.state, subscriber.interests.language) == ("confirmed", "nl")


@given(st.integers(min_value=0, max_value=10**9))
def test_confirmation_purposes_carry_their_request_number(request: int) -> None:
    assert confirmed_request(confirmation_purpose(request)) == request
    assert confirmed_request("newsletter-confirmation") is None
    with pytest.raises(ValueError):
        confirmed_request(f"newsletter:{request}")


@given(st.emails())
def test_deliverable_addresses_pass_normalised(address: str) -> None:
    assert checked_email(address.upper()) == address.strip().lower()


@given(st.text(max_size=40).filter(lambda text: "@" not in text))
def test_text_without_an_at_is_never_an_address(text: str) -> None:
    with pytest.raises(InvalidArgument, match="email"):
        checked_email(text)
