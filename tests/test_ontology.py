"""The ontology (ontology/envkg.ttl), the indicator vocabulary (ontology/indicators.ttl)
and the checked namespace kg.namespace.EK agree with each other, with
docs/graph-model.md and with the gold indicators.tsv."""
import csv
import importlib.util
import re
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, SOSA, XSD

from kg.namespace import (
    EK,
    EKD,
    EKI,
    INDICATOR_SCHEME,
    INDICATORS_TTL,
    NIF,
    ONTOLOGY_DIR,
    ONTOLOGY_TTL,
    QUDT,
    QUDT_UNIT,
    bind_prefixes,
)

REPO = Path(__file__).resolve().parents[1]
GOLD_INDICATORS = Path(__file__).resolve().parents[2] / "shared" / "gold" / "indicators.tsv"
GRAPH_MODEL = REPO / "docs" / "graph-model.md"
ONTOLOGY = URIRef("https://w3id.org/envkg/ontology")
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"

UNITS = {
    "%": QUDT_UNIT["PERCENT"],
    "μg/m3": QUDT_UNIT["MicroGM-PER-M3"],
    "mg/m3": QUDT_UNIT["MilliGM-PER-M3"],
    "day": QUDT_UNIT["DAY"],
    "1": QUDT_UNIT["UNITLESS"],
    "count": QUDT_UNIT["NUM"],
    "10kt/a": EK.TenKiloTonnePerYear,
}
ENTITY_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                OWL.NamedIndividual)


@pytest.fixture(scope="module")
def onto():
    return Graph().parse(ONTOLOGY_TTL, format="turtle")


@pytest.fixture(scope="module")
def indicators():
    return Graph().parse(INDICATORS_TTL, format="turtle")


@pytest.fixture(scope="module")
def gold_rows():
    assert GOLD_INDICATORS.is_file(), f"gold indicators missing: {GOLD_INDICATORS}"
    with GOLD_INDICATORS.open(encoding="utf-8", newline="") as handle:
        return {row["key"]: row for row in csv.DictReader(handle, delimiter="\t",
                                                           quoting=csv.QUOTE_NONE)}


def ek_terms_in(graph):
    """Every ek: IRI the graph mentions, in any position."""
    return {term for triple in graph for term in triple
            if isinstance(term, URIRef) and str(term).startswith(str(EK._NS))}


def declared(onto):
    """The ek: terms envkg.ttl types as an OWL entity."""
    return {s for owl_type in ENTITY_TYPES for s in onto.subjects(RDF.type, owl_type)
            if isinstance(s, URIRef) and str(s).startswith(str(EK._NS))}


def namespace_terms():
    return {EK[name] for name in EK.__annotations__}


def langs(graph, subject, predicate):
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


# --- files and namespace ---------------------------------------------------------------

def test_files_live_in_ontology_dir():
    assert ONTOLOGY_DIR == REPO / "ontology"
    assert ONTOLOGY_TTL.is_file() and INDICATORS_TTL.is_file()


def test_both_files_parse(onto, indicators):
    assert len(onto) > 100
    assert len(indicators) > 100


def test_unknown_term_raises():
    with pytest.raises(AttributeError):
        _ = EK.NotATerm
    with pytest.raises(AttributeError):
        _ = EK.bulletin  # case matters: the class is EK.Bulletin


def test_namespace_iris():
    assert EK.Bulletin == URIRef("https://w3id.org/envkg/ontology#Bulletin")
    assert EKI.pm25 == URIRef("https://w3id.org/envkg/indicator/pm25")
    assert EKD["area/440100"] == URIRef("https://w3id.org/envkg/id/area/440100")
    assert NIF.beginIndex == URIRef(
        "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#beginIndex")
    assert INDICATOR_SCHEME == URIRef("https://w3id.org/envkg/indicator/")


