"""A local HTTP server for the alerts tests: serves the fixture feeds, and misbehaves on
purpose (slow, huge, redirect loops, not a feed, errors). Nothing reaches the internet."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources

from ecbm_alerts.adapters.fetch import FetchLimits, HttpFetcher

FEEDS = resources.files("ecbm_alerts.entrypoints") / "feeds"


def fixture(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/xml"
    etag: str = ""
    location: str = ""
    delay: float = 0.0
    declare_length: bool = True  # False: the body simply ends when the connection closes


@dataclass
class FeedServer:
    """Routes by path; ``hits`` counts requests, ``conditional`` those answered 304."""

    port: int = 0
    routes: dict[str, Route] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    bodies: dict[str, bytes] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes, **route: object) -> str:
        self.routes[path] = Route(body=body, **route)  # type: ignore[arg-type]
        return self.url(path)

    def fetcher(self, **limits: object) -> HttpFetcher:
        """A fetcher allowed to reach this server (private addresses stay refused)."""
        allowed = frozenset({("127.0.0.1", self.port)})
        return HttpFetcher(FetchLimits(allowed=allowed, **limits))  # type: ignore[arg-type]


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            server.hits[path] = server.hits.get(path, 0) + 1
            route = server.routes.get(path)
            if route is None:
                self.send_error(404)
                return
            if route.delay:
                time.sleep(route.delay)  # the misbehaving server, not test synchronisation
            if route.location:
                self.send_response(route.status or 302)
                self.send_header("Location", route.location)
                self.end_headers()
                return
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            if route.declare_length:
                self.send_header("Content-Length", str(len(route.body)))
            if route.etag:
                self.send_header("ETag", route.etag)
            self.end_headers()
            self.wfile.write(route.body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            server.bodies[self.path.split("?")[0]] = self.rfile.read(length)
            self.do_GET()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up on a slow answer: expected here


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    http = _Quiet(("127.0.0.1", 0), _handler(server))
    server.port = http.server_address[1]
    thread = threading.Thread(target=http.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        http.shutdown()
        http.server_close()
