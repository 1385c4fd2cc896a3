"""The vocabularies of the envkg graph: the checked ontology namespace EK and the others.

`EK` has one attribute per class, property and individual declared in
ontology/envkg.ttl; a term that is not declared raises AttributeError instead of
minting a new IRI (tests/test_ontology.py keeps the two in step). `bind_prefixes`
binds the prefixes the graph uses, as listed in docs/graph-model.md.
"""
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    SOSA,
    XSD,
    DefinedNamespace,
    Namespace,
)

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY_TTL = ONTOLOGY_DIR / "envkg.ttl"
INDICATORS_TTL = ONTOLOGY_DIR / "indicators.ttl"

EKI = Namespace("https://w3id.org/envkg/indicator/")
EKD = Namespace("https://w3id.org/envkg/id/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
QUDT = Namespace("http://qudt.org/schema/qudt/")
QUDT_UNIT = Namespace("http://qudt.org/vocab/unit/")
ORG = Namespace("http://www.w3.org/ns/org#")

INDICATOR_SCHEME = URIRef(str(EKI))


class EK(DefinedNamespace):
    """envkg ontology terms (https://w3id.org/envkg/ontology#)."""

    _NS = Namespace("https://w3id.org/envkg/ontology#")
    _fail = True

    # classes
    Bulletin: URIRef
    Sentence: URIRef
    Area: URIRef
    Organisation: URIRef
    NamedRecipient: URIRef
    Award: URIRef
    PlanDocument: URIRef
    Indicator: URIRef
    Fact: URIRef
    Observation: URIRef
    Target: URIRef
    AwardFact: URIRef
    PlanFact: URIRef

    # bulletins
    fileName: URIRef
    sha256: URIRef
    aboutArea: URIRef
    reportYear: URIRef
    planYear: URIRef
    issuedBy: URIRef
    targets: URIRef

    # areas, organisations, awards
    adminCode: URIRef
    adminLevel: URIRef
    partOf: URIRef
    basedIn: URIRef
    awardLevel: URIRef
    observed: URIRef
    achieved: URIRef
    issued: URIRef

    # every fact
    statedIn: URIRef
    evidence: URIRef
    year: URIRef
    extractedBy: URIRef

    # observations and targets
    area: URIRef
    indicator: URIRef
    value: URIRef
    unit: URIRef
    unitCode: URIRef
    of: URIRef
    scope: URIRef
    changeValue: URIRef
    changeUnit: URIRef
    direction: URIRef
    comparator: URIRef

    # award facts and plan facts
    recipient: URIRef
    award: URIRef
    count: URIRef
    plan: URIRef
    issuer: URIRef
    action: URIRef

    # units QUDT lacks
    TenKiloTonnePerYear: URIRef
    PercentagePoint: URIRef


PREFIXES = {
    "ek": EK._NS,
    "eki": EKI,
    "ekd": EKD,
    "nif": NIF,
    "prov": PROV,
    "skos": SKOS,
    "sosa": SOSA,
    "qudt": QUDT,
    "unit": QUDT_UNIT,
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "org": ORG,
    "xsd": XSD,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the envkg prefixes on `graph` (replacing clashing bindings) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
