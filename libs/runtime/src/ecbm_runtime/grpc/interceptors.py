"""The one server interceptor: correlation ids and logging, metrics, auth, error mapping.

One interceptor rather than four stacked ones: each layer would re-wrap the handler on
every call, and the metrics must see the code the error mapping produced. The layers are
small functions and one `_Call` scope; the wrapped handler is built once per method.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import Token
from types import TracebackType
from typing import TYPE_CHECKING, Any

import grpc
from prometheus_client import Counter

from ecbm_runtime import auth, errors, metrics
from ecbm_runtime.grpc.status import CORRELATION_HEADER, status_for
from ecbm_runtime.observability import (
    call_deadline,
    causation_id,
    correlation_id,
    new_correlation_id,
)
from ecbm_runtime.ratelimit import Rate, RateLimiter, peer_address

if TYPE_CHECKING:
    Handler = grpc.RpcMethodHandler[Any, Any]
    _Interceptor = grpc.ServerInterceptor[Any, Any]
else:
    Handler = grpc.RpcMethodHandler
    _Interceptor = grpc.ServerInterceptor

CAUSATION_HEADER = "x-causation-id"
_MAX_ID_LENGTH = 128
_OK = grpc.StatusCode.OK
_log = logging.getLogger("ecbm.grpc")


def read_metadata(metadata: Iterable[tuple[str, Any]]) -> tuple[str, str | None, str | None]:
    """Correlation id (sent, or a new one), causation id and the ``authorization`` value."""
    correlation = causation = authorization = None
    for key, value in metadata:
        if key == CORRELATION_HEADER:
            correlation = value
        elif key == CAUSATION_HEADER:
            causation = value
        elif key == "authorization":
            authorization = value
    # A caller's id lands in every log line: bound it rather than trust it.
    if not correlation or len(correlation) > _MAX_ID_LENGTH:
        correlation = new_correlation_id()
    if causation is not None and len(causation) > _MAX_ID_LENGTH:
        causation = None
    return correlation, causation, authorization


def bearer_token(authorization: str) -> str:
    """The token of an ``authorization: Bearer <token>`` value."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise errors.Unauthenticated("authorization metadata must read 'Bearer <token>'")
    return token.strip()


class _Method:
    """What is resolved once per method: names, access rule, metric children."""

    __slots__ = (
        "_handled", "access", "labels", "limiter", "log_rate", "name", "received", "seconds",
        "sent",
        "started",
    )  # fmt: skip

    def __init__(
        self,
        full_method: str,
        grpc_type: str,
        access: auth.Access | None,
        rate: Rate | None = None,
        log_rate: float = 1.0,
    ) -> None:
        service, _, self.name = full_method.lstrip("/").partition("/")
        self.access, self.log_rate = access, log_rate
        self.limiter = RateLimiter(self.name, rate) if rate is not None else None
        self.labels = (grpc_type, service, self.name)
        self.started = metrics.grpc_server_started.labels(*self.labels)
        self.seconds = metrics.grpc_server_handling_seconds.labels(*self.labels)
        self.received = metrics.grpc_server_msg_received.labels(*self.labels)
        self.sent = metrics.grpc_server_msg_sent.labels(*self.labels)
        self._handled: dict[grpc.StatusCode, Counter] = {}

    def handled(self, code: grpc.StatusCode) -> Counter:
        child = self._handled.get(code)
        if child is None:
            child = metrics.grpc_server_handled.labels(*self.labels, code.name)
            self._handled[code] = child
        return child


