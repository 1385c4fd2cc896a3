"""One document's build outcome as plain text triples: what workers return and the cache keeps.

A `DocumentRecord` holds a document's own triples and the shared triples it mentions as
sorted N-Triples term text (kg.formats), plus the counts the build report needs. It is
small, picklable and independent of the file's name, so the same content under any name
reuses it. `Failure` is a document the extractor refused (no area, no year), with why.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib.namespace import RDF

from .facts import Extraction
from .formats import TextTriple, nt_term, nt_triple
from .gazetteer import Gazetteer
from .graph import doc_iri, document_graph

_RDF_TYPE = nt_term(RDF.type)


@dataclass(frozen=True)
class DocumentRecord:
    sha256: str
    doc_iri: str                     # N-Triples text, e.g. "<https://w3id.org/envkg/id/doc/…>"
    own: tuple[TextTriple, ...]      # sorted
    shared: tuple[TextTriple, ...]   # sorted
    sentences: int
    facts: dict[str, int]            # fact kind → count

    @property
    def subjects(self) -> set[str]:
        return {s for s, _, _ in self.own}

    @property
    def typed_subjects(self) -> set[str]:
        return {s for s, p, _ in self.own if p == _RDF_TYPE}


@dataclass(frozen=True)
class Failure:
    reason: str


def make_record(extraction: Extraction, gazetteer: Gazetteer) -> DocumentRecord:
    graph = document_graph(extraction, gazetteer)
    return DocumentRecord(
        sha256=extraction.sha256,
        doc_iri=nt_term(doc_iri(extraction.sha256)),
        own=tuple(sorted(nt_triple(t) for t in graph.own)),
        shared=tuple(sorted(nt_triple(t) for t in graph.shared)),
        sentences=len(extraction.sentences),
        facts=dict(Counter(fact.kind for fact in extraction.facts)),
    )