def test_bind_prefixes():
    graph = bind_prefixes(Graph())
    bound = dict(graph.namespaces())
    for prefix, iri in [("ek", EK._NS), ("eki", EKI), ("ekd", EKD), ("nif", NIF),
                        ("unit", QUDT_UNIT), ("qudt", QUDT), ("prov", PROV), ("sosa", SOSA)]:
        assert str(bound[prefix]) == str(iri), prefix


# --- the ontology ----------------------------------------------------------------------

def test_ontology_header(onto):
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in onto
    assert (ONTOLOGY, OWL.versionIRI, URIRef("https://w3id.org/envkg/ontology/0.1.0")) in onto
    assert str(onto.value(ONTOLOGY, OWL.versionInfo)) == "0.1.0"
    assert {"zh", "en"} <= langs(onto, ONTOLOGY, DCTERMS.title)
    assert {"zh", "en"} <= langs(onto, ONTOLOGY, DCTERMS.description)
    assert (ONTOLOGY, DCTERMS.license, URIRef("https://opensource.org/licenses/MIT")) in onto
    assert onto.value(ONTOLOGY, DCTERMS.creator) is not None
    assert not list(onto.objects(ONTOLOGY, OWL.imports))


def test_namespace_matches_ontology(onto):
    in_python, in_turtle = namespace_terms(), declared(onto)
    assert in_python - in_turtle == set(), "in kg/namespace.py but not declared in envkg.ttl"
    assert in_turtle - in_python == set(), "declared in envkg.ttl but missing from EK"


@pytest.mark.parametrize("name", sorted(EK.__annotations__))
def test_term_is_documented(onto, name):
    term = EK[name]
    assert set(onto.objects(term, RDF.type)) & set(ENTITY_TYPES), f"{name} has no OWL type"
    assert {"zh", "en"} <= langs(onto, term, RDFS.label), f"{name} needs rdfs:label @zh and @en"
    assert "en" in langs(onto, term, RDFS.comment), f"{name} needs an English rdfs:comment"
    assert (term, RDFS.isDefinedBy, ONTOLOGY) in onto


def test_every_used_ek_term_is_declared(onto, indicators):
    used = ek_terms_in(onto) | ek_terms_in(indicators)
    assert used - declared(onto) == set()


def test_graph_model_terms_are_declared(onto):
    names = set(re.findall(r"\bek:([A-Za-z][A-Za-z0-9]*)", GRAPH_MODEL.read_text(encoding="utf-8")))
    assert len(names) > 40
    assert {EK._NS[name] for name in names} - declared(onto) == set()


def test_no_punning(onto):
    kinds = {}
    for owl_type in ENTITY_TYPES:
        for subject in onto.subjects(RDF.type, owl_type):
            if isinstance(subject, URIRef):
                kinds.setdefault(subject, set()).add(owl_type)
    punned = {s: k for s, k in kinds.items() if len(k) > 1}
    assert punned == {}


def test_property_kinds(onto):
    objects = set(onto.subjects(RDF.type, OWL.ObjectProperty))
    datatypes = set(onto.subjects(RDF.type, OWL.DatatypeProperty))
    assert objects & datatypes == set()
    for name in ["aboutArea", "issuedBy", "partOf", "basedIn", "statedIn", "evidence", "area",
                 "indicator", "unit", "recipient", "award", "plan", "issuer", "observed",
                 "targets", "achieved", "issued"]:
        assert EK[name] in objects, name
    for name in ["fileName", "sha256", "reportYear", "planYear", "adminCode", "adminLevel",
                 "awardLevel", "year", "extractedBy", "value", "unitCode", "of", "scope",
                 "changeValue", "changeUnit", "direction", "comparator", "count", "action"]:
        assert EK[name] in datatypes, name


@pytest.mark.parametrize("name", ["year", "reportYear", "planYear"])
def test_years_are_gyear(onto, name):
    assert onto.value(EK[name], RDFS.range) == XSD.gYear


