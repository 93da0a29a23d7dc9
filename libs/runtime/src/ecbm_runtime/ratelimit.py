"""Rate limits for public endpoints that cost work or send mail: a token bucket per key.

One limiter per kind of key (client address, e-mail address, ...), in process and
thread-safe: grpcio servicers and Starlette's thread pool call it concurrently. A refused
call raises `RateLimited`, which the gRPC interceptor turns into RESOURCE_EXHAUSTED with a
``google.rpc.RetryInfo`` detail, and notify's HTTP server into 429 with ``Retry-After``.

Limits are per process: with N api processes a client gets up to N times the rate. They
slow abuse (mail relaying, guessing) down; they are no quota.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import unquote

from pydantic import BaseModel, ConfigDict, Field

from ecbm_runtime.errors import RateLimited

__all__ = ["Rate", "RateLimited", "RateLimiter", "client_address", "peer_address"]

DEFAULT_MAX_KEYS = 100_000


class Rate(BaseModel):
    """``burst`` calls at once, then ``per_minute`` calls a minute (0 per minute: no limit).

    A settings field of this type reads from the environment as JSON, e.g.
    ``ECBM_NOTIFY_SUBSCRIBE_PER_CLIENT='{"burst": 5, "per_minute": 2}'``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    burst: int = Field(ge=1)
    per_minute: float = Field(ge=0)

    @property
    def unlimited(self) -> bool:
        return self.per_minute == 0

    @property
    def per_second(self) -> float:
        return self.per_minute / 60.0


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets by key: each key holds up to ``burst`` tokens, refilled continuously at
    ``per_minute``; a call takes one token or is refused.

    At most ``max_keys`` buckets are kept: full ones are dropped first (they are what a new
    bucket would be), then the least recently used (a key forgotten so starts full again).
    """

    def __init__(
        self,
        name: str,
        rate: Rate,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = DEFAULT_MAX_KEYS,
    ) -> None:
        self.name = name
        self.rate = rate
        self._clock = clock
        self._max_keys = max(1, max_keys)
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def try_acquire(self, key: str, now: float | None = None) -> float:
        """Take a token for ``key``: 0.0 when allowed, else the seconds until one is free.

        ``now`` (the clock's by default) earlier than the key's last call counts as that
        moment: time going backwards never refills.
        """
        if self.rate.unlimited:
            return 0.0
        with self._lock:
            moment = self._clock() if now is None else now
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = _Bucket(float(self.rate.burst), moment)
                self._buckets[key] = bucket
                self._evict(moment)
            else:
                self._buckets.move_to_end(key)
                self._refill(bucket, moment)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate.per_second

    def check(self, key: str) -> None:
        """Take a token for ``key`` or raise `RateLimited` saying when to retry."""
        wait = self.try_acquire(key)
        if wait > 0:
            raise RateLimited(f"too many requests ({self.name}); retry later", wait)

    def _refill(self, bucket: _Bucket, moment: float) -> None:
        if moment > bucket.updated:
            earned = (moment - bucket.updated) * self.rate.per_second
            bucket.tokens = min(float(self.rate.burst), bucket.tokens + earned)
            bucket.updated = moment

    def _evict(self, moment: float) -> None:
        if len(self._buckets) <= self._max_keys:
            return
        for key, bucket in list(self._buckets.items()):
            self._refill(bucket, moment)
            if bucket.tokens >= self.rate.burst:
                del self._buckets[key]
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._buckets)


class _HasPeer(Protocol):
    def peer(self) -> str: ...


def peer_address(context: _HasPeer) -> str:
    """The gRPC caller's address as a rate-limit key (see `client_address`)."""
    return client_address(context.peer())


def client_address(peer: str) -> str:
    """A client's network address without its port, for use as a key.

    Takes grpcio's peer strings (``ipv4:1.2.3.4:5678``, ``ipv6:%5B::1%5D:5678``,
    ``unix:/path``) and bare hosts (Starlette's ``request.client.host``). An IPv6 address
    stands for its /64: one host commonly holds a whole /64, and would otherwise get a
    fresh bucket per address.
    """
    kind, separator, rest = peer.partition(":")
    if separator and kind in ("ipv4", "ipv6"):
        host = unquote(rest).rpartition(":")[0].strip("[]")
    elif separator and kind == "unix":
        return "unix"
    else:
        host = peer.strip("[]")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped
        if mapped is not None:
            return str(mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)
