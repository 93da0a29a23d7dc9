"""The api server on a real port: error mapping, auth, health, reflection, metrics, logs."""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import grpc
import pydantic
import pytest
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection, reflection_pb2, reflection_pb2_grpc
from prometheus_client import REGISTRY

from ecbm_runtime import auth, errors
from ecbm_runtime.grpc import CORRELATION_HEADER, ServiceRegistration, create_server
from ecbm_runtime.grpc.server import ApiServer
from ecbm_runtime.observability import configure_logging, correlation_id, flush_logging
from ecbm_runtime.settings import ServiceSettings
from ecbm_runtime.testing import status_detail

SERVICE = "ecbm.test.v1.TestService"
SECRET = "integration-test-signing-key-of-a-decent-length-01234"
POLICY: auth.AccessPolicy = {
    f"/{SERVICE}/Fail": auth.PUBLIC,
    f"/{SERVICE}/Echo": auth.PUBLIC,
    f"/{SERVICE}/Whoami": auth.allow("editor"),
    f"/{SERVICE}/Count": auth.PUBLIC,
    f"/{SERVICE}/Slow": auth.PUBLIC,
    f"/{SERVICE}/Collect": auth.PUBLIC,
}


class StrictProgramme(pydantic.BaseModel):
    title: str = pydantic.Field(min_length=1)
    countries: list[pydantic.constr(min_length=2, max_length=2)]  # type: ignore[valid-type]


def _raise(kind: bytes, context: grpc.ServicerContext) -> bytes:
    failures: dict[bytes, Callable[[], Any]] = {
        b"not_found": lambda: _throw(errors.NotFound("programme p-1 not found")),
        b"exists": lambda: _throw(errors.AlreadyExists("taken", existing_name="programmes/p-1")),
        b"conflict": lambda: _throw(errors.Conflict("changed meanwhile")),
        b"rule": lambda: _throw(errors.RuleViolation("session full")),
        b"denied": lambda: _throw(errors.PermissionDenied("not yours")),
        b"invalid": lambda: _throw(
            errors.InvalidArgument(errors.FieldViolation("countries[0]", "unknown country"))
        ),
        b"validation": lambda: StrictProgramme.model_validate({"title": "", "countries": ["BEL"]}),
        b"boom": lambda: _throw(RuntimeError("password=hunter2 leaked in a bug")),
        b"abort": lambda: context.abort(grpc.StatusCode.OUT_OF_RANGE, "servicer said so"),
    }
    failures[kind]()
    return b"unreachable"


def _throw(exc: Exception) -> None:
    raise exc


