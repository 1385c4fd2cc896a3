"""The streamed graph files: same triples as an rdflib graph of the same facts, every format, the description."""
import json

import pyoxigraph
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, VOID, XSD

import kg
from kg.build import build
from kg.cache import extractor_version
from kg.documents import find_documents, read_document
from kg.errors import KgError
from kg.extract import extract_document
from kg.formats import jsonld_term, nt_term, parse_formats, turtle_term
from kg.graph import doc_iri, document_graph, file_name_triple, ontology_triples
from kg.namespace import EK, NIF

ALL_FORMATS = "ttl,nt,nq,jsonld"


@pytest.fixture(scope="module")
def full_build(tmp_path_factory, seeds_dir):
    out = tmp_path_factory.mktemp("full")
    report = build([seeds_dir], out, formats=ALL_FORMATS, cache=False)
    return report, out


def _reference_graph(seeds_dir, nlp, gazetteer) -> Graph:
    """What the graph holds, built the plain way: every triple into one rdflib Graph."""
    graph = Graph()
    for triple in ontology_triples():
        graph.add(triple)
    for path in find_documents([seeds_dir]):
        document = read_document(path)
        extraction = extract_document(document, nlp, gazetteer)
        parts = document_graph(extraction, gazetteer)
        for triple in [*parts.own, *parts.shared, file_name_triple(document.sha256, document.name)]:
            graph.add(triple)
    return graph


def _assert_same(expected: Graph, got: Graph) -> None:
    if not isomorphic(expected, got):
        _, only_expected, only_got = graph_diff(expected, got)
        pytest.fail(f"graphs differ:\nonly expected: {sorted(only_expected)[:5]}\nonly written: {sorted(only_got)[:5]}")


def test_streamed_turtle_holds_the_same_triples_as_one_rdflib_graph(full_build, seeds_dir, nlp, gazetteer):
    report, out = full_build
    written = Graph().parse(out / "graph.ttl", format="turtle")
    _assert_same(_reference_graph(seeds_dir, nlp, gazetteer), written)
    assert len(written) == report.triples


@pytest.mark.parametrize("name, fmt", [("graph.nt", "nt"), ("graph.jsonld", "json-ld")])
def test_other_formats_parse_to_the_same_triples(full_build, name, fmt):
    _, out = full_build
    turtle = Graph().parse(out / "graph.ttl", format="turtle")
    _assert_same(turtle, Graph().parse(out / name, format=fmt))


def test_jsonld_is_plain_json(full_build):
    _, out = full_build
    nodes = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    assert isinstance(nodes, list) and all("@id" in node for node in nodes)


