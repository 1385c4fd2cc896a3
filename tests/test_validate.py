"""kg.validate and `kg validate`: the seeds graph conforms to ontology/shapes.ttl; broken graphs
fail, and the report names the focus node, the path and the evidence sentence."""
from decimal import Decimal

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH, XSD

from kg.cli import cli
from kg.namespace import EK, NIF
from kg.store import load_graph
from kg.validate import SHAPES_TTL, format_report, load_shapes, validate_data, validate_graph

FACT_TYPES = (EK.Observation, EK.Target, EK.AwardFact, EK.PlanFact)


@pytest.fixture()
def graph(seeds_graph):
    return load_graph(seeds_graph)


def first(graph, fact_type, *, unit=None, change=False):
    """The first fact of a type (by IRI), optionally with a unit code and with/without ek:of."""
    for fact in sorted(graph.subjects(RDF.type, fact_type)):
        if unit is not None and (fact, EK.unitCode, Literal(unit)) not in graph:
            continue
        if (graph.value(fact, EK.of) is not None) != change:
            continue
        return fact
    raise AssertionError(f"no {fact_type} in the seeds graph")


def replace(graph, subject, predicate, value):
    graph.remove((subject, predicate, None))
    if value is not None:
        graph.add((subject, predicate, value))


def evidence_of(graph, fact):
    return str(graph.value(graph.value(fact, EK.evidence), NIF.anchorOf))


def only_violation(graph):
    report = validate_data(graph)
    assert len(report.violations) == 1, format_report(report)
    return report.violations[0]


def test_shapes_cover_every_fact_type():
    shapes = load_shapes()
    targeted = set(shapes.objects(None, SH.targetClass))
    assert set(FACT_TYPES) | {EK.Bulletin, EK.Sentence} <= targeted


def test_seeds_graph_conforms(seeds_graph):
    report = validate_graph(seeds_graph)
    assert report.conforms, format_report(report)
    assert format_report(report) == f"0 violations in {seeds_graph}"


def test_missing_indicator(graph):
    fact = first(graph, EK.Observation)
    text = evidence_of(graph, fact)
    replace(graph, fact, EK.indicator, None)
    v = only_violation(graph)
    assert v.focus == f"<{fact}>" and v.path == "ek:indicator"
    assert "indicator" in v.message
    assert v.evidence == text


def test_percentage_above_100(graph):
    fact = first(graph, EK.Observation, unit="%")
    replace(graph, fact, EK.value, Literal(Decimal("140"), datatype=XSD.decimal))
    v = only_violation(graph)
    assert (v.path, v.value) == ("ek:value", '"140"^^xsd:decimal')
    assert "0-100" in v.message
    assert v.evidence == evidence_of(graph, fact)


def test_a_percentage_change_may_exceed_100(graph):
    fact = first(graph, EK.Observation, unit="%", change=True)
    replace(graph, fact, EK.value, Literal(Decimal("140"), datatype=XSD.decimal))
    assert validate_data(graph).conforms


def test_evidence_from_another_bulletin(graph):
    fact = first(graph, EK.Observation)
    other = next(d for d in sorted(graph.subjects(RDF.type, EK.Bulletin)) if d != graph.value(fact, EK.statedIn))
    replace(graph, fact, EK.statedIn, other)
    v = only_violation(graph)
    sentence = graph.value(fact, EK.evidence)
    assert (v.focus, v.path) == (f"<{sentence}>", "^ek:evidence/ek:statedIn")
    assert "another bulletin" in v.message and v.evidence == evidence_of(graph, fact)


def test_change_value_unit_and_direction_come_together(graph):
    fact = next(f for f in sorted(graph.subjects(EK.changeValue, None)))
    replace(graph, fact, EK.direction, None)
    v = only_violation(graph)
    assert v.focus == f"<{fact}>" and "all three or none" in v.message


