"""The build end to end: seeds to Turtle, deterministic, loadable elsewhere, robust to bad files."""
import shutil

import pyoxigraph
import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from kg.build import build
from kg.errors import KgError
from kg.namespace import EK, NIF


@pytest.fixture(scope="module")
def seeds_build(tmp_path_factory, seeds_dir):
    out = tmp_path_factory.mktemp("out")
    report = build([seeds_dir], out)
    return report, out / "graph.ttl"


def test_seeds_build_report(seeds_build):
    report, path = seeds_build
    assert report.documents == 5 and not report.problems
    assert path.is_file() and report.sentences > 500
    assert all(report.facts[kind] > 0 for kind in ("observation", "target", "award", "plan"))


def test_same_inputs_same_bytes(seeds_build, seeds_dir, tmp_path):
    _, first = seeds_build
    build([seeds_dir], tmp_path)
    assert (tmp_path / "graph.ttl").read_bytes() == first.read_bytes()


def test_graph_loads_into_oxigraph_with_same_count(seeds_build):
    report, path = seeds_build
    graph = Graph().parse(path, format="turtle")
    store = pyoxigraph.Store()
    store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(graph) == len(store) == report.triples


def test_every_fact_points_at_its_sentence(seeds_build, seeds_dir):
    _, path = seeds_build
    graph = Graph().parse(path, format="turtle")
    texts = {p.name: p.read_text(encoding="utf-8") for p in seeds_dir.iterdir()}
    facts = [f for kind in (EK.Observation, EK.Target, EK.AwardFact, EK.PlanFact)
             for f in graph.subjects(RDF.type, kind)]
    assert facts
    for fact in facts:
        sentence = graph.value(fact, EK.evidence)
        doc = graph.value(fact, EK.statedIn)
        text = texts[str(graph.value(doc, EK.fileName))]
        begin, end = int(graph.value(sentence, NIF.beginIndex)), int(graph.value(sentence, NIF.endIndex))
        assert text[begin:end] == str(graph.value(sentence, NIF.anchorOf))
        assert graph.value(doc, EK.sha256) is not None


def _count(graph, cls):
    return len(set(graph.subjects(RDF.type, cls)))


def test_same_statement_in_two_documents_gives_two_facts(tmp_path, seeds_dir):
    source = seeds_dir / "002_d9a362fbed6fc341.txt"
    for name in ("a.txt", "b.txt"):
        (tmp_path / "two" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "two" / name).write_text(source.read_text(encoding="utf-8") + f"\n{name}\n", encoding="utf-8")
    one = Graph().parse(build([tmp_path / "two" / "a.txt"], tmp_path / "one").graph_path, format="turtle")
    two = Graph().parse(build([tmp_path / "two"], tmp_path / "both").graph_path, format="turtle")
    assert _count(two, EK.Bulletin) == 2
    for fact_class in (EK.Observation, EK.Target, EK.AwardFact):
        assert _count(two, fact_class) == 2 * _count(one, fact_class) > 0
    for shared_class in (EK.Award, EK.Area, EK.Organisation, EK.Indicator):
        assert _count(two, shared_class) == _count(one, shared_class) > 0


def test_bad_documents_do_not_lose_the_others(tmp_path, seeds_dir):
    shutil.copy(seeds_dir / "004_d6ec991cb5fe69dc.txt", tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (tmp_path / "noarea.txt").write_text("一份没有地名也没有年份的文字。", encoding="utf-8")
    report = build([tmp_path], tmp_path / "out")
    assert report.documents == 1
    assert len(report.problems) == 3
    assert any("empty.txt" in p and "empty" in p for p in report.problems)
    assert any("noarea.txt" in p and "area" in p for p in report.problems)
    assert report.graph_path.is_file()


def test_nothing_readable_writes_nothing(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    report = build([tmp_path], tmp_path / "out")
    assert report.documents == 0 and report.graph_path is None
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_no_documents_is_an_error(tmp_path):
    with pytest.raises(KgError, match="no bulletins found"):
        build([tmp_path], tmp_path / "out")


def test_area_and_year_override(tmp_path, seeds_dir):
    report = build([seeds_dir / "004_d6ec991cb5fe69dc.txt"], tmp_path, area="余杭区", year=2022)
    graph = Graph().parse(report.graph_path, format="turtle")
    doc = next(graph.subjects(RDF.type, EK.Bulletin))
    assert str(graph.value(doc, EK.reportYear)) == "2022"
    assert str(graph.value(graph.value(doc, EK.aboutArea), EK.adminCode)) == "330110"


def test_unknown_area_option(tmp_path, seeds_dir):
    with pytest.raises(KgError, match="--area 火星市"):
        build([seeds_dir], tmp_path, area="火星市")