class Servicer:
    """A tiny raw-bytes servicer; ``slow_started``/``release`` steer the graceful-stop test."""

    def __init__(self) -> None:
        self.slow_started = threading.Event()
        self.release = threading.Event()

    def handlers(self) -> grpc.GenericRpcHandler:
        return grpc.method_handlers_generic_handler(
            SERVICE,
            {
                "Fail": grpc.unary_unary_rpc_method_handler(_raise),
                "Echo": grpc.unary_unary_rpc_method_handler(lambda r, c: r),
                "Whoami": grpc.unary_unary_rpc_method_handler(self.whoami),
                "Unlisted": grpc.unary_unary_rpc_method_handler(lambda r, c: r),
                "Count": grpc.unary_stream_rpc_method_handler(self.count),
                "Collect": grpc.stream_unary_rpc_method_handler(self.collect),
                "Slow": grpc.unary_unary_rpc_method_handler(self.slow),
            },
        )

    def whoami(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        principal = auth.current_principal()
        assert principal is not None
        return principal.subject.encode()

    def count(self, request: bytes, context: grpc.ServicerContext) -> Iterator[bytes]:
        yield b"1"
        yield b"2"
        if request == b"fail":
            raise errors.NotFound("ran out")
        if request == b"boom":
            raise KeyError("internal detail")

    def collect(self, requests: Iterator[bytes], context: grpc.ServicerContext) -> bytes:
        return b",".join(requests)

    def slow(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        self.slow_started.set()
        assert self.release.wait(10)
        return b"done"


def wait_for(probe: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not probe():
        assert time.monotonic() < deadline, "condition not met before the deadline"
        time.sleep(0.01)  # a poll interval, not synchronisation


class Api:
    def __init__(
        self,
        ready: threading.Event | Callable[[], bool],
        on_stopping: Callable[[], None] = lambda: None,
        log_sample_rate: float = 1.0,
    ) -> None:
        self.servicer = Servicer()
        check = ready.is_set if isinstance(ready, threading.Event) else ready
        registration = ServiceRegistration(
            lambda servicer, server: server.add_generic_rpc_handlers((servicer.handlers(),)),
            self.servicer,
            SERVICE,
        )
        settings = ServiceSettings(
            service_name="test", jwt_secret=SECRET, grpc_port=0,
            access_log_sample_rate=log_sample_rate,
        )  # fmt: skip
        self.server, self.port = create_server(
            settings, registrations=[registration], access_policy=POLICY,
            readiness_check=check, on_stopping=on_stopping,
        )  # fmt: skip
        assert isinstance(self.server, ApiServer)
        self.server.start()
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")

    def unary(self, method: str) -> grpc.UnaryUnaryMultiCallable:
        return self.channel.unary_unary(f"/{SERVICE}/{method}")

    def health(self, service: str = "") -> int:
        stub = health_pb2_grpc.HealthStub(self.channel)
        return int(stub.Check(health_pb2.HealthCheckRequest(service=service)).status)

    def close(self) -> None:
        self.channel.close()
        self.server.stop(None).wait()


@pytest.fixture
def api() -> Iterator[Api]:
    ready = threading.Event()
    ready.set()
    api = Api(ready)
    yield api
    api.close()


def token(*roles: str, ttl: int = 60) -> tuple[tuple[str, str]]:
    issued = auth.issue_token(SECRET, "HS256", "ecbm", "user-7", roles, ttl_seconds=ttl)
    return (("authorization", f"Bearer {issued}"),)


def fail(api: Api, kind: bytes, **kwargs: Any) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as raised:
        api.unary("Fail")(kind, **kwargs)
    return raised.value


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        (b"not_found", grpc.StatusCode.NOT_FOUND),
        (b"exists", grpc.StatusCode.ALREADY_EXISTS),
        (b"conflict", grpc.StatusCode.ABORTED),
        (b"rule", grpc.StatusCode.FAILED_PRECONDITION),
        (b"denied", grpc.StatusCode.PERMISSION_DENIED),
        (b"invalid", grpc.StatusCode.INVALID_ARGUMENT),
        (b"validation", grpc.StatusCode.INVALID_ARGUMENT),
        (b"boom", grpc.StatusCode.INTERNAL),
        (b"abort", grpc.StatusCode.OUT_OF_RANGE),
    ],
)
def test_errors_map_to_status_codes(api: Api, kind: bytes, code: grpc.StatusCode) -> None:
    assert fail(api, kind).code() == code


def test_validation_error_lists_one_field_violation_per_error(api: Api) -> None:
    bad_request = status_detail(fail(api, b"validation"), error_details_pb2.BadRequest)
    assert [v.field for v in bad_request.field_violations] == ["title", "countries[0]"]
    assert "at least 1 character" in bad_request.field_violations[0].description


def test_invalid_argument_carries_its_violations(api: Api) -> None:
    error = fail(api, b"invalid")
    bad_request = status_detail(error, error_details_pb2.BadRequest)
    assert [(v.field, v.description) for v in bad_request.field_violations] == [
        ("countries[0]", "unknown country")
    ]


def test_already_exists_names_the_existing_resource(api: Api) -> None:
    info = status_detail(fail(api, b"exists"), error_details_pb2.ResourceInfo)
    assert info.resource_name == "programmes/p-1"


def test_internal_error_names_only_the_correlation_id(api: Api) -> None:
    error = fail(api, b"boom", metadata=((CORRELATION_HEADER, "corr-boom"),))
    assert error.details() == "internal error; correlation id corr-boom"
    trailing = repr(error.trailing_metadata())
    assert "hunter2" not in trailing and "Traceback" not in trailing


def test_domain_error_message_reaches_the_caller(api: Api) -> None:
    assert fail(api, b"rule").details() == "session full"


def test_stream_error_after_some_messages_is_mapped(api: Api) -> None:
    responses = api.channel.unary_stream(f"/{SERVICE}/Count")(b"fail")
    received = []
    with pytest.raises(grpc.RpcError) as raised:
        received.extend(responses)
    assert received == [b"1", b"2"]
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND


def test_unexpected_stream_error_is_internal(api: Api) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        list(api.channel.unary_stream(f"/{SERVICE}/Count")(b"boom"))
    assert raised.value.code() == grpc.StatusCode.INTERNAL
    assert "internal detail" not in (raised.value.details() or "")


def test_client_stream_reaches_the_servicer(api: Api) -> None:
    collect = api.channel.stream_unary(f"/{SERVICE}/Collect")
    assert collect(iter([b"a", b"b", b"c"])) == b"a,b,c"


def test_public_method_answers_without_token(api: Api) -> None:
    assert api.unary("Echo")(b"hi") == b"hi"


def test_public_method_still_rejects_a_bad_token(api: Api) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        api.unary("Echo")(b"hi", metadata=(("authorization", "Bearer nonsense"),))
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_protected_method_without_token_is_unauthenticated(api: Api) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        api.unary("Whoami")(b"")
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_protected_method_with_wrong_role_is_permission_denied(api: Api) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        api.unary("Whoami")(b"", metadata=token("member"))
    assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_protected_method_sees_the_verified_principal(api: Api) -> None:
    assert api.unary("Whoami")(b"", metadata=token("editor")) == b"user-7"


def test_admin_passes_any_role_check(api: Api) -> None:
    assert api.unary("Whoami")(b"", metadata=token("admin")) == b"user-7"


def test_expired_token_is_unauthenticated(api: Api) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        api.unary("Whoami")(b"", metadata=token("editor", ttl=-5))
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "expired" in (raised.value.details() or "")


def test_method_missing_from_policy_is_denied_even_to_admin(api: Api) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        api.unary("Unlisted")(b"", metadata=token("admin"))
    assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_correlation_id_is_echoed_in_trailing_metadata(api: Api) -> None:
    _, call = api.unary("Echo").with_call(b"x", metadata=((CORRELATION_HEADER, "corr-42"),))
    assert (CORRELATION_HEADER, "corr-42") in call.trailing_metadata()


def test_correlation_id_is_made_up_when_the_caller_sends_none(api: Api) -> None:
    _, call = api.unary("Echo").with_call(b"x")
    sent = dict(call.trailing_metadata())[CORRELATION_HEADER]
    assert len(sent) == 32


def test_handled_counter_records_the_mapped_code(api: Api) -> None:
    labels = {"grpc_type": "UNARY", "grpc_service": SERVICE, "grpc_method": "Fail"}
    before = sample("grpc_server_handled_total", **labels, grpc_code="NOT_FOUND")
    started = sample("grpc_server_started_total", **labels)
    fail(api, b"not_found")
    assert sample("grpc_server_handled_total", **labels, grpc_code="NOT_FOUND") == before + 1
    assert sample("grpc_server_started_total", **labels) == started + 1
    assert sample("grpc_server_handling_seconds_count", **labels) >= 1


def test_stream_metrics_count_messages_and_final_code(api: Api) -> None:
    labels = {"grpc_type": "SERVER_STREAMING", "grpc_service": SERVICE, "grpc_method": "Count"}
    sent = sample("grpc_server_msg_sent_total", **labels)
    failed = sample("grpc_server_handled_total", **labels, grpc_code="NOT_FOUND")
    with pytest.raises(grpc.RpcError):
        list(api.channel.unary_stream(f"/{SERVICE}/Count")(b"fail"))
    assert sample("grpc_server_msg_sent_total", **labels) == sent + 2
    assert sample("grpc_server_handled_total", **labels, grpc_code="NOT_FOUND") == failed + 1


def test_auth_failures_are_counted_with_their_code(api: Api) -> None:
    labels = {"grpc_type": "UNARY", "grpc_service": SERVICE, "grpc_method": "Whoami"}
    before = sample("grpc_server_handled_total", **labels, grpc_code="UNAUTHENTICATED")
    with pytest.raises(grpc.RpcError):
        api.unary("Whoami")(b"")
    assert sample("grpc_server_handled_total", **labels, grpc_code="UNAUTHENTICATED") == before + 1


def test_reflection_lists_the_services(api: Api) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(api.channel)
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    response = next(iter(stub.ServerReflectionInfo(iter([request]))))
    names = {s.name for s in response.list_services_response.service}
    assert {SERVICE, "grpc.health.v1.Health", reflection.SERVICE_NAME} <= names


def test_health_is_not_serving_until_ready() -> None:
    ready = threading.Event()
    api = Api(ready)
    try:
        not_serving = health_pb2.HealthCheckResponse.NOT_SERVING
        assert api.health() == api.health(SERVICE) == not_serving
        ready.set()
        wait_for(lambda: api.health() == health_pb2.HealthCheckResponse.SERVING)
        assert api.health(SERVICE) == health_pb2.HealthCheckResponse.SERVING
    finally:
        api.close()


def test_health_turns_serving_after_a_failing_readiness_check_recovers() -> None:
    attempts: list[int] = []

    def check() -> bool:
        attempts.append(1)
        if len(attempts) < 3:
            raise ConnectionError("database not up yet")
        return True

    api = Api(check)
    try:
        wait_for(lambda: api.health() == health_pb2.HealthCheckResponse.SERVING)
        assert len(attempts) == 3
    finally:
        api.close()


def test_health_follows_the_database_after_serving_once() -> None:
    ready = threading.Event()
    ready.set()
    api = Api(ready)
    serving, not_serving = (health_pb2.HealthCheckResponse.SERVING,
                            health_pb2.HealthCheckResponse.NOT_SERVING)  # fmt: skip
    try:
        wait_for(lambda: api.health() == serving)
        ready.clear()  # the database is lost
        wait_for(lambda: api.health() == api.health(SERVICE) == not_serving)
        ready.set()
        wait_for(lambda: api.health() == api.health(SERVICE) == serving)
    finally:
        api.close()


def test_graceful_stop_turns_health_off_and_lets_an_in_flight_call_finish(api: Api) -> None:
    future = api.unary("Slow").future(b"")
    assert api.servicer.slow_started.wait(10)
    stopped = api.server.stop(grace=10)
    status = api.server.health.Check(health_pb2.HealthCheckRequest(service=""), None).status
    assert status == health_pb2.HealthCheckResponse.NOT_SERVING
    api.servicer.release.set()
    assert future.result(timeout=10) == b"done"
    assert stopped.wait(10)


def test_stopping_ends_long_calls_through_the_hook_before_the_grace_period() -> None:
    """The hook runs once health is NOT_SERVING and can end what would hold the grace period."""
    seen: list[int] = []

    def end_long_calls() -> None:
        seen.append(api.server.health.Check(health_pb2.HealthCheckRequest(), None).status)
        api.servicer.release.set()

    api = Api(lambda: True, on_stopping=end_long_calls)
    future = api.unary("Slow").future(b"")
    assert api.servicer.slow_started.wait(10)

    stopped = api.server.stop(grace=30)

    assert seen == [health_pb2.HealthCheckResponse.NOT_SERVING]
    assert future.result(timeout=10) == b"done"
    assert stopped.wait(10)  # long before the 30 s grace period
    api.channel.close()


def test_each_call_logs_one_json_line_with_its_correlation_id(api: Api) -> None:
    root, stream = logging.getLogger(), io.StringIO()
    handlers, level = list(root.handlers), root.level
    configure_logging("test", "api", "INFO", stream=stream)
    try:
        fail(api, b"not_found", metadata=((CORRELATION_HEADER, "corr-log"),))
        flush_logging()
    finally:
        root.handlers[:], root.level = handlers, level
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    line = next(x for x in lines if x.get("correlation_id") == "corr-log")
    assert line["grpc_method"] == "Fail" and line["grpc_code"] == "NOT_FOUND"
    assert line["service"] == "test" and line["process"] == "api"
    assert line["duration_ms"] >= 0
    assert correlation_id.get() is None


def logged_lines(calls: Callable[[], None]) -> list[dict[str, Any]]:
    """The JSON log lines written while ``calls`` runs."""
    root, stream = logging.getLogger(), io.StringIO()
    handlers, level = list(root.handlers), root.level
    configure_logging("test", "api", "INFO", stream=stream)
    try:
        calls()
        flush_logging()
    finally:
        root.handlers[:], root.level = handlers, level
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.parametrize("rate", [0.0, 0.25])
def test_a_sampled_access_log_still_logs_every_failed_call(rate: float) -> None:
    api = Api(lambda: True, log_sample_rate=rate)
    echo, calls = api.unary("Echo"), 400

    def call_both() -> None:
        for n in range(calls):
            echo(b"x", metadata=((CORRELATION_HEADER, f"ok-{n}"),))
            fail(api, b"not_found", metadata=((CORRELATION_HEADER, f"failed-{n}"),))

    try:
        lines = logged_lines(call_both)
    finally:
        api.close()
    ids = [line.get("correlation_id", "") for line in lines if "grpc_code" in line]
    assert sum(1 for i in ids if i.startswith("failed-")) == calls
    successes = sum(1 for i in ids if i.startswith("ok-"))
    if rate == 0.0:
        assert successes == 0
    else:  # 100 expected; outside 40..160 has odds below 1e-9
        assert 40 <= successes <= 160
