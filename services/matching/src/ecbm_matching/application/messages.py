"""Contact without a public address: threads between two people, told by notify."""

from __future__ import annotations

from ecbm_integration import matching as published
from ecbm_matching.adapters.threads import ThreadView
from ecbm_matching.adapters.views import MatchingViews
from ecbm_matching.application import commands as c
from ecbm_matching.application.dependencies import MatchingDependencies
from ecbm_matching.domain.request import RequestNotFound, RequestState
from ecbm_matching.domain.thread import SenderBlocked, Thread, ThreadNotFound
from ecbm_runtime.errors import FieldViolation, InvalidArgument, NotFound
from ecbm_runtime.ids import new_id


class PersonNotFound(NotFound):
    """No person of this id is known to matching."""


def send_message(command: c.SendMessage, deps: MatchingDependencies) -> str:
    """The thread's id. Refused, with nothing sent, when the recipient blocked the sender."""
    sender = command.actor.require_subject()
    with deps.uow() as work:
        threads = work.repository(Thread)
        if command.thread_id:
            thread = threads.find(command.thread_id)
            if thread is None or not thread.takes_part(sender):
                raise ThreadNotFound(f"thread {command.thread_id!r} does not exist")
        else:
            recipient, about = _recipient(work.views, command)
            if recipient == sender:
                raise InvalidArgument(FieldViolation("to_person", "write to someone else"))
            subject = command.subject or "(no subject)"
            thread = Thread.start(new_id("thread"), sender, recipient, about, subject)
            threads.add(thread)
        recipient = thread.other(sender)
        if not recipient or work.views.threads.blocks(recipient, sender):
            raise SenderBlocked("the recipient does not accept your messages")
        thread.post(sender, command.body)
        work.publish(
            published.MessageReceived(
                thread_id=thread.id,
                person_id=recipient,
                subject=thread.subject,
                preview=command.body[:280],
                occurred_at=deps.clock(),
            ),
            subject=recipient,
        )
        work.commit()
    return thread.id


def _recipient(views: MatchingViews, command: c.SendMessage) -> tuple[str, str]:
    """(person, request id) the new thread goes to."""
    if command.about_request:
        request = views.requests.request(command.about_request)
        if request is None or request.state is not RequestState.OPEN or not request.owner_id:
            raise RequestNotFound(f"request {command.about_request!r} does not exist")
        return request.owner_id, request.id
    if not command.to_person:
        raise InvalidArgument(FieldViolation("to_person", "name a person, a request or a thread"))
    found = views.profiles.profile(command.to_person)
    if found is None or found["kind"] != "person":
        raise PersonNotFound(f"person {command.to_person!r} does not exist")
    return command.to_person, ""


def get_thread(query: c.GetThread, deps: MatchingDependencies) -> ThreadView:
    with deps.read() as views:
        found = views.threads.thread(query.id)
    subject = query.actor.subject
    if found is None or not subject or subject not in (found.starter_id, found.recipient_id):
        raise ThreadNotFound(f"thread {query.id!r} does not exist")
    return found


def list_threads(query: c.ListThreads, deps: MatchingDependencies) -> list[ThreadView]:
    with deps.read() as views:
        return views.threads.of_person(query.actor.require_subject())


def block_sender(command: c.BlockSender, deps: MatchingDependencies) -> str:
    with deps.uow() as work:
        work.views.threads.block(
            command.actor.require_subject(), command.sender_id, command.blocked
        )
        work.commit()
    return command.sender_id
