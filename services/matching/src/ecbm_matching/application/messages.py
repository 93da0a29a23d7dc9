"""Contact without a public address: threads to a person, a request's owner or a
programme's contacts, told by notify."""

from __future__ import annotations

from ecbm_integration import matching as published
from ecbm_matching.adapters.threads import ThreadView
from ecbm_matching.adapters.views import MatchingViews
from ecbm_matching.application import commands as c
from ecbm_matching.application.dependencies import MatchingDependencies
from ecbm_matching.domain.request import RequestNotFound, RequestState
from ecbm_matching.domain.thread import SenderBlocked, Thread, ThreadNotFound, takes_part
from ecbm_runtime.errors import FieldViolation, InvalidArgument, NotFound, RuleViolation
from ecbm_runtime.ids import new_id


class PersonNotFound(NotFound):
    """No person of this id is known to matching."""


class ProgrammeNotFound(NotFound):
    """No active programme of this id is known to matching."""


class ProgrammeUnreachable(RuleViolation):
    """Nobody speaks for the programme yet (its organisation has no editor): nothing sent."""


def send_message(command: c.SendMessage, deps: MatchingDependencies) -> str:
    """The thread's id. Refused, with nothing sent, when the recipient blocked the sender
    (for a programme: when every one of its contacts did; the others are told)."""
    sender = command.actor.require_subject()
    with deps.uow() as work:
        threads = work.repository(Thread)
        if command.thread_id:
            thread = threads.find(command.thread_id)
            contacts = _contacts(work.views, thread)
            if thread is None or not thread.takes_part(sender, contacts):
                raise ThreadNotFound(f"thread {command.thread_id!r} does not exist")
        else:
            recipient, about, to_programme = _recipient(work.views, command)
            contacts = work.views.profiles.contacts(recipient) if to_programme else []
            if recipient == sender or (to_programme and sender in contacts):
                raise InvalidArgument(FieldViolation("to_person", "write to someone else"))
            if to_programme and not contacts:
                raise ProgrammeUnreachable(
                    f"programme {recipient!r} has no contact person yet; try again later"
                )
            subject = command.subject or "(no subject)"
            thread = Thread.start(new_id("thread"), sender, recipient, about, subject, to_programme)
            threads.add(thread)
        recipients = [
            person
            for person in thread.recipients(sender, contacts)
            if not work.views.threads.blocks(person, sender)
        ]
        if not recipients:
            raise SenderBlocked("the recipient does not accept your messages")
        thread.post(sender, command.body, contacts)
        for recipient in recipients:
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


def _contacts(views: MatchingViews, thread: Thread | ThreadView | None) -> list[str]:
    """The people who speak for the thread's programme (none for a thread to a person)."""
    if thread is None or not thread.to_programme or not thread.recipient_id:
        return []
    return views.profiles.contacts(thread.recipient_id)


def _recipient(views: MatchingViews, command: c.SendMessage) -> tuple[str, str, bool]:
    """(person or programme, request id, to a programme) the new thread goes to."""
    if command.about_request:
        request = views.requests.request(command.about_request)
        if request is None or request.state is not RequestState.OPEN or not request.owner_id:
            raise RequestNotFound(f"request {command.about_request!r} does not exist")
        return request.owner_id, request.id, False
    if command.to_programme:
        found = views.profiles.profile(command.to_programme)
        if found is None or found["kind"] != "programme" or not found["active"]:
            raise ProgrammeNotFound(f"programme {command.to_programme!r} does not exist")
        return command.to_programme, "", True
    if not command.to_person:
        raise InvalidArgument(FieldViolation("to_person", "name a person, a request or a thread"))
    found = views.profiles.profile(command.to_person)
    if found is None or found["kind"] != "person":
        raise PersonNotFound(f"person {command.to_person!r} does not exist")
    return command.to_person, "", False


def get_thread(query: c.GetThread, deps: MatchingDependencies) -> ThreadView:
    subject = query.actor.subject
    with deps.read() as views:
        found = views.threads.thread(query.id)
        contacts = _contacts(views, found)
    if found is None or not takes_part(found, subject, contacts):
        raise ThreadNotFound(f"thread {query.id!r} does not exist")
    return found


def list_threads(query: c.ListThreads, deps: MatchingDependencies) -> list[ThreadView]:
    """The caller's threads, and those to the programmes they speak for."""
    person = query.actor.require_subject()
    with deps.read() as views:
        return views.threads.of_person(person, views.profiles.programmes_of_contact(person))


def block_sender(command: c.BlockSender, deps: MatchingDependencies) -> str:
    with deps.uow() as work:
        work.views.threads.block(
            command.actor.require_subject(), command.sender_id, command.blocked
        )
        work.commit()
    return command.sender_id
