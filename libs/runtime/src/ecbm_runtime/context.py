"""What travels with a message from the edge inward: who acts, on behalf of which request.

The edge (a servicer call, a worker delivery, a timer) builds one ``MessageContext``; the
bus hands it to the handler's dependencies, and the unit of work stamps it on every event
it stores. Nothing below the edge reads ambient state.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ecbm_runtime.auth import current_principal
from ecbm_runtime.errors import DeadlineExceeded
from ecbm_runtime.inbox import Delivery
from ecbm_runtime.observability import (
    call_deadline,
    current_causation_id,
    current_correlation_id,
)


@dataclass(frozen=True)
class MessageContext:
    """The request or delivery a message belongs to.

    ``delivery`` is set when a worker handles another service's event: the first unit of
    work the handler opens claims it in the inbox, exactly once per handling.
    ``deadline`` (``time.monotonic()``) is when the gRPC caller stops waiting: the bus does
    not start and the unit of work does not commit after it, and calls the message makes
    take ``timeout(...)`` so they end by then too.
    """

    correlation_id: str | None = None
    causation_id: str | None = None
    actor: str | None = None
    delivery: Delivery | None = None
    deadline: float | None = None

    @classmethod
    def at_edge(cls) -> MessageContext:
        """The context of the current gRPC call (or none: a timer, a script).

        grpc's Python interceptors can hand a servicer nothing but ContextVars, so the
        principal and correlation ids they set are read here, once, at the edge.
        """
        principal = current_principal()
        return cls(
            correlation_id=current_correlation_id(),
            causation_id=current_causation_id(),
            actor=principal.subject if principal else None,
            deadline=call_deadline.get(),
        )

    def time_remaining(self) -> float | None:
        """Seconds until the caller's deadline (negative once passed); None without one."""
        return None if self.deadline is None else self.deadline - time.monotonic()

    def timeout(self, at_most: float) -> float:
        """The timeout of a call this message makes: ``at_most``, less if the deadline is nearer."""
        remaining = self.time_remaining()
        return at_most if remaining is None else max(min(at_most, remaining), 0.0)

    def check_deadline(self) -> None:
        """Raise ``DeadlineExceeded`` if the caller's deadline has passed."""
        remaining = self.time_remaining()
        if remaining is not None and remaining <= 0:
            raise DeadlineExceeded(f"the caller's deadline passed {-remaining:.3f}s ago")

    def event_metadata(self) -> dict[str, Any]:
        """The metadata stored with each event of this message's unit of work."""
        return {
            "correlation_id": self.correlation_id or current_correlation_id(),
            "causation_id": self.causation_id,
            "actor": self.actor,
        }
