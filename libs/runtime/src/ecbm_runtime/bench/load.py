"""Closed-loop load: N threads, each with its own connection, calling as fast as answers come.

The same driver runs the system under test and its baseline, so a ratio of the two
measures the system, not a difference between two clients.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc

Call = Callable[[], object]
CallerFactory = Callable[[], AbstractContextManager[Call]]

CALL_TIMEOUT_SECONDS = 10.0
MAX_ERROR_FRACTION = 0.01
ECHO_METHOD = "/ecbm.bench.Echo/Echo"


@dataclass
class LoadResult:
    """Calls completed in the measured window (warm-up excluded)."""

    calls: int
    errors: int
    seconds: float
    threads: int
    latencies_ms: list[float] = field(repr=False, default_factory=list)

    @property
    def per_second(self) -> float:
        return self.calls / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "per_second": round(self.per_second, 1),
            "calls": self.calls,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
            "threads": self.threads,
            "latency_p50_ms": round(percentile(self.latencies_ms, 50), 3),
            "latency_p99_ms": round(percentile(self.latencies_ms, 99), 3),
        }


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (an observed value, no interpolation); 0.0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-len(ordered) * pct // 100)))
    return float(ordered[int(rank) - 1])


def timed(call: Any, arguments: list[Any], warmup: int, budget: float) -> dict[str, Any]:
    """Latency of ``call(*args)`` for each of ``arguments``, after ``warmup`` unmeasured calls.

    Stops early, with the samples taken, once ``budget`` seconds are spent.
    """
    deadline = time.monotonic() + budget
    for args in arguments[:warmup]:
        call(*args)
    samples: list[float] = []
    for args in arguments:
        started = time.perf_counter()
        call(*args)
        samples.append((time.perf_counter() - started) * 1000)
        if time.monotonic() > deadline:
            break
    return {
        "samples": len(samples),
        **{f"p{p}_ms": round(percentile(samples, p), 3) for p in (50, 95, 99)},
        "max_ms": round(max(samples), 3),
    }


@dataclass
class _Worker:
    calls: int = 0
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    first_error: BaseException | None = None


def drive(factory: CallerFactory, threads: int, warmup: float, duration: float) -> LoadResult:
    """Run ``threads`` closed loops for ``warmup`` + ``duration`` seconds; count the last part.

    Each thread opens its own caller (channel, connection) before the clock starts.
    """
    workers = [_Worker() for _ in range(threads)]
    ready = threading.Barrier(threads + 1, timeout=60)
    window: list[float] = []  # [measure_from, measure_until], set once every thread is ready

    def loop(worker: _Worker) -> None:
        with factory() as call:
            ready.wait()
            ready.wait()  # the main thread sets the window between the two barriers
            start, end = window
            while (now := time.perf_counter()) < end:
                try:
                    call()
                except Exception as error:
                    if now >= start:
                        worker.errors += 1
                        worker.first_error = worker.first_error or error
                    continue
                if now >= start:
                    worker.calls += 1
                    worker.latencies_ms.append((time.perf_counter() - now) * 1000)

    pool = [threading.Thread(target=loop, args=(w,), daemon=True) for w in workers]
    for thread in pool:
        thread.start()
    ready.wait()
    start = time.perf_counter() + warmup
    window.extend((start, start + duration))
    ready.wait()
    for thread in pool:
        thread.join(warmup + duration + CALL_TIMEOUT_SECONDS + 30)
    result = LoadResult(
        calls=sum(w.calls for w in workers),
        errors=sum(w.errors for w in workers),
        seconds=duration,
        threads=threads,
        latencies_ms=[ms for w in workers for ms in w.latencies_ms],
    )
    _check_errors(result, next((w.first_error for w in workers if w.first_error), None))
    return result


def _check_errors(result: LoadResult, first: BaseException | None) -> None:
    """A rate that includes failures measures nothing: fail loudly instead."""
    total = result.calls + result.errors
    if total == 0 or result.errors > MAX_ERROR_FRACTION * total:
        raise RuntimeError(f"{result.errors} of {total} calls failed; first error: {first!r}")


def grpc_caller(
    target: str,
    method: str,
    request: bytes | Callable[[], bytes],
    metadata: tuple[tuple[str, str], ...] = (),
) -> CallerFactory:
    """One channel (and TCP connection) per thread; raw bytes in and out.

    No (de)serialiser on either side, so the echo baseline and the real API cost the
    client exactly the same per call. ``request`` may build fresh bytes per call (commands
    carry a new request_id each time).
    """
    make = request if callable(request) else (lambda: request)

    @contextmanager
    def open_caller() -> Iterator[Call]:
        # A local subchannel pool: without it every channel to one target shares one socket.
        channel = grpc.insecure_channel(target, options=[("grpc.use_local_subchannel_pool", 1)])
        try:
            rpc = channel.unary_unary(method, None, None)  # bytes in, bytes out
            yield lambda: rpc(make(), timeout=CALL_TIMEOUT_SECONDS, metadata=metadata)
        finally:
            channel.close()

    return open_caller


def insert_caller(conninfo: str, table: str, payload: str) -> CallerFactory:
    """One psycopg connection per thread, autocommit off: INSERT one row, COMMIT."""
    import psycopg

    statement = f"INSERT INTO {table} (payload, created_at) VALUES (%s, now())"

    @contextmanager
    def open_caller() -> Iterator[Call]:
        connection = psycopg.connect(conninfo, autocommit=False)
        try:

            def call() -> None:
                connection.execute(statement, (payload,))
                connection.commit()

            yield call
        finally:
            connection.close()

    return open_caller
