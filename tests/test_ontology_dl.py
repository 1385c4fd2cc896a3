"""The ontology, the indicator vocabulary and the graph `kg build` writes stay inside OWL 2 DL,
checked structurally (no OWL 2 DL profile checker is available offline as a Python library):
every property used is declared as exactly one kind, nothing is punned, every ek: term is
documented in zh and en, the ontology is versioned and aligned with the standard vocabularies."""
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.namespace import EK, INDICATORS_TTL, ONTOLOGY_TTL
from kg.store import load_graph

ONTOLOGY = URIRef("https://w3id.org/envkg/ontology")
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
# Terms of the OWL 2 / RDF(S) vocabularies themselves: built in, never declared.
RESERVED = (str(RDF), str(RDFS), str(OWL), str(XSD))
BUILTIN_ANNOTATIONS = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo,
                       OWL.deprecated}
# Each standard vocabulary the ontology must align with, and an axiom that shows it.
ALIGNED_VOCABULARIES = {
    "PROV-O": "http://www.w3.org/ns/prov#",
    "QUDT": "http://qudt.org/",
    "SKOS": "http://www.w3.org/2004/02/skos/core#",
    "SOSA/SSN": "http://www.w3.org/ns/sosa/",
}


@pytest.fixture(scope="module")
def onto():
    return Graph().parse(ONTOLOGY_TTL, format="turtle")


@pytest.fixture(scope="module")
def combined(onto):
    return onto + Graph().parse(INDICATORS_TTL, format="turtle")


def kinds(graph, term):
    return set(graph.objects(term, RDF.type)) & set(PROPERTY_KINDS)


def declared_classes(graph):
    return {c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}


def declared_properties(graph):
    return {p for kind in PROPERTY_KINDS for p in graph.subjects(RDF.type, kind)}


def used_properties(graph):
    return {p for p in graph.predicates() if not str(p).startswith(RESERVED)}


def test_every_property_used_is_declared_as_exactly_one_kind(combined):
    for prop in used_properties(combined):
        assert len(kinds(combined, prop)) == 1, f"{prop}: declared as {kinds(combined, prop) or 'nothing'}"


def test_every_property_the_built_graph_uses_is_declared(combined, seeds_graph):
    graph = load_graph(seeds_graph)
    for prop in used_properties(graph):
        assert len(kinds(combined, prop)) == 1, f"{prop} (in the built graph) is not declared once"


def test_built_graph_types_are_declared_classes(combined, seeds_graph):
    types = set(load_graph(seeds_graph).objects(None, RDF.type))
    assert types - declared_classes(combined) - {OWL.NamedIndividual, OWL.Ontology} == set()


def test_no_punning_of_classes_and_properties(combined):
    classes, properties = declared_classes(combined), declared_properties(combined)
    assert classes & properties == set()
    for prop in properties:
        assert len(kinds(combined, prop)) == 1, prop
    datatypes = set(combined.subjects(RDF.type, RDFS.Datatype))
    assert {d for d in datatypes if isinstance(d, URIRef)} & (classes | properties) == set()


def test_builtin_annotations_are_not_redeclared(combined):
    for prop in BUILTIN_ANNOTATIONS:
        assert kinds(combined, prop) == set(), prop


def test_domains_and_ranges_fit_the_property_kind(onto):
    classes = declared_classes(onto)
    for prop in onto.subjects(RDF.type, OWL.ObjectProperty):
        for rng in onto.objects(prop, RDFS.range):
            assert rng in classes or _is_class_expression(onto, rng), f"{prop} range {rng} is not a class"
    for prop in onto.subjects(RDF.type, OWL.DatatypeProperty):
        for rng in onto.objects(prop, RDFS.range):
            is_datatype = (isinstance(rng, URIRef) and str(rng).startswith(str(XSD))) or (
                (rng, RDF.type, RDFS.Datatype) in onto)
            assert is_datatype, f"{prop} is a datatype property but its range {rng} is not a datatype"
    for prop in onto.subjects(RDF.type, OWL.AnnotationProperty):
        assert (prop, RDFS.domain, None) not in onto and (prop, RDFS.range, None) not in onto


def _is_class_expression(graph, node):
    return isinstance(node, BNode) and (node, RDF.type, OWL.Class) in graph


def test_subproperties_keep_their_kind(combined):
    for sub, sup in combined.subject_objects(RDFS.subPropertyOf):
        assert kinds(combined, sub) == kinds(combined, sup), f"{sub} ⊑ {sup} mixes property kinds"


def test_subclasses_are_of_declared_classes(combined):
    classes = declared_classes(combined)
    for sub, sup in combined.subject_objects(RDFS.subClassOf):
        assert sub in classes and sup in classes, f"{sub} ⊑ {sup}"


def test_every_ek_class_and_property_is_labelled_in_zh_and_en_with_a_comment(onto):
    terms = (declared_classes(onto) | declared_properties(onto)) & {
        t for t in onto.subjects() if str(t).startswith(str(EK._NS))}
    assert terms == {EK[name] for name in EK.__annotations__} - {EK.TenKiloTonnePerYear, EK.PercentagePoint}
    for term in terms:
        labels = {lit.language for lit in onto.objects(term, RDFS.label) if isinstance(lit, Literal)}
        assert {"zh", "en"} <= labels, f"{term} needs rdfs:label @zh and @en"
        assert any(isinstance(c, Literal) and c.strip() for c in onto.objects(term, RDFS.comment)), term


def test_ontology_is_versioned(onto):
    version = onto.value(ONTOLOGY, OWL.versionIRI)
    info = onto.value(ONTOLOGY, OWL.versionInfo)
    assert version is not None and info is not None
    assert str(version) == f"{ONTOLOGY}/{info}"


@pytest.mark.parametrize("name", sorted(ALIGNED_VOCABULARIES))
def test_aligned_with(onto, name):
    namespace = ALIGNED_VOCABULARIES[name]
    axioms = [(s, p, o) for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.range)
              for s, o in onto.subject_objects(p)
              if str(s).startswith(str(EK._NS)) and str(o).startswith(namespace)]
    assert axioms, f"no subclass, subproperty or range axiom ties ek: to {name}"


def test_years_reuse_xsd_gyear(onto):
    """The time alignment is by direct reuse of xsd:gYear (as OWL-Time's inXSDgYear does)."""
    for name in ("year", "reportYear", "planYear"):
        assert onto.value(EK[name], RDFS.range) == XSD.gYear


def test_units_are_qudt_unit_iris(combined, seeds_graph):
    graph = load_graph(seeds_graph)
    units = set(graph.objects(None, EK.unit))
    assert units
    qudt_unit = URIRef("http://qudt.org/schema/qudt/Unit")
    for unit in units:
        assert str(unit).startswith("http://qudt.org/vocab/unit/") or unit in (
            EK.TenKiloTonnePerYear, EK.PercentagePoint), unit
        assert (unit, RDF.type, qudt_unit) in combined, unit
