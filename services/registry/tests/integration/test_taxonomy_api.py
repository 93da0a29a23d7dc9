"""The taxonomy over gRPC: public, in the caller's language."""

from __future__ import annotations

import grpc
import pytest

from ecbm.registry.v1 import taxonomy_pb2 as pb
from ecbm.registry.v1 import taxonomy_pb2_grpc


def test_vocabularies_are_listed_in_the_requested_language(registry_channel: grpc.Channel) -> None:
    stub = taxonomy_pb2_grpc.TaxonomyServiceStub(registry_channel)

    reply = stub.ListVocabularies(pb.ListVocabulariesRequest(language="fr"))

    names = [v.name for v in reply.vocabularies]
    assert "vocabularies/target-groups" in names
    groups = next(v for v in reply.vocabularies if v.name == "vocabularies/target-groups")
    youth = next(t for t in groups.terms if t.id == "youth")
    assert youth.label == "Jeunes"
    assert youth.labels["nl"] == "Jongeren"


def test_an_unknown_vocabulary_is_not_found(registry_channel: grpc.Channel) -> None:
    stub = taxonomy_pb2_grpc.TaxonomyServiceStub(registry_channel)

    with pytest.raises(grpc.RpcError) as caught:
        stub.GetVocabulary(pb.GetVocabularyRequest(name="vocabularies/pirates"))

    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_an_unsupported_language_is_invalid_argument(registry_channel: grpc.Channel) -> None:
    stub = taxonomy_pb2_grpc.TaxonomyServiceStub(registry_channel)

    with pytest.raises(grpc.RpcError) as caught:
        stub.ListVocabularies(pb.ListVocabulariesRequest(language="xx"))

    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
