"""The SSE writer: heartbeats while idle, woken by the fan-out, ends when the watch does."""

from __future__ import annotations

import asyncio

from ecbm_notify.adapters.live import Fanout, InboxUpdate
from ecbm_notify.application.inbox.watching import Watch
from ecbm_notify.entrypoints import sse


def watching(fanout: Fanout) -> Watch:
    return Watch(fanout, fanout.subscribe("ann"), [InboxUpdate("unread_count", 2)], set())


async def collect(fanout: Fanout, heartbeat: float, until: bytes) -> bytes:
    """What the stream writes until ``until`` appears, then closes the fan-out (server stop)
    and reads to the end; the stream must end by itself."""
    received = b""
    async with asyncio.timeout(10):
        async for chunk in sse.events(watching(fanout), heartbeat):
            received += chunk
            if until in received:
                fanout.close()
    return received


def test_idle_streams_get_heartbeats_until_the_server_stops() -> None:
    received = asyncio.run(collect(Fanout(), 0.02, b": heartbeat\n\n"))

    assert received.startswith(b"retry: 2000\n\nevent: unread\n")


def test_a_change_offered_from_another_thread_wakes_the_stream_at_once() -> None:
    fanout = Fanout()

    async def main() -> bytes:
        loop = asyncio.get_running_loop()
        loop.call_later(
            0.05,
            lambda: loop.run_in_executor(
                None, fanout.publish, "ann", InboxUpdate("read", 1, position=7)
            ),
        )
        return await collect(fanout, 60.0, b"id: 7")  # no heartbeat needed to see it

    received = asyncio.run(main())

    assert b"event: read\nid: 7\n" in received and b"heartbeat" not in received