def test_value_ranges(onto):
    assert onto.value(EK.value, RDFS.range) == XSD.decimal
    assert onto.value(EK.changeValue, RDFS.range) == XSD.decimal
    assert onto.value(EK.unit, RDFS.range) == QUDT.Unit
    assert onto.value(EK.evidence, RDFS.range) == EK.Sentence
    assert onto.value(EK.statedIn, RDFS.range) == EK.Bulletin
    assert onto.value(EK.indicator, RDFS.range) == EK.Indicator


def enumeration(onto, prop):
    datatype = onto.value(prop, RDFS.range)
    assert isinstance(datatype, BNode), f"{prop} range is not an enumeration"
    items, node = [], onto.value(datatype, OWL.oneOf)
    while node is not None and node != RDF.nil:
        items.append(str(onto.value(node, RDF.first)))
        node = onto.value(node, RDF.rest)
    return set(items)


def test_enumerations_match_graph_model(onto):
    assert enumeration(onto, EK.adminLevel) == {"province", "prefecture", "county"}
    assert enumeration(onto, EK.comparator) == {"<=", ">=", "="}
    assert enumeration(onto, EK.of) == {"increase", "decrease"}
    assert enumeration(onto, EK.direction) == {"up", "down"}
    assert enumeration(onto, EK.changeUnit) == {"pp", "%"}


ALIGNMENTS = [
    (EK.Bulletin, RDFS.subClassOf, PROV.Entity),
    (EK.Bulletin, RDFS.subClassOf, URIRef(FOAF + "Document")),
    (EK.Sentence, RDFS.subClassOf, NIF.String),
    (EK.Sentence, RDFS.subClassOf, PROV.Entity),
    (EK.Fact, RDFS.subClassOf, PROV.Entity),
    (EK.Observation, RDFS.subClassOf, EK.Fact),
    (EK.Observation, RDFS.subClassOf, SOSA.Observation),
    (EK.Target, RDFS.subClassOf, EK.Fact),
    (EK.AwardFact, RDFS.subClassOf, EK.Fact),
    (EK.PlanFact, RDFS.subClassOf, EK.Fact),
    (EK.Area, RDFS.subClassOf, PROV.Location),
    (EK.Organisation, RDFS.subClassOf, PROV.Organization),
    (EK.Organisation, RDFS.subClassOf, URIRef(ORG + "Organization")),
    (EK.PlanDocument, RDFS.subClassOf, PROV.Plan),
    (EK.Indicator, RDFS.subClassOf, SKOS.Concept),
    (EK.Indicator, RDFS.subClassOf, SOSA.ObservableProperty),
    (EK.evidence, RDFS.subPropertyOf, PROV.wasDerivedFrom),
    (EK.statedIn, RDFS.subPropertyOf, PROV.wasDerivedFrom),
    (EK.area, RDFS.subPropertyOf, SOSA.hasFeatureOfInterest),
    (EK.indicator, RDFS.subPropertyOf, SOSA.observedProperty),
    (EK.unit, RDFS.subPropertyOf, QUDT.unit),
    (EK.partOf, RDFS.subPropertyOf, DCTERMS.isPartOf),
    (EK.issuedBy, RDFS.subPropertyOf, DCTERMS.publisher),
]


@pytest.mark.parametrize("triple", ALIGNMENTS, ids=lambda t: f"{t[0].split('#')[-1]}-{t[2]}")
def test_alignment(onto, triple):
    assert triple in onto


def test_external_terms_in_axioms_are_declared(onto):
    """DL without imports: every non-ek IRI in a subclass/subproperty/domain/range axiom has a type."""
    builtin = {str(XSD), str(RDF), str(RDFS), str(OWL)}
    for predicate in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range):
        for target in onto.objects(None, predicate):
            if isinstance(target, URIRef) and not any(str(target).startswith(b) for b in builtin):
                assert set(onto.objects(target, RDF.type)) & set(ENTITY_TYPES), target


