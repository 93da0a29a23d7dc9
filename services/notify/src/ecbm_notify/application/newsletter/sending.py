"""Sending due campaigns: expand the audience once, then batches until done, paused or out
of time.

Each batch is read from the queued rows, sent through the mailer and its outcomes written
in one statement. A paused or cancelled campaign stops between batches. SMTP unavailable
stops the tick with the rest still queued (nothing lost, tried again next tick); a
rejected address is ``failed`` with the reason and never retried. A lease makes one sender
at a time work on a campaign. A batch is claimed (``sending``) before any of it goes out;
rows a crashed sender left claimed are failed by the next one, never resent: no duplicates.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial
from itertools import repeat

from prometheus_client import Counter

from ecbm_notify.adapters.mailer import MailRejected, MailUnavailable
from ecbm_notify.adapters.newsletter.mail import CampaignMail, render_campaign
from ecbm_notify.adapters.newsletter.sends import Addressee, Outcome
from ecbm_notify.adapters.views import NotifyViews
from ecbm_notify.application.dependencies import NotifyDependencies
from ecbm_notify.application.newsletter import commands
from ecbm_notify.application.ports import Mailer
from ecbm_notify.domain.campaign import Campaign
from ecbm_runtime.eventstore import VersionConflict
from ecbm_runtime.uow import UnitOfWork

_log = logging.getLogger("ecbm_notify.newsletter")
messages = Counter("ecbm_newsletter_messages", "Newsletter messages by outcome.", ("outcome",))
for _outcome in ("sent", "failed", "skipped", "deferred"):  # at 0 from the start
    messages.labels(_outcome)


def send_due_campaigns(command: commands.SendDueCampaigns, deps: NotifyDependencies) -> int:
    """Returns how many messages went out in this tick."""
    deadline = time.monotonic() + command.max_seconds
    with deps.read() as views:
        due = views.campaigns.due_campaigns(deps.clock())
    sent = 0
    for campaign_id in due:
        sent += CampaignSender(campaign_id, deps).run(deadline)
        if time.monotonic() >= deadline:
            break
    return sent


class _Stop(Exception):
    """SMTP is unavailable: leave the rest queued for the next tick."""


class CampaignSender:
    def __init__(self, campaign_id: str, deps: NotifyDependencies) -> None:
        self.campaign_id, self.deps, self.newsletter = campaign_id, deps, deps.newsletter
        self.sent = 0

    def run(self, deadline: float) -> int:
        if not self._lease():
            return 0
        try:
            with self.deps.uow() as work:
                interrupted = work.views.sends.settle_interrupted(
                    self.campaign_id, self.deps.clock()
                )
                work.commit()
            if interrupted:
                _log.warning(
                    "a sender stopped mid-batch; its claimed recipients are failed, not resent",
                    extra={"campaign_id": self.campaign_id, "interrupted": interrupted},
                )
            mail = self._start()
            if mail is not None:
                self._send_batches(mail, deadline)
        except VersionConflict:
            _log.info(
                "campaign changed while sending; next tick continues",
                extra={"campaign_id": self.campaign_id},
            )
        finally:
            with self.deps.uow() as work:
                work.views.sends.release_lease(self.campaign_id, self.newsletter.owner)
                work.commit()
        return self.sent

    def _lease(self) -> bool:
        now = self.deps.clock()
        until = now + _seconds(self.newsletter.lease_seconds)
        with self.deps.uow() as work:
            held = work.views.sends.take_lease(self.campaign_id, self.newsletter.owner, now, until)
            work.commit()
        return held

    def _start(self) -> CampaignMail | None:
        """Expand the audience of a scheduled campaign (same transaction as the event)."""
        with self.deps.uow() as work:
            campaign = work.repository(Campaign).get(self.campaign_id)
            if campaign.state == "scheduled":
                size = work.views.sends.expand_audience(self.campaign_id, campaign.draft.audience)
                campaign.start_sending(size)
                _log.info(
                    "campaign sending",
                    extra={"campaign_id": self.campaign_id, "audience_size": size},
                )
            work.commit()
        if campaign.state != "sending":
            return None
        draft, renderer = campaign.draft, self.newsletter.renderer
        named = render_campaign(
            renderer, draft.template, draft.language, draft.subject, draft.blocks
        )
        anonymous = render_campaign(
            renderer, draft.template, draft.language, draft.subject, draft.blocks, recipient_name=""
        )
        return CampaignMail(named, anonymous, draft.language, self.campaign_id)

    def _send_batches(self, mail: CampaignMail, deadline: float) -> None:
        after = ""
        while time.monotonic() < deadline:
            with self.deps.uow() as work:
                state = work.views.campaigns.campaign_state(self.campaign_id)
                if state != "sending":
                    return  # paused or cancelled: takes effect between batches
                batch = work.views.sends.next_batch(
                    self.campaign_id, after, self.newsletter.batch_size
                )
                ids = [addressee.recipient_id for addressee in batch]
                work.views.sends.claim(self.campaign_id, ids)
                self._renew(work)
                work.commit()
            if not batch:
                self._complete()
                return
            outcomes, stopped = self._send_batch(mail, batch)
            tried = {outcome.recipient_id for outcome in outcomes}
            with self.deps.uow() as work:
                work.views.sends.record_outcomes(self.campaign_id, outcomes, self.deps.clock())
                work.views.sends.unclaim(self.campaign_id, [i for i in ids if i not in tried])
                work.commit()
            if stopped:
                return
            after = batch[-1].recipient_id

    def _send_batch(self, mail: CampaignMail, batch: list[Addressee]) -> tuple[list[Outcome], bool]:
        """The batch over every SMTP connection at once: while one waits for the server's
        answer, another builds and sends. Returns the outcomes and whether SMTP was down."""
        mailers = self.newsletter.mailers
        shares = [batch[i :: len(mailers)] for i in range(len(mailers))]
        rate = self.newsletter.messages_per_second / len(mailers)
        if len(mailers) == 1:
            results = [self._send_share(mail, mailers[0], shares[0], rate)]
        else:
            with ThreadPoolExecutor(len(mailers), thread_name_prefix="newsletter") as pool:
                results = list(
                    pool.map(partial(self._send_share, mail), mailers, shares, repeat(rate))
                )
        outcomes = [outcome for share, _ in results for outcome in share]
        self.sent += sum(1 for outcome in outcomes if outcome.status == "sent")
        return outcomes, any(stopped for _, stopped in results)

    def _send_share(
        self, mail: CampaignMail, mailer: Mailer, addressees: list[Addressee], rate: float
    ) -> tuple[list[Outcome], bool]:
        outcomes: list[Outcome] = []
        started = time.monotonic()
        try:
            for addressee in addressees:
                if rate > 0:
                    _wait_until(started + len(outcomes) / rate)
                outcomes.append(self._send(mail, mailer, addressee))
        except _Stop:
            return outcomes, True
        return outcomes, False

    def _renew(self, work: UnitOfWork[NotifyViews]) -> None:
        now = self.deps.clock()
        work.views.sends.take_lease(
            self.campaign_id,
            self.newsletter.owner,
            now,
            now + _seconds(self.newsletter.lease_seconds),
        )

    def _send(self, mail: CampaignMail, mailer: Mailer, addressee: Addressee) -> Outcome:
        recipient = addressee.recipient_id
        if addressee.email is None:
            return self._counted(Outcome(recipient, "skipped", "forgotten"))
        if addressee.opted_out:
            return self._counted(Outcome(recipient, "skipped", "unsubscribed"))
        if not addressee.consent:
            return self._counted(Outcome(recipient, "skipped", "no consent to e-mail"))
        url = self.newsletter.links.unsubscribe_url(recipient, self.deps.clock())
        try:
            mailer.send(mail.for_recipient(addressee.email, addressee.display_name, url))
        except MailRejected as error:
            return self._counted(Outcome(recipient, "failed", str(error)[:1000]))
        except MailUnavailable as error:
            _log.warning(
                "SMTP unavailable; campaign continues next tick: %s",
                error,
                extra={"campaign_id": self.campaign_id},
            )
            messages.labels("deferred").inc()
            raise _Stop from error
        return self._counted(Outcome(recipient, "sent"))

    @staticmethod
    def _counted(outcome: Outcome) -> Outcome:
        messages.labels(outcome.status).inc()
        return outcome

    def _complete(self) -> None:
        with self.deps.uow() as work:
            if work.views.sends.queued_left(self.campaign_id):
                return  # rows left queued behind the cursor: the next tick takes them
            campaign = work.repository(Campaign).get(self.campaign_id)
            if campaign.state == "sending":
                found = work.views.campaigns.counts([self.campaign_id])
                counts = found[self.campaign_id]
                campaign.complete(sent=counts.sent, failed=counts.failed)
                _log.info(
                    "campaign sent",
                    extra={
                        "campaign_id": self.campaign_id,
                        "sent": counts.sent,
                        "failed": counts.failed,
                    },
                )
            work.commit()


def _wait_until(moment: float) -> None:
    wait = moment - time.monotonic()
    if wait > 0:
        time.sleep(wait)


def _seconds(value: float) -> timedelta:
    from datetime import timedelta

    return timedelta(seconds=value)
