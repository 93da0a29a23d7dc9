"""Contact without a public address: a thread here, never by e-mail.

Someone writes to a person, to the owner of a request (a partner search, an offer) or to a
programme; notify tells the recipient (a programme's contacts: its organisation's editors),
who replies here. Neither side sees the other's address.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import singledispatchmethod
from typing import Any, Protocol, Self

from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import NotFound, PermissionDenied

# The longest message, in characters: longer is INVALID_ARGUMENT and nothing is sent.
MAX_MESSAGE = 5000


class ThreadStarted(DomainEvent):
    starter_id: str
    recipient_id: str
    about_request: str
    subject: str
    # The recipient is a programme: whoever speaks for it at the time takes part (added 2026.12).
    to_programme: bool = False


class MessagePosted(DomainEvent):
    author_id: str
    body: str


class ThreadErased(DomainEvent):
    """A participant was forgotten: their id and the conversation go (the event names
    their role, never their id)."""

    starter: bool


class ThreadNotFound(NotFound):
    """No thread has this id, or the caller is not in it."""


class SenderBlocked(PermissionDenied):
    """The recipient blocked the sender: nothing is sent."""


class Sides(Protocol):
    @property
    def starter_id(self) -> str: ...
    @property
    def recipient_id(self) -> str: ...
    @property
    def to_programme(self) -> bool: ...


def takes_part(thread: Sides, person_id: str, contacts: Collection[str] = ()) -> bool:
    """Whether the person may read and write in the thread (its aggregate or its view);
    ``contacts``: the programme's contacts, for a thread to a programme."""
    if not person_id:
        return False
    if person_id == thread.starter_id:
        return True
    if thread.to_programme:
        return bool(thread.recipient_id) and person_id in contacts
    return person_id == thread.recipient_id


class Thread(Aggregate):
    """Two sides: the starter, and a person or a programme. A programme's side is its
    contacts of the moment (``contacts``, from registry's editors), so a new editor sees
    the programme's threads and a former one no longer does."""

    stream_prefix = "thread"

    starter_id: str
    recipient_id: str
    subject: str
    messages: int
    to_programme: bool = False

    @classmethod
    def start(
        cls,
        id: str,
        starter_id: str,
        recipient_id: str,
        about_request: str,
        subject: str,
        to_programme: bool = False,
    ) -> Self:
        thread = cls(id)
        thread.record(
            ThreadStarted(
                starter_id=starter_id,
                recipient_id=recipient_id,
                about_request=about_request,
                subject=subject,
                to_programme=to_programme,
            )
        )
        return thread

    def recipients(self, author_id: str, contacts: Collection[str] = ()) -> list[str]:
        """Who hears of a message by ``author_id``: the other side's people."""
        if author_id != self.starter_id:
            return [self.starter_id] if self.starter_id else []
        if not self.recipient_id:
            return []
        if self.to_programme:
            return sorted(set(contacts) - {author_id})
        return [self.recipient_id]

    def takes_part(self, person_id: str, contacts: Collection[str] = ()) -> bool:
        """``contacts``: the programme's contacts, for a thread to a programme."""
        return takes_part(self, person_id, contacts)

    def post(self, author_id: str, body: str, contacts: Collection[str] = ()) -> None:
        if not self.takes_part(author_id, contacts):
            raise ThreadNotFound(f"thread {self.id!r} does not exist")
        self.record(MessagePosted(author_id=author_id, body=body))

    def erase(self, person_id: str) -> None:
        self.record(ThreadErased(starter=person_id == self.starter_id))

    @singledispatchmethod
    def apply(self, event: Any) -> None:
        super().apply(event)

    @apply.register
    def _(self, event: ThreadStarted) -> None:
        self.starter_id, self.recipient_id = event.starter_id, event.recipient_id
        self.subject, self.messages = event.subject, 0
        self.to_programme = event.to_programme

    @apply.register
    def _(self, event: MessagePosted) -> None:
        self.messages += 1

    @apply.register
    def _(self, event: ThreadErased) -> None:
        if event.starter:
            self.starter_id = ""
        else:
            self.recipient_id = ""