def test_negative_value(graph):
    fact = first(graph, EK.Observation, unit="μg/m3")
    replace(graph, fact, EK.value, Literal(Decimal("-3"), datatype=XSD.decimal))
    v = only_violation(graph)
    assert v.path == "ek:value" and "non-negative" in v.message


@pytest.mark.parametrize("comparator", ["<", "≤", "", "=="])
def test_bad_comparator(graph, comparator):
    fact = first(graph, EK.Target)
    replace(graph, fact, EK.comparator, Literal(comparator))
    v = only_violation(graph)
    assert v.path == "ek:comparator" and v.value == f'"{comparator}"'
    assert v.evidence == evidence_of(graph, fact)


def test_missing_comparator_and_an_observation_with_one(graph):
    target, observation = first(graph, EK.Target), first(graph, EK.Observation)
    replace(graph, target, EK.comparator, None)
    replace(graph, observation, EK.comparator, Literal("<="))
    report = validate_data(graph)
    assert {(v.focus, v.path) for v in report.violations} == {
        (f"<{target}>", "ek:comparator"), (f"<{observation}>", "ek:comparator")}


def test_missing_evidence(graph):
    fact = first(graph, EK.AwardFact)
    replace(graph, fact, EK.evidence, None)
    v = only_violation(graph)
    assert v.focus == f"<{fact}>" and v.path == "ek:evidence"


def test_year_must_be_a_gyear(graph):
    fact = first(graph, EK.PlanFact)
    replace(graph, fact, EK.year, Literal("2023"))
    v = only_violation(graph)
    assert v.path == "ek:year" and "gYear" in v.message


def test_sentence_offsets_must_match_its_text(graph):
    fact = first(graph, EK.Target)
    sentence = graph.value(fact, EK.evidence)
    begin = graph.value(sentence, NIF.beginIndex).toPython()
    replace(graph, sentence, NIF.endIndex, Literal(begin + 1, datatype=XSD.nonNegativeInteger))
    report = validate_data(graph)
    assert report.violations and all(v.focus == f"<{sentence}>" for v in report.violations)
    assert any("offsets span 1" in v.message for v in report.violations)


def test_untyped_fact_is_caught(graph):
    fact = first(graph, EK.PlanFact)
    graph.remove((fact, RDF.type, None))
    report = validate_data(graph)
    assert any(v.focus == f"<{fact}>" and v.path == "rdf:type" for v in report.violations)


def test_award_recipient_must_be_area_organisation_or_named(graph):
    fact = first(graph, EK.AwardFact)
    replace(graph, fact, EK.recipient, graph.value(fact, EK.award))
    v = only_violation(graph)
    assert v.path == "ek:recipient"


def test_cli_clean_graph_exits_0(seeds_graph):
    result = CliRunner().invoke(cli, ["validate", "--graph", str(seeds_graph)])
    assert result.exit_code == 0, result.output
    assert result.output == f"0 violations in {seeds_graph}\n"


def test_cli_broken_graph_exits_1_and_names_focus_path_and_evidence(graph, tmp_path):
    fact = first(graph, EK.Observation, unit="%")
    replace(graph, fact, EK.value, Literal(Decimal("140"), datatype=XSD.decimal))
    broken = tmp_path / "broken.ttl"
    graph.serialize(broken, format="turtle")
    result = CliRunner().invoke(cli, ["validate", "--graph", str(broken)])
    assert result.exit_code == 1
    assert f"<{fact}>" in result.output
    assert "path:     ek:value" in result.output
    assert f"evidence: {evidence_of(graph, fact)}" in result.output
    assert result.output.rstrip().endswith(f"1 violation in {broken}")


def test_cli_missing_graph_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(cli, ["validate", "--graph", str(tmp_path / "none.ttl")])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("Error: ") and "none.ttl" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_shapes_file_parses_and_is_in_the_ontology_dir():
    assert SHAPES_TTL.name == "shapes.ttl" and len(Graph().parse(SHAPES_TTL)) > 100
