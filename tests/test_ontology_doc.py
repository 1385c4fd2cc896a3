"""kg ontology: a reference page of the ontology and the indicator vocabulary, from the ontology files."""
import re

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, SKOS

from kg.cli import cli
from kg.namespace import EK, INDICATORS_TTL, ONTOLOGY_TTL
from kg.ontology_doc import load_reference, render

EVIL = '<script>alert("x")</script> & <b>'


@pytest.fixture(scope="module")
def reference():
    return load_reference()


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_page_is_deterministic(reference, fmt):
    assert render(reference, fmt) == render(load_reference(), fmt)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_every_term_appears_with_both_labels(reference, fmt):
    page = render(reference, fmt)
    onto = Graph().parse(ONTOLOGY_TTL)
    for name in EK.__annotations__:
        assert f"ek:{name}" in page, name
        for label in onto.objects(EK[name], RDFS.label):
            assert str(label) in page, (name, str(label))


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_every_indicator_appears_with_labels_and_qudt_unit(reference, fmt):
    page = render(reference, fmt)
    vocab = Graph().parse(INDICATORS_TTL)
    concepts = set(vocab.subjects(RDF.type, EK.Indicator))
    assert len(reference.indicators) == len(concepts) == 28
    for concept in concepts:
        for label in vocab.objects(concept, SKOS.prefLabel):
            assert str(label) in page
    pm25 = next(i for i in reference.indicators if i.key == "pm25")
    assert (pm25.label_zh, pm25.unit, pm25.unit_code) == ("细颗粒物(PM2.5)浓度", "unit:MicroGM-PER-M3", "μg/m3")


def test_alignments_domains_and_ranges(reference):
    assert ("ek:Observation", "subclass of", "sosa:Observation") in reference.alignments
    assert ("ek:evidence", "subproperty of", "prov:wasDerivedFrom") in reference.alignments
    assert ("ek:unit", "subproperty of", "qudt:unit") in reference.alignments
    by_name = {t.curie: t for t in reference.object_properties + reference.datatype_properties}
    assert by_name["ek:area"].domain == "ek:Observation ∪ ek:Target"
    assert by_name["ek:comparator"].range == '{"<=", ">=", "="}'
    assert by_name["ek:adminCode"].range == "xsd:string matching [0-9]{6}"
    assert by_name["ek:year"].range == "xsd:gYear"
    assert "owl:FunctionalProperty" in by_name["ek:value"].characteristics
    assert reference.version == "0.1.0" and reference.version_iri.endswith("/0.1.0")


def test_html_is_self_contained(reference):
    page = render(reference, "html")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert "<script" not in page and "@import" not in page


def test_text_from_the_ontology_is_escaped(tmp_path):
    onto = Graph().parse(ONTOLOGY_TTL)
    onto.remove((EK.Award, RDFS.label, Literal("Award", lang="en")))
    onto.add((EK.Award, RDFS.label, Literal(EVIL, lang="en")))
    path = tmp_path / "envkg.ttl"
    onto.serialize(path, format="turtle")
    ref = load_reference(path, INDICATORS_TTL)
    html = render(ref, "html")
    assert EVIL not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;" in html
    md = render(ref, "md")
    assert "<script>" not in md and "&lt;script&gt;" in md


def test_cli_writes_a_file_or_stdout(tmp_path, reference):
    out = tmp_path / "doc" / "ontology.html"
    result = CliRunner().invoke(cli, ["ontology", "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == render(reference, "html")
    assert [p.name for p in out.parent.iterdir()] == ["ontology.html"]  # no temp file left
    result = CliRunner().invoke(cli, ["ontology"])
    assert result.exit_code == 0 and result.stdout == render(reference, "md")
