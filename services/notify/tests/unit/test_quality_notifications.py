"""The quality service's events become notifications: who gets them, what they say, and a
queue on the quality exchange for each."""

from __future__ import annotations

from datetime import UTC, datetime

from ecbm_integration import quality
from ecbm_notify.adapters.templates import TemplateRenderer
from ecbm_notify.bootstrap import SERVICE
from ecbm_notify.domain.catalogue import CATALOGUE, FOR_ORGANISATION_CONTACT, FOR_PERSON
from ecbm_runtime.worker import handler_queues

AT = datetime(2026, 12, 7, 9, tzinfo=UTC)


def test_the_organisation_hears_of_its_process_and_each_auditor_of_their_seat() -> None:
    assert {
        quality.SelfAssessmentSubmitted, quality.DecisionMade, quality.AppealLodged,
        quality.AppealDecided, quality.RenewalDue, quality.QualityLabelSuspended,
        quality.QualityLabelRevoked, quality.QualityLabelExpired, quality.SurveillanceDue,
        quality.ConditionsDue,
    } <= set(FOR_ORGANISATION_CONTACT)  # fmt: skip
    assert quality.AuditAssigned in FOR_PERSON
    assert CATALOGUE[quality.DecisionMade].critical


def test_a_decision_with_conditions_says_the_outcome_and_the_deadline() -> None:
    decided = quality.DecisionMade(
        application_id="a1", programme_id="buddy", organisation_id="org-1", step="accredited",
        outcome="award_with_conditions", reasons="Training plan thin.",
        conditions_due=datetime(2027, 6, 1, tzinfo=UTC), occurred_at=AT,
    )  # fmt: skip
    kind = CATALOGUE[quality.DecisionMade]
    message = kind.message(decided)
    assert message.title == "Your application for accredited: awarded with conditions"
    assert "Training plan thin." in message.body and "2027-06-01" in message.body
    assert kind.context(decided) == {"outcome": "awarded with conditions"}


def test_a_suspension_reaches_the_organisation_with_the_reason_as_a_sentence() -> None:
    suspended = quality.QualityLabelSuspended(
        label_code="Q-7KD9-M2XF", programme_id="buddy", organisation_id="org-1",
        step="accredited", reason="the conditions were not met by 2027-06-01", occurred_at=AT,
    )  # fmt: skip
    kind = CATALOGUE[quality.QualityLabelSuspended]
    assert kind.critical and "not met by 2027-06-01. It does not" in kind.message(suspended).body
    assert kind.context(suspended)["reason"].endswith("2027-06-01.")


def test_an_appeals_outcome_reaches_the_organisation_in_its_language() -> None:
    kind = CATALOGUE[quality.AppealDecided]
    renderer = TemplateRenderer()
    mails = {}
    for outcome in ("upheld", "dismissed"):
        decided = quality.AppealDecided(
            appeal_id="appeal-1", application_id="a1", programme_id="buddy",
            organisation_id="org-1", outcome=outcome, reasons="the evidence was overlooked",
            occurred_at=AT,
        )  # fmt: skip
        message = kind.message(decided)
        assert message.link == "appeals/appeal-1" and "evidence was overlooked." in message.body
        context = {**kind.context(decided), "recipient_name": "An", "link": "http://x/a",
                   "unsubscribe_url": ""}  # fmt: skip
        mails[outcome] = renderer.render(kind.name, "fr", context)
    assert kind.critical and quality.AppealDecided in FOR_ORGANISATION_CONTACT
    assert mails["upheld"].subject == "Votre recours a été accueilli"
    assert mails["dismissed"].subject == "Votre recours a été rejeté"
    assert "est maintenue" in mails["dismissed"].text
    assert "Motifs : the evidence was overlooked." in mails["dismissed"].html


def test_notify_has_a_queue_on_the_quality_exchange_for_each_event() -> None:
    names = {queue.name for queue in handler_queues(SERVICE.worker_class(), max_deliveries=5)}
    for event_type in ("SelfAssessmentSubmitted", "AuditAssigned", "DecisionMade",
                       "AppealLodged", "AppealDecided", "RenewalDue", "QualityLabelSuspended",
                       "QualityLabelRevoked", "QualityLabelExpired", "SurveillanceDue",
                       "ConditionsDue"):  # fmt: skip
        assert any(f"evt-quality-{event_type}--notify." in name for name in names), event_type