@pytest.mark.parametrize("unit", [EK.TenKiloTonnePerYear, EK.PercentagePoint])
def test_local_units(onto, unit):
    assert (unit, RDF.type, QUDT.Unit) in onto
    assert (unit, RDF.type, OWL.NamedIndividual) in onto


def test_local_unit_labels(onto):
    assert Literal("万吨/年", lang="zh") in set(onto.objects(EK.TenKiloTonnePerYear, RDFS.label))
    assert Literal("个百分点", lang="zh") in set(onto.objects(EK.PercentagePoint, RDFS.label))


# --- the indicator vocabulary ---------------------------------------------------------

def concepts(indicators):
    return set(indicators.subjects(RDF.type, EK.Indicator))


def test_scheme(indicators):
    assert (INDICATOR_SCHEME, RDF.type, SKOS.ConceptScheme) in indicators
    assert {"zh", "en"} <= langs(indicators, INDICATOR_SCHEME, SKOS.prefLabel)


def test_concepts_equal_gold_keys(indicators, gold_rows):
    assert concepts(indicators) == {EKI[key] for key in gold_rows}


def test_concepts_follow_gold_rows(indicators, gold_rows):
    for key, row in gold_rows.items():
        concept = EKI[key]
        assert (concept, RDF.type, SKOS.Concept) in indicators, key
        assert (concept, SKOS.inScheme, INDICATOR_SCHEME) in indicators, key
        assert str(indicators.value(concept, SKOS.notation)) == key
        assert set(indicators.objects(concept, SKOS.prefLabel)) == {
            Literal(row["label_zh"], lang="zh"), Literal(row["label_en"], lang="en")}, key
        aliases = {a for a in row["aliases_zh"].split("|") if a} - {row["label_zh"]}
        assert set(indicators.objects(concept, SKOS.altLabel)) == {
            Literal(a, lang="zh") for a in aliases}, key
        assert list(indicators.objects(concept, EK.unitCode)) == [Literal(row["unit"])], key
        assert list(indicators.objects(concept, EK.unit)) == [UNITS[row["unit"]]], key


def test_units_used_are_declared_units(onto, indicators):
    for unit in set(indicators.objects(None, EK.unit)):
        assert (unit, RDF.type, QUDT.Unit) in onto, unit


def test_hidden_labels(indicators):
    assert Literal("空气质量优良天数比例", lang="zh") in set(
        indicators.objects(EKI.good_air_days_ratio, SKOS.hiddenLabel))
    assert Literal("细颗粒物（PM2.5）年均浓度", lang="zh") in set(
        indicators.objects(EKI.pm25, SKOS.hiddenLabel))
    for concept in concepts(indicators):
        visible = set(indicators.objects(concept, SKOS.prefLabel)) | set(
            indicators.objects(concept, SKOS.altLabel))
        hidden = set(indicators.objects(concept, SKOS.hiddenLabel))
        assert hidden & visible == set(), concept
        assert all(label.language == "zh" for label in hidden), concept


def test_each_chinese_label_names_one_indicator(indicators):
    owners = {}
    for predicate in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
        for concept, label in indicators.subject_objects(predicate):
            if label.language == "zh":
                owners.setdefault(str(label), set()).add(concept)
    assert {label: c for label, c in owners.items() if len(c) > 1} == {}


def test_generator_is_deterministic(gold_rows):
    spec = importlib.util.spec_from_file_location("make_indicators",
                                                  REPO / "scripts" / "make_indicators.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    first = module.render(GOLD_INDICATORS, module.DEFAULT_HIDDEN)
    assert first == module.render(GOLD_INDICATORS, module.DEFAULT_HIDDEN)
    generated = Graph().parse(data=first, format="turtle")
    assert concepts(generated) == {EKI[key] for key in gold_rows}