def test_nquads_put_each_document_in_its_own_graph(full_build):
    report, out = full_build
    dataset = Dataset()
    dataset.parse(out / "graph.nq", format="nquads")
    turtle = Graph().parse(out / "graph.ttl", format="turtle")
    documents = set(turtle.subjects(RDF.type, EK.Bulletin))
    named = {g.identifier for g in dataset.graphs() if len(g)} - {dataset.default_graph.identifier}
    assert named == documents and len(documents) == 5
    for document in documents:
        facts = dataset.graph(document)
        assert (document, RDF.type, EK.Bulletin) in facts
        assert all(facts.value(fact, EK.statedIn) == document for fact in facts.subjects(EK.year, None))
    union = Graph()
    for graph in dataset.graphs():
        union += graph
    _assert_same(turtle, union)
    store = pyoxigraph.Store()
    store.bulk_load(path=str(out / "graph.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    assert len(store) == report.triples


def test_all_formats_load_into_oxigraph(full_build):
    report, out = full_build
    for name, fmt in [("graph.ttl", pyoxigraph.RdfFormat.TURTLE), ("graph.nt", pyoxigraph.RdfFormat.N_TRIPLES),
                      ("graph.jsonld", pyoxigraph.RdfFormat.JSON_LD)]:
        store = pyoxigraph.Store()
        store.bulk_load(path=str(out / name), format=fmt)
        assert len(store) == report.triples, name


def test_workers_give_byte_identical_files(full_build, seeds_dir, tmp_path):
    _, out = full_build
    build([seeds_dir], tmp_path, formats=ALL_FORMATS, workers=2, cache=False)
    for name in ("graph.ttl", "graph.nt", "graph.nq", "graph.jsonld", "void.ttl"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_description(full_build, seeds_dir):
    report, out = full_build
    void = Graph().parse(out / "void.ttl", format="turtle")
    (dataset,) = set(void.subjects(RDF.type, VOID.Dataset)) & set(void.subjects(RDF.type, DCAT.Dataset))
    assert int(void.value(dataset, VOID.triples)) == report.triples
    assert int(void.value(dataset, VOID.documents)) == 5
    assert void.value(dataset, DCTERMS.license) is not None
    assert str(void.value(dataset, URIRef(str(DCAT) + "version"))) == kg.__version__
    assert extractor_version() in str(void.value(dataset, OWL.versionInfo))
    turtle = Graph().parse(out / "graph.ttl", format="turtle")
    assert int(void.value(dataset, VOID.distinctSubjects)) == len(set(turtle.subjects()))
    used = set(void.objects(dataset, PROV.used))
    assert len(used) == 5
    names = {p.name: read_document(p).sha256 for p in seeds_dir.iterdir()}
    for doc in used:
        name = str(void.value(doc, EK.fileName))
        assert str(void.value(doc, EK.sha256)) == names[name]
        assert doc == doc_iri(names[name])
    subsets = list(void.objects(dataset, VOID.subset))
    per_document = sum(int(void.value(s, VOID.triples)) for s in subsets)
    owned = {s for s in turtle.subjects() if (s, RDF.type, EK.Bulletin) in turtle
             or turtle.value(s, EK.statedIn) is not None or turtle.value(s, NIF.referenceContext) is not None}
    shared = sum(1 for s, _, _ in turtle if s not in owned)
    assert per_document + shared == report.triples
    formats = {str(void.value(d, DCTERMS.title)) for d in void.objects(dataset, DCAT.distribution)}
    assert formats == {"graph.ttl", "graph.nt", "graph.nq", "graph.jsonld"}


def test_same_content_under_two_names_is_one_document_with_two_names(tmp_path, seeds_dir):
    text = (seeds_dir / "003_14e99ec946930a51.txt").read_bytes()
    for name in ("a.txt", "b.txt"):
        (tmp_path / "in" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "in" / name).write_bytes(text)
    report = build([tmp_path / "in"], tmp_path / "out", formats="ttl,nt", cache=False)
    graph = Graph().parse(report.graph_path, format="turtle")
    (doc,) = set(graph.subjects(RDF.type, EK.Bulletin))
    assert {str(n) for n in graph.objects(doc, EK.fileName)} == {"a.txt", "b.txt"}
    assert len(graph) == report.triples == len(Graph().parse(tmp_path / "out" / "graph.nt", format="nt"))


@pytest.mark.parametrize("text", ['say "hi"\\', "line\nbreak\r\ttab", "\x01\x7f control", "𠀀 astral", "ok"])
def test_literal_escaping_round_trips(text):
    term = nt_term(Literal(text))
    graph = Graph().parse(data=f"<http://x/s> <http://x/p> {term} .", format="nt")
    assert str(next(graph.objects())) == text
    assert jsonld_term(term) == {"@value": text}


def test_turtle_terms():
    assert turtle_term(nt_term(EK.Area)) == "ek:Area"
    assert turtle_term(nt_term(URIRef("https://w3id.org/envkg/id/area/440100"))) == \
        "<https://w3id.org/envkg/id/area/440100>"
    assert turtle_term(nt_term(Literal("2023", datatype=XSD.gYear))) == '"2023"^^xsd:gYear'
    assert turtle_term(nt_term(Literal("广州市", lang="zh"))) == '"广州市"@zh'


def test_format_option():
    assert parse_formats("nq, jsonld") == ("ttl", "nq", "jsonld")
    assert parse_formats("ttl,ttl") == ("ttl",)
    with pytest.raises(ValueError, match="unknown format rdfxml"):
        parse_formats("ttl,rdfxml")


def test_unknown_format_is_a_build_error(tmp_path, seeds_dir):
    with pytest.raises(KgError, match="--format: unknown format"):
        build([seeds_dir], tmp_path, formats="xml")
