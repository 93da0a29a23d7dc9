"""The shared rate limiter: token buckets per key, and how a refusal reaches a gRPC caller."""

from __future__ import annotations

import threading

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from hypothesis import given
from hypothesis import strategies as st

from ecbm_runtime.errors import RateLimited
from ecbm_runtime.grpc.status import status_for
from ecbm_runtime.ratelimit import Rate, RateLimiter, client_address

rates = st.builds(
    Rate,
    burst=st.integers(min_value=1, max_value=20),
    per_minute=st.floats(min_value=0.1, max_value=600, allow_nan=False),
)
# Moments in seconds, in any order: clocks are monotonic, callers' ``now`` need not be.
moments = st.lists(st.floats(min_value=0, max_value=3600, allow_nan=False), max_size=200)


@given(rates, moments)
def test_never_allows_more_than_the_burst_plus_what_the_rate_refilled(
    rate: Rate, times: list[float]
) -> None:
    limiter = RateLimiter("test", rate)
    allowed_at = []  # the clock as the limiter saw it (it never goes back) per call allowed
    latest = 0.0
    for t in times:
        latest = max(latest, t)
        if limiter.try_acquire("k", now=t) == 0:
            allowed_at.append(latest)

    # In any window of allowed calls, at most burst + rate x its length got through.
    for start in range(len(allowed_at)):
        for end in range(start, len(allowed_at)):
            span = allowed_at[end] - allowed_at[start]
            assert end - start + 1 <= rate.burst + rate.per_second * span + 1e-6


@given(rates, st.floats(min_value=0, max_value=1000, allow_nan=False))
def test_a_refused_key_is_allowed_again_once_the_wait_it_was_told_has_passed(
    rate: Rate, start: float
) -> None:
    limiter = RateLimiter("test", rate)
    for _ in range(rate.burst):
        assert limiter.try_acquire("k", now=start) == 0

    wait = limiter.try_acquire("k", now=start)

    assert wait > 0
    assert limiter.try_acquire("k", now=start + wait * 0.5) > 0
    assert limiter.try_acquire("k", now=start + wait + 1e-6) == 0


@given(rates)
def test_keys_have_buckets_of_their_own(rate: Rate) -> None:
    limiter = RateLimiter("test", rate)
    for _ in range(rate.burst):
        limiter.try_acquire("a", now=0)

    assert limiter.try_acquire("a", now=0) > 0
    assert limiter.try_acquire("b", now=0) == 0


def test_a_full_bucket_refills_no_higher_than_the_burst() -> None:
    limiter = RateLimiter("test", Rate(burst=2, per_minute=60))
    limiter.try_acquire("k", now=0)

    results = [limiter.try_acquire("k", now=1000) for _ in range(3)]  # a long pause

    assert [r == 0 for r in results] == [True, True, False]


def test_no_more_than_the_burst_passes_from_many_threads_at_once() -> None:
    limiter = RateLimiter("test", Rate(burst=50, per_minute=0.001))
    passed = []
    lock = threading.Lock()

    def hammer() -> None:
        for _ in range(100):
            if limiter.try_acquire("k") == 0:
                with lock:
                    passed.append(1)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(passed) == 50


def test_it_keeps_at_most_max_keys_buckets() -> None:
    limiter = RateLimiter("test", Rate(burst=1, per_minute=1), max_keys=10)
    for n in range(100):
        limiter.try_acquire(f"k{n}", now=0)

    assert len(limiter) == 10


def test_zero_per_minute_means_no_limit() -> None:
    limiter = RateLimiter("test", Rate(burst=1, per_minute=0))

    assert all(limiter.try_acquire("k", now=0) == 0 for _ in range(1000))


def test_check_raises_rate_limited_with_the_wait() -> None:
    limiter = RateLimiter("subscribe per client", Rate(burst=1, per_minute=6))
    limiter.check("k")

    with pytest.raises(RateLimited, match="subscribe per client") as refused:
        limiter.check("k")

    assert 9 < refused.value.retry_after_seconds <= 10


def test_a_refusal_is_resource_exhausted_with_retry_info() -> None:
    status = status_for(RateLimited("too many requests", 2.5), "corr-1")

    assert status.code == grpc.StatusCode.RESOURCE_EXHAUSTED
    proto = rpc_status.from_call(_Call(status))
    assert proto is not None
    [retry] = [d for d in proto.details if d.Is(error_details_pb2.RetryInfo.DESCRIPTOR)]
    info = error_details_pb2.RetryInfo()
    retry.Unpack(info)
    assert info.retry_delay.ToTimedelta().total_seconds() == 2.5


class _Call:
    """What ``rpc_status.from_call`` reads of a call: code, details, trailers."""

    def __init__(self, status: grpc.Status) -> None:
        self._status = status

    def code(self) -> grpc.StatusCode:
        return self._status.code

    def details(self) -> str:
        return self._status.details

    def trailing_metadata(self) -> tuple[tuple[str, bytes | str], ...]:
        return self._status.trailing_metadata


@pytest.mark.parametrize(
    ("peer", "key"),
    [
        ("ipv4:203.0.113.7:50211", "203.0.113.7"),
        ("ipv6:[2001:db8::1]:443", "2001:db8::/64"),
        ("ipv6:%5B2001:db8:0:0:ffff::9%5D:443", "2001:db8::/64"),
        ("ipv6:[::ffff:198.51.100.2]:80", "198.51.100.2"),
        ("unix:/tmp/socket", "unix"),
        ("192.0.2.1", "192.0.2.1"),
        ("2001:db8:1::5", "2001:db8:1::/64"),
        ("testclient", "testclient"),
    ],
)
def test_client_addresses_drop_the_port_and_group_ipv6_by_64(peer: str, key: str) -> None:
    assert client_address(peer) == key
