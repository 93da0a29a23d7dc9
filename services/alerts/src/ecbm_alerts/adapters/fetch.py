"""Fetching a source over HTTP, safely: conditional GET, time and size limits, redirects
followed by hand (each hop checked), and no private or loopback addresses outside
development (server-side request forgery).

The host is resolved once per hop, every address checked, and the connection made to a
checked address (with the host name for TLS and the Host header), so a DNS answer that
changes between the check and the connection (rebinding) cannot reach an inner address.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import urllib3

USER_AGENT = "ecbm-alerts/1.0 (+https://ecbm.eu)"


class FetchFailed(Exception):
    """The source could not be read; the message says why (it becomes the source's error)."""


class AddressRefused(FetchFailed):
    """The URL points at a private, loopback or otherwise inner address."""


@dataclass(frozen=True)
class FetchLimits:
    timeout_seconds: float = 10.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    allow_private: bool = False  # development mode only
    # (address, port) pairs allowed although private: tests' local servers.
    allowed: frozenset[tuple[str, int]] = frozenset()


@dataclass(frozen=True)
class Fetched:
    status: int  # 200, or 304 (not modified: body empty)
    body: bytes
    etag: str
    last_modified: str
    url: str  # after redirects
    content_type: str

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def refused_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def check_url(url: str, limits: FetchLimits) -> tuple[str, int, str]:
    """(scheme, port, address to connect to) of an allowed http(s) URL; FetchFailed if not."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:  # a bad port or an unclosed IPv6 bracket
        raise FetchFailed(f"not a valid URL: {error}") from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchFailed(f"not an http(s) URL: {url!r}")
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchFailed(f"cannot resolve {parts.hostname!r}: {error}") from error
    addresses = [str(info[4][0]) for info in infos]
    if not limits.allow_private and any(
        refused_address(a) and (a, port) not in limits.allowed for a in addresses
    ):
        raise AddressRefused(f"{parts.hostname!r} resolves to a private or loopback address")
    return parts.scheme, port, addresses[0]


class HttpFetcher:
    """One urllib3 pool manager for the process; connections pinned to checked addresses."""

    def __init__(self, limits: FetchLimits) -> None:
        self.limits = limits

    def fetch(
        self,
        url: str,
        etag: str = "",
        last_modified: str = "",
        post_json: dict[str, Any] | None = None,
    ) -> Fetched:
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        body = json.dumps(post_json).encode() if post_json is not None else None
        if body is not None:
            headers["Content-Type"] = "application/json"
        for _ in range(self.limits.max_redirects + 1):
            response = self._one(url, headers, body)
            location = response.headers.get("Location")
            if response.status in (301, 302, 303, 307, 308) and location:
                response.release_conn()
                url = urljoin(url, location)
                continue
            return self._read(url, response)
        raise FetchFailed(f"more than {self.limits.max_redirects} redirects")

    def _one(self, url: str, headers: dict[str, str], body: bytes | None) -> Any:
        scheme, port, address = check_url(url, self.limits)
        parts = urlsplit(url)
        host = parts.hostname or ""
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        # total bounds the whole exchange: a feed that trickles bytes cannot hold us longer.
        timeout = urllib3.Timeout(total=self.limits.timeout_seconds)
        pool: urllib3.HTTPConnectionPool
        if scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                address, port, server_hostname=host, assert_hostname=host, timeout=timeout
            )
        else:
            pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout)
        try:
            return pool.urlopen(
                "POST" if body is not None else "GET",
                path,
                body=body,
                headers={**headers, "Host": parts.netloc},
                redirect=False,
                retries=False,
                preload_content=False,
            )
        except urllib3.exceptions.HTTPError as error:
            raise FetchFailed(f"{type(error).__name__}: {error}") from error

    def _read(self, url: str, response: Any) -> Fetched:
        try:
            if response.status == 304:
                return Fetched(304, b"", response.headers.get("ETag", ""),
                               response.headers.get("Last-Modified", ""), url, "")  # fmt: skip
            if response.status != 200:
                raise FetchFailed(f"HTTP {response.status}")
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > self.limits.max_bytes:
                raise FetchFailed(f"document larger than {self.limits.max_bytes} bytes")
            body = response.read(self.limits.max_bytes + 1)
            if len(body) > self.limits.max_bytes:
                raise FetchFailed(f"document larger than {self.limits.max_bytes} bytes")
            return Fetched(
                200,
                body,
                response.headers.get("ETag", ""),
                response.headers.get("Last-Modified", ""),
                url,
                response.headers.get("Content-Type", ""),
            )
        except urllib3.exceptions.HTTPError as error:
            raise FetchFailed(f"{type(error).__name__}: {error}") from error
        finally:
            response.release_conn()
