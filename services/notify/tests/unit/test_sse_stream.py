"""The SSE writer: heartbeats while idle, ends when the watch or the browser goes away."""

from __future__ import annotations

import threading

from ecbm_notify.adapters.live import Fanout, InboxUpdate
from ecbm_notify.application.inbox.watching import Watch
from ecbm_notify.entrypoints import sse
from ecbm_runtime.testing import wait_until


class Browser:
    """Collects what the server writes; can be told to hang up."""

    def __init__(self) -> None:
        self.received = b""
        self.gone = False

    def write(self, data: bytes, /) -> int:
        if self.gone:
            raise BrokenPipeError
        self.received += data
        return len(data)

    def flush(self) -> None:
        pass


def watching(fanout: Fanout) -> Watch:
    return Watch(fanout, fanout.subscribe("ann"), [InboxUpdate("unread_count", 2)], since=0)


def test_idle_streams_get_heartbeats_until_the_server_stops() -> None:
    fanout, browser = Fanout(), Browser()
    writer = threading.Thread(target=sse.stream, args=(browser, watching(fanout), 0.02))
    writer.start()

    wait_until(lambda: b": heartbeat\n\n" in browser.received, timeout=5)
    fanout.close()
    writer.join(timeout=5)

    assert not writer.is_alive()
    assert browser.received.startswith(b"retry: 2000\n\nevent: unread\n")


def test_a_browser_that_went_away_ends_the_stream_and_its_subscription() -> None:
    fanout, browser = Fanout(), Browser()
    writer = threading.Thread(target=sse.stream, args=(browser, watching(fanout), 0.02))
    writer.start()
    wait_until(lambda: b"event: unread" in browser.received, timeout=5)

    browser.gone = True
    writer.join(timeout=5)

    assert not writer.is_alive()
    assert fanout.watcher_count() == 0
