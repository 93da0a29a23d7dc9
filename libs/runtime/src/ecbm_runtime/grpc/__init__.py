"""gRPC plumbing of the api process: server factory, interceptor, message helpers."""

from ecbm_runtime.grpc.convert import (
    apply_field_mask,
    clamp_page_size,
    decode_page_token,
    encode_page_token,
    message_to_dict,
)
from ecbm_runtime.grpc.interceptors import ApiInterceptor
from ecbm_runtime.grpc.server import (
    ApiServer,
    ServiceRegistration,
    create_server,
    create_server_for,
    serve_forever,
)
from ecbm_runtime.grpc.status import CORRELATION_HEADER, status_for

__all__ = [
    "CORRELATION_HEADER",
    "ApiInterceptor",
    "ApiServer",
    "ServiceRegistration",
    "apply_field_mask",
    "clamp_page_size",
    "create_server",
    "create_server_for",
    "decode_page_token",
    "encode_page_token",
    "message_to_dict",
    "serve_forever",
    "status_for",
]
