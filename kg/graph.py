"""Facts to RDF under the envkg ontology (the shape is documented in docs/graph-model.md).

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
from .namespace import EK, EKD, EKI, INDICATORS_TTL, NIF, bind_prefixes

SAFE_IRI_CHARS = "-._~"
NAME_STRIP = str.maketrans("", "", " \u3000“”\"'‘’「」『』《》()（）【】[]")


def new_graph() -> Graph:
    return bind_prefixes(Graph(bind_namespaces="core"))


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
    return Literal(Decimal(repr(float(value))).normalize() if value != int(value) else Decimal(int(value)),
                   datatype=XSD.decimal)


def _year(year: int) -> Literal:
    return Literal(f"{year:04d}", datatype=XSD.gYear)


class GraphWriter:
    """Accumulates extractions into one graph; entities are shared, facts belong to documents."""

    def __init__(self, gazetteer: Gazetteer):
        self.graph = new_graph()
        self.gazetteer = gazetteer
        self.graph += indicator_graph()

    def add_area(self, area: Area) -> URIRef:
        iri = area_iri(area)
        if (iri, RDF.type, EK.Area) not in self.graph:
            g = self.graph
            g.add((iri, RDF.type, EK.Area))
            g.add((iri, RDFS.label, Literal(area.name, lang="zh")))
            g.add((iri, EK.adminCode, Literal(area.code)))
            g.add((iri, EK.adminLevel, Literal(area.level)))
            parent = self.gazetteer.parent(area)
            if parent is not None:
                g.add((iri, EK.partOf, self.add_area(parent)))
        return iri

    def add_organisation(self, name: str, area: Area | None = None) -> URIRef:
        iri = _name_iri("org", name)
        self.graph.add((iri, RDF.type, EK.Organisation))
        self.graph.add((iri, RDFS.label, Literal(name, lang="zh")))
        if area is not None:
            self.graph.add((iri, EK.basedIn, self.add_area(area)))
        return iri

    def add_recipient(self, recipient: Recipient, home: Area | None) -> URIRef:
        if recipient.kind == "area" and recipient.area is not None:
            return self.add_area(recipient.area)
        if recipient.kind == "organisation":
            based = home if home is not None and recipient.name.startswith(home.name) else None
            return self.add_organisation(recipient.name, based)
        iri = _name_iri("entity", recipient.name)
        self.graph.add((iri, RDF.type, EK.NamedRecipient))
        self.graph.add((iri, RDFS.label, Literal(recipient.name, lang="zh")))
        return iri

    def add_extraction(self, extraction: Extraction, file_name: str) -> None:
        g, info, sha = self.graph, extraction.info, extraction.sha256
        doc = doc_iri(sha)
        g.add((doc, RDF.type, EK.Bulletin))
        g.add((doc, EK.fileName, Literal(file_name)))
        g.add((doc, EK.sha256, Literal(sha)))
        if info.title:
            g.add((doc, DCTERMS.title, Literal(info.title)))
        if info.area is not None:
            g.add((doc, EK.aboutArea, self.add_area(info.area)))
        if info.report_year:
            g.add((doc, EK.reportYear, _year(info.report_year)))
        if info.plan_year:
            g.add((doc, EK.planYear, _year(info.plan_year)))
        if info.issuer:
            g.add((doc, EK.issuedBy, self.add_organisation(info.issuer, info.area)))
        for fact in extraction.facts:
            self._add_fact(fact, doc, sha, info.area)

    def _add_sentence(self, doc: URIRef, sha: str, fact: Fact) -> URIRef:
        evidence = fact.evidence
        iri = sentence_iri(sha, evidence.start, evidence.end)
        g = self.graph
        g.add((iri, RDF.type, EK.Sentence))
        g.add((iri, NIF.anchorOf, Literal(evidence.text)))
        g.add((iri, NIF.beginIndex, Literal(evidence.start, datatype=XSD.nonNegativeInteger)))
        g.add((iri, NIF.endIndex, Literal(evidence.end, datatype=XSD.nonNegativeInteger)))
        g.add((iri, NIF.referenceContext, doc))
        return iri

    def _add_fact(self, fact: Fact, doc: URIRef, sha: str, home: Area | None) -> None:
        g = self.graph
        iri = fact_iri(sha, fact)
        g.add((iri, EK.statedIn, doc))
        g.add((iri, EK.evidence, self._add_sentence(doc, sha, fact)))
        g.add((iri, EK.year, _year(fact.year)))
        g.add((iri, EK.extractedBy, Literal(fact.source)))
        if isinstance(fact, Observation):
            self._add_measure(iri, fact, doc)
        elif isinstance(fact, AwardFact):
            recipient = self.add_recipient(fact.recipient, home)
            award = _name_iri("award", fact.award)
            g.add((award, RDF.type, EK.Award))
            g.add((award, RDFS.label, Literal(fact.award, lang="zh")))
            if fact.level:
                g.add((award, EK.awardLevel, Literal(fact.level)))
            g.add((iri, RDF.type, EK.AwardFact))
            g.add((iri, EK.recipient, recipient))
            g.add((iri, EK.award, award))
            if fact.count is not None:
                g.add((iri, EK.count, Literal(fact.count, datatype=XSD.nonNegativeInteger)))
            g.add((recipient, EK.achieved, award))
        elif isinstance(fact, PlanFact):
            plan = _name_iri("plan", fact.title)
            g.add((plan, RDF.type, EK.PlanDocument))
            g.add((plan, RDFS.label, Literal(fact.title, lang="zh")))
            g.add((plan, DCTERMS.title, Literal(fact.title)))
            issuer = self.add_recipient(fact.issuer, home)
            g.add((iri, RDF.type, EK.PlanFact))
            g.add((iri, EK.plan, plan))
            g.add((iri, EK.issuer, issuer))
            g.add((iri, EK.action, Literal(fact.action)))
            g.add((issuer, EK.issued, plan))

    def _add_measure(self, iri: URIRef, fact: Observation, doc: URIRef) -> None:
        g = self.graph
        area = self.add_area(fact.area)
        indicator = EKI[fact.indicator]
        g.add((iri, RDF.type, EK.Target if isinstance(fact, Target) else EK.Observation))
        g.add((iri, EK.area, area))
        g.add((iri, EK.indicator, indicator))
        g.add((iri, EK.value, _decimal(fact.value)))
        g.add((iri, EK.unitCode, Literal(fact.unit)))
        if fact.unit in unit_iris():
            g.add((iri, EK.unit, unit_iris()[fact.unit]))
        if fact.of:
            g.add((iri, EK.of, Literal(fact.of)))
        if fact.scope:
            g.add((iri, EK.scope, Literal(fact.scope)))
        if fact.change is not None:
            g.add((iri, EK.changeValue, _decimal(fact.change)))
            g.add((iri, EK.changeUnit, Literal(fact.change_unit)))
            g.add((iri, EK.direction, Literal(fact.direction)))
        if isinstance(fact, Target):
            g.add((iri, EK.comparator, Literal(fact.comparator)))
            g.add((doc, EK.targets, indicator))
        else:
            g.add((area, EK.observed, indicator))


def serialise(graph: Graph) -> str:
    """Turtle, deterministic: same graph, same text."""
    return graph.serialize(format="turtle")
