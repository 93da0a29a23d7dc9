"""gRPC servicer of the registry's taxonomy: vocabularies in the caller's language."""

from __future__ import annotations

from typing import Any

import grpc

from ecbm.registry.v1 import taxonomy_pb2 as pb
from ecbm.registry.v1 import taxonomy_pb2_grpc
from ecbm_registry.application.taxonomy.queries import GetVocabulary, ListVocabularies
from ecbm_registry.domain.taxonomy import TAXONOMY_VERSION, Vocabulary
from ecbm_runtime.grpc import ServiceRegistration
from ecbm_runtime.grpc.names import resource_id
from ecbm_runtime.messagebus import MessageBus

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["TaxonomyService"].full_name


def registration(bus: MessageBus[Any]) -> ServiceRegistration:
    return ServiceRegistration(
        taxonomy_pb2_grpc.add_TaxonomyServiceServicer_to_server, TaxonomyServicer(bus), SERVICE_NAME
    )


class TaxonomyServicer(taxonomy_pb2_grpc.TaxonomyServiceServicer):
    def __init__(self, bus: MessageBus[Any]) -> None:
        self.bus = bus

    def ListVocabularies(
        self, request: pb.ListVocabulariesRequest, context: grpc.ServicerContext
    ) -> pb.ListVocabulariesResponse:
        query = ListVocabularies.model_validate({"language": request.language or "en"})
        vocabularies = self.bus.handle(query)
        return pb.ListVocabulariesResponse(
            vocabularies=[vocabulary_to_proto(v, query.language) for v in vocabularies],
            version=TAXONOMY_VERSION,
        )

    def GetVocabulary(
        self, request: pb.GetVocabularyRequest, context: grpc.ServicerContext
    ) -> pb.Vocabulary:
        vocabulary_id = resource_id(request.name, "vocabularies", "name")
        query = GetVocabulary.model_validate(
            {"vocabulary_id": vocabulary_id, "language": request.language or "en"}
        )
        return vocabulary_to_proto(self.bus.handle(query), query.language)


def vocabulary_to_proto(vocabulary: Vocabulary, language: str) -> pb.Vocabulary:
    return pb.Vocabulary(
        name=f"vocabularies/{vocabulary.id}",
        display_name=vocabulary.labels.get(language, vocabulary.labels["en"]),
        version=TAXONOMY_VERSION,
        terms=[
            pb.Term(id=term.id, label=term.label(language), labels=dict(term.labels))
            for term in vocabulary.terms
        ],
    )
