"""Public methods are rate-limited per client address, as their protos declare."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
from google.rpc import error_details_pb2

from ecbm.registry.v1 import directory_pb2, directory_pb2_grpc, taxonomy_pb2, taxonomy_pb2_grpc
from ecbm_registry.bootstrap import SERVICE
from ecbm_runtime.migrations import upgrade
from ecbm_runtime.testing import api_in_process, bearer, status_detail

# SearchProgrammes declares a burst of 30 a client: a tenth leaves 3.
SCALE = 0.1


@pytest.fixture
def channel(database_url: str, amqp_url: str) -> Iterator[grpc.Channel]:
    upgrade(SERVICE.migrations, database_url)
    settings = SERVICE.load_settings(
        database_url=database_url, amqp_url=amqp_url, grpc_port=0, grpc_rate_limit_scale=SCALE
    )
    with api_in_process(SERVICE, settings) as (channel, _server, _wiring):
        yield channel


def test_a_client_over_a_public_methods_rate_is_told_when_to_retry(
    channel: grpc.Channel,
) -> None:
    search = directory_pb2_grpc.DirectoryServiceStub(channel).SearchProgrammes
    request = directory_pb2.SearchProgrammesRequest(query="mentoring")

    answered = [search(request) for _ in range(3)]
    with pytest.raises(grpc.RpcError) as caught:
        search(request)

    assert len(answered) == 3
    assert caught.value.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
    retry = status_detail(caught.value, error_details_pb2.RetryInfo).retry_delay
    assert 0 < retry.seconds + retry.nanos / 1e9 <= 60
    # Each method has its own bucket, and a token does not lift the limit.
    vocabularies = taxonomy_pb2_grpc.TaxonomyServiceStub(channel).ListVocabularies
    assert vocabularies(taxonomy_pb2.ListVocabulariesRequest(), metadata=bearer("editor"))
    with pytest.raises(grpc.RpcError) as again:
        search(request, metadata=bearer("editor"))
    assert again.value.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
