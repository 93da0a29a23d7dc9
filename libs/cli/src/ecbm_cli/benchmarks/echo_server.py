"""Baseline gRPC server: ``python -m ecbm_cli.benchmarks.echo_server PORT WORKERS``.

A bare grpcio server in its own process, with the api's thread pool size and server
options, whose one generic handler returns the request bytes: what any gRPC call costs
on this machine before the platform adds interceptors, validation and a database.
"""

from __future__ import annotations

import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from types import FrameType
from typing import Any

import grpc

SERVICE, METHOD = "ecbm.bench.Echo", "Echo"


def _echo(request: bytes, _context: Any) -> bytes:
    return request


def main(argv: list[str]) -> int:
    port, workers = int(argv[0]), int(argv[1])
    server = grpc.server(
        ThreadPoolExecutor(workers, thread_name_prefix="grpc"),
        options=[("grpc.so_reuseport", 0)],  # as the api's create_server
    )
    handler = grpc.unary_unary_rpc_method_handler(_echo)  # no (de)serialisers: bytes
    server.add_generic_rpc_handlers(
        [grpc.method_handlers_generic_handler(SERVICE, {METHOD: handler})]
    )
    server.add_insecure_port(f"127.0.0.1:{port}")

    def stop(_signum: int, _frame: FrameType | None) -> None:
        server.stop(1)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.start()
    server.wait_for_termination()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
