"""The dataset description written beside the graph (void.ttl): VoID and DCAT, deterministic.

It says what the graph is (void:Dataset and dcat:Dataset with title, licence and the
package and extractor versions), how big (void:triples, void:distinctSubjects,
void:entities, and per document a void:subset with its own triple count), what it was
made from (prov:used per bulletin with its file names and SHA-256) and which files
hold it (dcat:distribution per format). Title, description, licence and the dataset
IRI come from kg/data/dataset.json. No timestamps: the same build gives the same bytes.
"""
from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, VOID, XSD

from . import __version__
from .formats import FORMATS, MEDIA_TYPES, TurtleWriter, nt_triple
from .namespace import EK, EKD, EKI, PREFIXES
from .output import GraphSummary

DESCRIPTION_FILE = "void.ttl"
PREFIXES_OF_DESCRIPTION = {**PREFIXES, "void": VOID, "dcat": DCAT}
_DOC = Namespace(str(EKD) + "doc/")
DCAT_VERSION = URIRef(str(DCAT) + "version")  # DCAT 3; rdflib's DCAT namespace predates it


def dataset_settings() -> dict:
    return json.loads(files("kg").joinpath("data/dataset.json").read_text(encoding="utf-8"))


def description_triples(summary: GraphSummary, extractor_version: str) -> list:
    settings = dataset_settings()
    dataset = URIRef(settings["dataset_iri"])
    count = lambda n: Literal(n, datatype=XSD.integer)  # noqa: E731
    triples = [
        (dataset, RDF.type, VOID.Dataset),
        (dataset, RDF.type, DCAT.Dataset),
        (dataset, DCTERMS.title, Literal(settings["title"], lang="en")),
        (dataset, DCTERMS.description, Literal(settings["description"], lang="en")),
        (dataset, DCTERMS.license, URIRef(settings["license"])),
        (dataset, DCTERMS.publisher, Literal(settings["publisher"])),
        (dataset, DCAT_VERSION, Literal(__version__)),
        (dataset, OWL.versionInfo, Literal(f"envkg {__version__}, extractor {extractor_version}")),
        (dataset, VOID.uriSpace, Literal(str(EKD))),
        (dataset, VOID.vocabulary, URIRef(str(EK._NS))),
        (dataset, VOID.vocabulary, URIRef(str(EKI))),
        (dataset, VOID.triples, count(summary.triples)),
        (dataset, VOID.distinctSubjects, count(summary.subjects)),
        (dataset, VOID.entities, count(summary.entities)),
        (dataset, VOID.documents, count(len(summary.sources))),
    ]
    for fmt in summary.formats:
        distribution = URIRef(f"{dataset}/{fmt}")
        triples += [
            (dataset, DCAT.distribution, distribution),
            (dataset, VOID.dataDump, distribution),
            (distribution, RDF.type, DCAT.Distribution),
            (distribution, DCTERMS.title, Literal(FORMATS[fmt])),
            (distribution, DCAT.mediaType, Literal(MEDIA_TYPES[fmt])),
        ]
    for source in summary.sources:
        doc = URIRef(source.doc_iri[1:-1])
        subset = URIRef(f"{dataset}/doc/{doc[len(_DOC):]}")
        triples += [
            (dataset, PROV.used, doc),
            (doc, RDF.type, DCAT.Distribution),
            (doc, EK.sha256, Literal(source.sha256)),
            *[(doc, EK.fileName, Literal(name)) for name in source.file_names],
            (dataset, VOID.subset, subset),
            (subset, RDF.type, VOID.Dataset),
            (subset, VOID.triples, count(source.triples)),
            (subset, PROV.wasDerivedFrom, doc),
        ]
    return triples


def write_description(folder: Path, summary: GraphSummary, extractor_version: str) -> Path:
    """Write `folder`/void.ttl."""
    path = folder / DESCRIPTION_FILE
    triples = sorted(set(nt_triple(t) for t in description_triples(summary, extractor_version)))
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        writer = TurtleWriter(handle, PREFIXES_OF_DESCRIPTION)
        writer.begin()
        writer.block(triples)
        writer.end()
    return path