class _Call:
    """The scope of one RPC: ids and caller bound, outcome counted, logged and mapped."""

    _tokens: tuple[Token[str | None], Token[str | None], Token[auth.Principal | None] | None]

    __slots__ = ("_authorization", "_context", "_method", "_start", "_tokens", "_verifier", "cid")

    def __init__(
        self, method: _Method, context: grpc.ServicerContext, verifier: auth.TokenVerifier
    ) -> None:
        self._method, self._context, self._verifier = method, context, verifier

    def __enter__(self) -> _Call:
        self._start = time.perf_counter()
        self.cid, causation, self._authorization = read_metadata(
            self._context.invocation_metadata()
        )
        self._tokens = (correlation_id.set(self.cid), causation_id.set(causation), None)
        call_deadline.set(_deadline(self._context))  # overwritten by every call
        self._context.set_trailing_metadata(((CORRELATION_HEADER, self.cid),))
        self._method.started.inc()
        return self

    def authorize(self) -> None:
        """Check the caller's rate, verify the bearer token, if any, and check it against
        the method's access. The rate comes first: refusing a flood costs no signature check."""
        if self._method.limiter is not None:
            self._method.limiter.check(peer_address(self._context))
        access, principal = self._method.access, None
        if access is not None and self._authorization is not None:
            principal = self._verifier.verify(bearer_token(self._authorization))
        auth.authorize(self._method.name, access, principal)
        self._tokens = (*self._tokens[:2], auth.principal_context.set(principal))

    def __exit__(
        self, _: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        status = None
        if exc is None:
            code = _code(self._context) or _OK
        elif not isinstance(exc, Exception):
            code = grpc.StatusCode.CANCELLED  # GeneratorExit: the client went away
        elif _aborted_by_servicer(exc, self._context):
            code = _code(self._context) or grpc.StatusCode.UNKNOWN
        else:
            status = status_for(exc, self.cid)
            code = status.code
        self._finish(code)
        if status is not None:
            self._context.abort_with_status(status)

    def _finish(self, code: grpc.StatusCode) -> None:
        elapsed = time.perf_counter() - self._start
        method = self._method
        method.handled(code).inc()
        method.seconds.observe(elapsed)
        # Every failed call is logged; a successful one with probability ``log_rate``.
        logged = code is not _OK or method.log_rate >= 1.0 or _sampled() < method.log_rate
        if logged and _log.isEnabledFor(logging.INFO):
            _log.info("%s/%s %s", method.labels[1], method.name, code.name, extra={
                "grpc_service": method.labels[1], "grpc_method": method.name,
                "grpc_code": code.name, "duration_ms": round(elapsed * 1000, 3),
            })  # fmt: skip
        correlation_token, causation_token, principal_token = self._tokens
        try:
            if principal_token is not None:
                auth.principal_context.reset(principal_token)
            causation_id.reset(causation_token)
            correlation_id.reset(correlation_token)
        except ValueError:
            pass  # a stream abandoned by its client is closed from another context


def _deadline(context: grpc.ServicerContext) -> float | None:
    """The call's deadline on the monotonic clock; None when the caller set none."""
    remaining = context.time_remaining()
    if remaining is None or remaining > _NO_DEADLINE:
        return None
    return time.monotonic() + remaining


_NO_DEADLINE = 10**8  # seconds: grpc reports "no deadline" as a remaining time far away


_sampled = random.random  # not for security: which successful calls the access log shows


def _aborted_by_servicer(exc: Exception, context: grpc.ServicerContext) -> bool:
    """`context.abort` raises a bare ``Exception()`` after setting the code: pass it on."""
    return type(exc) is Exception and not exc.args and _code(context) not in (None, _OK)


def _code(context: grpc.ServicerContext) -> grpc.StatusCode | None:
    """The code a servicer set, if any (``code()`` exists since grpcio 1.38; stubs lag)."""
    code: grpc.StatusCode | None = context.code()  # type: ignore[attr-defined]
    return code


def _counted(requests: Iterator[Any], counter: Counter) -> Iterator[Any]:
    for request in requests:
        counter.inc()
        yield request


class ApiInterceptor(_Interceptor):
    """Wraps every method of the server once; methods of ``bypass`` services run as they are.

    Health and reflection bypass it: they are public, probes would flood the call log,
    and health's non-blocking ``Watch`` only works unwrapped.
    """

    def __init__(
        self,
        access_policy: auth.AccessPolicy,
        verifier: auth.TokenVerifier,
        bypass: Iterable[str] = (),
        rate_limits: Mapping[str, Rate] | None = None,
        log_sample_rate: float = 1.0,
    ) -> None:
        """``log_sample_rate``: the share of successful calls the access log writes."""
        self._policy, self._verifier = access_policy, verifier
        self._rates = dict(rate_limits or {})
        self._log_rate = log_sample_rate
        self._bypass = frozenset(bypass)
        self._wrapped: dict[str, tuple[Handler, Handler]] = {}

    def intercept_service(
        self, continuation: Callable[[grpc.HandlerCallDetails], Handler | None],
        details: grpc.HandlerCallDetails,
    ) -> Handler | None:  # fmt: skip
        handler = continuation(details)
        if handler is None:
            return None
        cached = self._wrapped.get(details.method)
        if cached is not None and cached[0] is handler:
            return cached[1]
        wrapped = self._wrap(details.method, handler)
        self._wrapped[details.method] = (handler, wrapped)
        return wrapped

    def _wrap(self, full_method: str, handler: Handler) -> Handler:
        service = full_method.lstrip("/").partition("/")[0]
        if service in self._bypass:
            return handler
        kind = _KINDS[(handler.request_streaming, handler.response_streaming)]
        method = _Method(
            full_method,
            kind.grpc_type,
            self._policy.get(full_method),
            self._rates.get(full_method),
            self._log_rate,
        )
        behavior = kind.wrap(self._verifier, method, getattr(handler, kind.attribute))
        return kind.factory(
            behavior,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


Behavior = Callable[[Any, grpc.ServicerContext], Any]


def _unary_unary(verifier: auth.TokenVerifier, method: _Method, inner: Behavior) -> Behavior:
    def behavior(request: Any, context: grpc.ServicerContext) -> Any:
        with _Call(method, context, verifier) as call:
            call.authorize()
            method.received.inc()
            response = inner(request, context)
            method.sent.inc()
            return response

    return behavior


def _unary_stream(verifier: auth.TokenVerifier, method: _Method, inner: Behavior) -> Behavior:
    def behavior(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
        with _Call(method, context, verifier) as call:
            call.authorize()
            method.received.inc()
            for response in inner(request, context):
                method.sent.inc()
                yield response

    return behavior


def _stream_unary(verifier: auth.TokenVerifier, method: _Method, inner: Behavior) -> Behavior:
    def behavior(requests: Iterator[Any], context: grpc.ServicerContext) -> Any:
        with _Call(method, context, verifier) as call:
            call.authorize()
            response = inner(_counted(requests, method.received), context)
            method.sent.inc()
            return response

    return behavior


def _stream_stream(verifier: auth.TokenVerifier, method: _Method, inner: Behavior) -> Behavior:
    def behavior(requests: Iterator[Any], context: grpc.ServicerContext) -> Iterator[Any]:
        with _Call(method, context, verifier) as call:
            call.authorize()
            for response in inner(_counted(requests, method.received), context):
                method.sent.inc()
                yield response

    return behavior


class _Kind:
    """One of the four RPC shapes: its metric label, handler slot, wrapper and factory."""

    def __init__(
        self, grpc_type: str, attribute: str,
        wrap: Callable[[auth.TokenVerifier, _Method, Behavior], Behavior],
        factory: Callable[..., Handler],
    ) -> None:  # fmt: skip
        self.grpc_type, self.attribute = grpc_type, attribute
        self.wrap, self.factory = wrap, factory


_KINDS = {
    (False, False): _Kind(
        "UNARY", "unary_unary", _unary_unary, grpc.unary_unary_rpc_method_handler
    ),
    (False, True): _Kind(
        "SERVER_STREAMING", "unary_stream", _unary_stream, grpc.unary_stream_rpc_method_handler
    ),
    (True, False): _Kind(
        "CLIENT_STREAMING", "stream_unary", _stream_unary, grpc.stream_unary_rpc_method_handler
    ),
    (True, True): _Kind(
        "BIDI_STREAMING", "stream_stream", _stream_stream, grpc.stream_stream_rpc_method_handler
    ),
}
