"""Facts to RDF triples under the envkg ontology (the shape is documented in docs/graph-model.md).

Nothing here holds the whole graph: each document gives its own triples and the shared
nodes it mentions (`document_graph`); kg.formats writes them out as a stream.

IRIs are stable: areas by GB/T 2260 code, indicators by key, documents by content
hash, facts by a hash of their content and sentence; so rebuilding gives the same graph.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal
from functools import lru_cache
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from .facts import Area, AwardFact, Extraction, Fact, Observation, PlanFact, Recipient, Target
from .gazetteer import Gazetteer
from .namespace import EK, EKD, EKI, INDICATORS_TTL, NIF

SAFE_IRI_CHARS = "-._~"
NAME_STRIP = str.maketrans("", "", " \u3000“”\"'‘’「」『』《》()（）【】[]")


def _name_iri(kind: str, name: str) -> URIRef:
    return EKD[f"{kind}/" + quote(name.translate(NAME_STRIP) or name, safe=SAFE_IRI_CHARS)]


def area_iri(area: Area) -> URIRef:
    return EKD[f"area/{area.code}"]


def doc_iri(sha256: str) -> URIRef:
    return EKD[f"doc/{sha256[:16]}"]


def sentence_iri(sha256: str, start: int, end: int) -> URIRef:
    return EKD[f"doc/{sha256[:16]}/s/{start}-{end}"]


def fact_iri(sha256: str, fact: Fact) -> URIRef:
    content = repr((sha256, fact.kind, _fact_key(fact), fact.evidence.start, fact.evidence.end))
    return EKD["fact/" + hashlib.sha256(content.encode("utf-8")).hexdigest()[:20]]


def _fact_key(fact: Fact) -> tuple:
    if isinstance(fact, Observation):
        return (fact.area.code, fact.indicator, fact.year, repr(fact.value), fact.unit, fact.of, fact.scope,
                getattr(fact, "comparator", ""))
    if isinstance(fact, AwardFact):
        return (fact.recipient.name, fact.award, fact.year, fact.count)
    if isinstance(fact, PlanFact):
        return (fact.title, fact.year, fact.action)
    raise TypeError(f"unknown fact {fact!r}")


@lru_cache(maxsize=1)
def indicator_graph() -> Graph:
    graph = Graph()
    graph.parse(INDICATORS_TTL, format="turtle")
    return graph


@lru_cache(maxsize=1)
def unit_iris() -> dict[str, URIRef]:
    """unitCode → unit IRI, from the indicator vocabulary, plus pp for percentage points."""
    graph = indicator_graph()
    units = {str(code): unit for concept in graph.subjects(RDF.type, EK.Indicator)
             for code in graph.objects(concept, EK.unitCode) for unit in graph.objects(concept, EK.unit)}
    units["pp"] = EK.PercentagePoint
    return units


def _decimal(value: float) -> Literal:
    """An xsd:decimal in the lexical form Turtle writers use: no exponent, always a point (23.0)."""
    number = Decimal(repr(float(value))).normalize() if value != int(value) else Decimal(int(value))
    text = format(number, "f")
    return Literal(text if "." in text else text + ".0", datatype=XSD.decimal)


def _year(year: int) -> Literal:
    return Literal(f"{year:04d}", datatype=XSD.gYear)


Triple = tuple  # (subject, predicate, object) as rdflib terms


class DocumentGraph:
    """The triples of one document, in two parts: its own and the shared nodes it mentions.

    `own` holds what belongs to the document alone (the bulletin node, its sentences and
    facts: every IRI carries the document's hash); `shared` holds areas, organisations,
    named recipients, awards, plans and the browsing edges between them, which many
    documents repeat and the writer emits once. The file name is not here: the same
    content may come under several names (see `file_name_triple`).
    """

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.own: dict[Triple, None] = {}
        self.shared: dict[Triple, None] = {}

    def _own(self, s, p, o) -> None:
        self.own[(s, p, o)] = None

    def _shared(self, s, p, o) -> None:
        self.shared[(s, p, o)] = None

    def add_area(self, area: Area) -> URIRef:
        iri = area_iri(area)
        if (iri, RDF.type, EK.Area) not in self.shared:
            self._shared(iri, RDF.type, EK.Area)
            self._shared(iri, RDFS.label, Literal(area.name, lang="zh"))
            self._shared(iri, EK.adminCode, Literal(area.code))
            self._shared(iri, EK.adminLevel, Literal(area.level))
            parent = self.gazetteer.parent(area)
            if parent is not None:
                self._shared(iri, EK.partOf, self.add_area(parent))
        return iri

    def add_organisation(self, name: str, area: Area | None = None) -> URIRef:
        iri = _name_iri("org", name)
        self._shared(iri, RDF.type, EK.Organisation)
        self._shared(iri, RDFS.label, Literal(name, lang="zh"))
        if area is not None:
            self._shared(iri, EK.basedIn, self.add_area(area))
        return iri

    def add_recipient(self, recipient: Recipient, home: Area | None) -> URIRef:
        if recipient.kind == "area" and recipient.area is not None:
            return self.add_area(recipient.area)
        if recipient.kind == "organisation":
            based = home if home is not None and recipient.name.startswith(home.name) else None
            return self.add_organisation(recipient.name, based)
        iri = _name_iri("entity", recipient.name)
        self._shared(iri, RDF.type, EK.NamedRecipient)
        self._shared(iri, RDFS.label, Literal(recipient.name, lang="zh"))
        return iri

    def add_extraction(self, extraction: Extraction) -> None:
        info, sha = extraction.info, extraction.sha256
        doc = doc_iri(sha)
        self._own(doc, RDF.type, EK.Bulletin)
        self._own(doc, EK.sha256, Literal(sha))
        if info.title:
            self._own(doc, DCTERMS.title, Literal(info.title))
        if info.area is not None:
            self._own(doc, EK.aboutArea, self.add_area(info.area))
        if info.report_year:
            self._own(doc, EK.reportYear, _year(info.report_year))
        if info.plan_year:
            self._own(doc, EK.planYear, _year(info.plan_year))
        if info.issuer:
            self._own(doc, EK.issuedBy, self.add_organisation(info.issuer, info.area))
        for fact in extraction.facts:
            self._add_fact(fact, doc, sha, info.area)

    def _add_sentence(self, doc: URIRef, sha: str, fact: Fact) -> URIRef:
        evidence = fact.evidence
        iri = sentence_iri(sha, evidence.start, evidence.end)
        self._own(iri, RDF.type, EK.Sentence)
        self._own(iri, NIF.anchorOf, Literal(evidence.text))
        self._own(iri, NIF.beginIndex, Literal(evidence.start, datatype=XSD.nonNegativeInteger))
        self._own(iri, NIF.endIndex, Literal(evidence.end, datatype=XSD.nonNegativeInteger))
        self._own(iri, NIF.referenceContext, doc)
        return iri

    def _add_fact(self, fact: Fact, doc: URIRef, sha: str, home: Area | None) -> None:
        own, shared = self._own, self._shared
        iri = fact_iri(sha, fact)
        own(iri, EK.statedIn, doc)
        own(iri, EK.evidence, self._add_sentence(doc, sha, fact))
        own(iri, EK.year, _year(fact.year))
        own(iri, EK.extractedBy, Literal(fact.source))
        if isinstance(fact, Observation):
            self._add_measure(iri, fact, doc)
        elif isinstance(fact, AwardFact):
            recipient = self.add_recipient(fact.recipient, home)
            award = _name_iri("award", fact.award)
            shared(award, RDF.type, EK.Award)
            shared(award, RDFS.label, Literal(fact.award, lang="zh"))
            if fact.level:
                shared(award, EK.awardLevel, Literal(fact.level))
            own(iri, RDF.type, EK.AwardFact)
            own(iri, EK.recipient, recipient)
            own(iri, EK.award, award)
            if fact.count is not None:
                own(iri, EK.count, Literal(fact.count, datatype=XSD.nonNegativeInteger))
            shared(recipient, EK.achieved, award)
        elif isinstance(fact, PlanFact):
            plan = _name_iri("plan", fact.title)
            shared(plan, RDF.type, EK.PlanDocument)
            shared(plan, RDFS.label, Literal(fact.title, lang="zh"))
            shared(plan, DCTERMS.title, Literal(fact.title))
            issuer = self.add_recipient(fact.issuer, home)
            own(iri, RDF.type, EK.PlanFact)
            own(iri, EK.plan, plan)
            own(iri, EK.issuer, issuer)
            own(iri, EK.action, Literal(fact.action))
            shared(issuer, EK.issued, plan)

    def _add_measure(self, iri: URIRef, fact: Observation, doc: URIRef) -> None:
        own = self._own
        area = self.add_area(fact.area)
        indicator = EKI[fact.indicator]
        own(iri, RDF.type, EK.Target if isinstance(fact, Target) else EK.Observation)
        own(iri, EK.area, area)
        own(iri, EK.indicator, indicator)
        own(iri, EK.value, _decimal(fact.value))
        own(iri, EK.unitCode, Literal(fact.unit))
        if fact.unit in unit_iris():
            own(iri, EK.unit, unit_iris()[fact.unit])
        if fact.of:
            own(iri, EK.of, Literal(fact.of))
        if fact.scope:
            own(iri, EK.scope, Literal(fact.scope))
        if fact.change is not None:
            own(iri, EK.changeValue, _decimal(fact.change))
            own(iri, EK.changeUnit, Literal(fact.change_unit))
            own(iri, EK.direction, Literal(fact.direction))
        if isinstance(fact, Target):
            own(iri, EK.comparator, Literal(fact.comparator))
            own(doc, EK.targets, indicator)
        else:
            self._shared(area, EK.observed, indicator)


def document_graph(extraction: Extraction, gazetteer: Gazetteer) -> DocumentGraph:
    """The triples one extraction contributes, split into its own and shared ones."""
    graph = DocumentGraph(gazetteer)
    graph.add_extraction(extraction)
    return graph


def file_name_triple(sha256: str, file_name: str) -> Triple:
    return (doc_iri(sha256), EK.fileName, Literal(file_name))


def ontology_triples() -> list[Triple]:
    """The indicator vocabulary (ontology/indicators.ttl), included in every graph."""
    return list(indicator_graph())
