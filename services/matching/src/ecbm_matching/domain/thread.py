"""Contact without a public address: a thread between two people, here, never by e-mail.

Someone writes to a person or to the owner of a request (a partner search, an offer);
notify tells the recipient, who replies here. Neither sees the other's address.
"""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any, Self

from ecbm_runtime.aggregate import Aggregate, DomainEvent
from ecbm_runtime.errors import NotFound, PermissionDenied

# The longest message, in characters: longer is INVALID_ARGUMENT and nothing is sent.
MAX_MESSAGE = 5000


class ThreadStarted(DomainEvent):
    starter_id: str
    recipient_id: str
    about_request: str
    subject: str


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


class Thread(Aggregate):
    stream_prefix = "thread"

    starter_id: str
    recipient_id: str
    subject: str
    messages: int

    @classmethod
    def start(
        cls, id: str, starter_id: str, recipient_id: str, about_request: str, subject: str
    ) -> Self:
        thread = cls(id)
        thread.record(
            ThreadStarted(
                starter_id=starter_id,
                recipient_id=recipient_id,
                about_request=about_request,
                subject=subject,
            )
        )
        return thread

    def other(self, person_id: str) -> str:
        return self.recipient_id if person_id == self.starter_id else self.starter_id

    def takes_part(self, person_id: str) -> bool:
        return bool(person_id) and person_id in (self.starter_id, self.recipient_id)

    def post(self, author_id: str, body: str) -> None:
        if not self.takes_part(author_id):
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

    @apply.register
    def _(self, event: MessagePosted) -> None:
        self.messages += 1

    @apply.register
    def _(self, event: ThreadErased) -> None:
        if event.starter:
            self.starter_id = ""
        else:
            self.recipient_id = ""
