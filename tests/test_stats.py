"""kg.stats: degree, betweenness, components and shared awards and indicators (networkx), and `kg stats`."""
import json

import networkx
from click.testing import CliRunner
from test_viz import AWARD, GD, GZ, SZ, TH, _graph

from kg.cli import cli
from kg.stats import compute_stats, format_stats
from kg.viz import graph_to_networkx


def _stats():
    return compute_stats(graph_to_networkx(_graph()))


def test_degree_counts_distinct_neighbours_of_areas_and_awards():
    stats = _stats()
    assert [(r.iri, r.degree) for r in stats.areas] == [(str(GZ), 7), (str(SZ), 6), (str(TH), 3), (str(GD), 2)]
    assert [(r.iri, r.degree) for r in stats.awards] == [(str(AWARD), 4)]


def test_betweenness_is_networkx_on_the_undirected_graph():
    nxg = graph_to_networkx(_graph())
    expected = networkx.betweenness_centrality(networkx.Graph(nxg.to_undirected()))
    for row in _stats().areas + _stats().awards:
        assert row.betweenness == round(expected[row.iri], 6)
    assert all(0 < r.betweenness < 1 for r in _stats().areas)


def test_components_and_classes():
    stats = _stats()
    assert stats.components == [19] and stats.nodes == 19
    assert stats.classes["Area"] == 4 and stats.classes["AwardFact"] == 2 and sum(stats.classes.values()) == 19
    filtered = compute_stats(graph_to_networkx(_graph(), fact_type="target"))
    assert filtered.components == [4]


def test_shared_awards_and_indicators_count_areas():
    stats = _stats()
    # the award to 流溪河 (not an area, not based anywhere) lies in the bulletin's area
    assert [(r.name, r.areas) for r in stats.shared_awards] == [("国家生态文明建设示范区", ["天河区", "广州市"])]
    assert [(r.name, r.areas) for r in stats.shared_indicators] == [
        ("PM2.5浓度", ["广州市", "深圳市"]), ("空气质量优良天数比例", ["深圳市"])]


def test_empty_graph_and_text_format():
    empty = compute_stats(networkx.MultiDiGraph())
    assert empty.nodes == 0 and empty.components == [] and empty.areas == []
    text = format_stats(_stats())
    assert text.startswith("nodes 19, edges ") and "areas by degree" in text and "广州市  7" in text


def test_kg_stats_command(seeds_graph):
    result = CliRunner().invoke(cli, ["stats", "--graph", str(seeds_graph), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["nodes"] > 200 and len(data["components"]) >= 1
    assert data["areas"][0]["name"] == "广州市" and data["areas"][0]["degree"] >= data["areas"][1]["degree"]
    assert data["shared_indicators"][0]["areas"] and data["shared_awards"]
    table = CliRunner().invoke(cli, ["stats", "--graph", str(seeds_graph)])
    assert table.exit_code == 0 and "most shared indicators" in table.stdout
    missing = CliRunner().invoke(cli, ["stats", "--graph", str(seeds_graph.parent / "nope.ttl")])
    assert missing.exit_code == 2 and missing.stderr.startswith("Error:") and "nope.ttl" in missing.stderr


def test_module_examples_run():
    import doctest

    from kg import layout, stats, subgraph, svgchart

    for module in (layout, stats, subgraph, svgchart):
        assert doctest.testmod(module).failed == 0, module.__name__
