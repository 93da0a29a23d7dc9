"""Every method of every service, called by every role: the outcome matches its proto's table.

The declarations (``option (ecbm.access.v1.access)``) are the one statement of who may call
what; this walks each service's api as `ecbm up` serves it and proves the interceptor
enforces exactly them. A denied call is UNAUTHENTICATED (no token) or PERMISSION_DENIED
with reason ROLE_REQUIRED; an admitted call may fail for its own reasons (an empty request
is rarely valid) but never on the role, and never with UNKNOWN or INTERNAL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.message_factory import GetMessageClass
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from served_api import served_api

from ecbm_runtime import auth
from ecbm_runtime.grpc.access import declared_access, method_path
from ecbm_runtime.service import load_services
from ecbm_runtime.testing import bearer

CALLERS: dict[str, tuple[tuple[str, str], ...]] = {
    "anonymous": (),
    **{role: bearer(role, subject=f"matrix-{role}") for role in sorted(auth.ROLES)},
}
STREAM_SECONDS = 1.5  # an admitted stream may wait for news; its deadline ends the call


def _admitted(access: auth.Access, caller: str) -> bool:
    if access is auth.PUBLIC:
        return True
    return caller != "anonymous" and (caller == auth.ADMIN or caller in access)


def _reason(error: grpc.RpcError) -> str:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    for packed in status.details if status else ():
        if packed.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            packed.Unpack(info)
            return info.reason
    return ""


def _call(channel: grpc.Channel, method: MethodDescriptor, metadata: Any) -> grpc.StatusCode:
    request = GetMessageClass(method.input_type)()
    response_type = GetMessageClass(method.output_type)
    path = method_path(method)
    kwargs = {
        "request_serializer": type(request).SerializeToString,
        "response_deserializer": response_type.FromString,
    }
    try:
        if method.client_streaming and method.server_streaming:
            responses = channel.stream_stream(path, **kwargs)(iter(()), metadata=metadata,
                                                             timeout=STREAM_SECONDS)  # fmt: skip
            list(responses)
        elif method.client_streaming:
            channel.stream_unary(path, **kwargs)(iter(()), metadata=metadata, timeout=10)
        elif method.server_streaming:
            responses = channel.unary_stream(path, **kwargs)(request, metadata=metadata,
                                                            timeout=STREAM_SECONDS)  # fmt: skip
            next(iter(responses), None)
            responses.cancel()
        else:
            channel.unary_unary(path, **kwargs)(request, metadata=metadata, timeout=10)
    except grpc.RpcError as error:
        code: grpc.StatusCode = error.code()  # type: ignore[attr-defined]
        if code is grpc.StatusCode.PERMISSION_DENIED and _reason(error) == "ROLE_REQUIRED":
            return code  # the policy's refusal, told apart from an object check's
        if code is grpc.StatusCode.PERMISSION_DENIED:
            return grpc.StatusCode.OK  # admitted by the policy, refused by the use case
        return code
    return grpc.StatusCode.OK


@pytest.fixture(params=sorted(load_services()))
def served(request: pytest.FixtureRequest, tmp_path: Path, isolated_amqp_url: str) -> Iterator[
    tuple[grpc.Channel, list[MethodDescriptor]]
]:  # fmt: skip
    with served_api(request.param, tmp_path, isolated_amqp_url) as api:
        yield api


def test_every_method_admits_exactly_the_declared_roles(
    served: tuple[grpc.Channel, list[MethodDescriptor]],
) -> None:
    channel, methods = served
    wrong: list[str] = []
    for method in methods:
        access = declared_access(method)
        for caller, metadata in CALLERS.items():
            code = _call(channel, method, metadata)
            if code in (grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL):
                wrong.append(f"{method.full_name} as {caller}: {code.name}")
            elif not _admitted(access, caller):
                expected = (
                    grpc.StatusCode.UNAUTHENTICATED
                    if caller == "anonymous"
                    else grpc.StatusCode.PERMISSION_DENIED
                )
                if code is not expected:
                    wrong.append(
                        f"{method.full_name} as {caller}: {code.name}, not {expected.name}"
                    )
            elif code in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED):
                wrong.append(f"{method.full_name} as {caller}: refused on the role")
    assert wrong == []
