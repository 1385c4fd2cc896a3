"""kg.viz: the offline HTML graph page and the networkx view behind it."""
import json
import re
from html.parser import HTMLParser
from importlib import resources

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.errors import KgError
from kg.namespace import EK, EKD, EKI, NIF, bind_prefixes
from kg.viz import VizFilterError, graph_to_networkx, write_page

EVIL = '空气质量持续改善<script>alert("x")</script>，PM2.5浓度为23微克/立方米</script><!--'

DOC_GZ, DOC_SZ = EKD["doc/00000000000000aa"], EKD["doc/00000000000000bb"]
GD, GZ, TH, SZ = (EKD[f"area/{c}"] for c in ("440000", "440100", "440106", "440300"))
ORG = EKD["org/广州市生态环境局"]
RIVER = EKD["entity/流溪河"]
AWARD = EKD["award/国家生态文明建设示范区"]
PLAN = EKD["plan/广州市空气质量持续改善行动方案（2024—2025年）"]
PM25, GOOD = EKI.pm25, EKI.good_days
F = {name: EKD[f"fact/{name}"] for name in
     ("obs_gz", "obs_sz_2022", "obs_sz_good", "target_gz", "award_th", "award_river", "plan_gz")}

ALL_NODES = {DOC_GZ, DOC_SZ, GD, GZ, TH, SZ, ORG, RIVER, AWARD, PLAN, PM25, GOOD, *F.values()}


def _graph() -> Graph:
    g = bind_prefixes(Graph(bind_namespaces="core"))
    add = g.add

    def bulletin(doc, file, title, area, year, issuer=None):
        add((doc, RDF.type, EK.Bulletin))
        add((doc, EK.fileName, Literal(file)))
        add((doc, DCTERMS.title, Literal(title)))
        add((doc, EK.aboutArea, area))
        add((doc, EK.reportYear, Literal(str(year), datatype=XSD.gYear)))
        if issuer is not None:
            add((doc, EK.issuedBy, issuer))

    def area(node, code, name, level, parent=None):
        add((node, RDF.type, EK.Area))
        add((node, RDFS.label, Literal(name, lang="zh")))
        add((node, EK.adminCode, Literal(code)))
        add((node, EK.adminLevel, Literal(level)))
        if parent is not None:
            add((node, EK.partOf, parent))

    def fact(node, cls, doc, year, text, begin, **props):
        sentence = URIRef(f"{doc}/s/{begin}-{begin + len(text)}")
        add((sentence, RDF.type, EK.Sentence))
        add((sentence, NIF.anchorOf, Literal(text)))
        add((sentence, NIF.beginIndex, Literal(begin, datatype=XSD.nonNegativeInteger)))
        add((sentence, NIF.endIndex, Literal(begin + len(text), datatype=XSD.nonNegativeInteger)))
        add((sentence, NIF.referenceContext, doc))
        add((node, RDF.type, cls))
        add((node, RDF.type, EK.Fact))
        add((node, EK.statedIn, doc))
        add((node, EK.evidence, sentence))
        add((node, EK.year, Literal(str(year), datatype=XSD.gYear)))
        add((node, EK.extractedBy, Literal("test/rule")))
        for prop, value in props.items():
            add((node, EK[prop], value))

    area(GD, "440000", "广东省", "province")
    area(GZ, "440100", "广州市", "prefecture", GD)
    area(TH, "440106", "天河区", "county", GZ)
    area(SZ, "440300", "深圳市", "prefecture", GD)
    add((ORG, RDF.type, EK.Organisation))
    add((ORG, RDFS.label, Literal("广州市生态环境局", lang="zh")))
    add((ORG, EK.basedIn, GZ))
    add((RIVER, RDF.type, EK.NamedRecipient))
    add((RIVER, RDFS.label, Literal("流溪河", lang="zh")))
    add((AWARD, RDF.type, EK.Award))
    add((AWARD, RDFS.label, Literal("国家生态文明建设示范区", lang="zh")))
    add((PLAN, RDF.type, EK.PlanDocument))
    add((PLAN, RDFS.label, Literal("广州市空气质量持续改善行动方案（2024—2025年）", lang="zh")))
    add((PLAN, DCTERMS.title, Literal("广州市空气质量持续改善行动方案（2024—2025年）")))
    for ind, zh in ((PM25, "PM2.5浓度"), (GOOD, "空气质量优良天数比例")):
        add((ind, RDF.type, EK.Indicator))
        add((ind, SKOS.prefLabel, Literal(zh, lang="zh")))
    bulletin(DOC_GZ, "000_gz.txt", "2023年广州市生态环境状况公报", GZ, 2023, ORG)
    bulletin(DOC_SZ, "001_sz.txt", "2023年深圳市生态环境状况公报", SZ, 2023)

    ugm = dict(unitCode=Literal("μg/m3"))
    fact(F["obs_gz"], EK.Observation, DOC_GZ, 2023, EVIL, 120, area=GZ, indicator=PM25,
         value=Literal("23.0", datatype=XSD.decimal), **ugm)
    fact(F["obs_sz_2022"], EK.Observation, DOC_SZ, 2022, "2022年深圳市PM2.5浓度为18微克/立方米。", 10,
         area=SZ, indicator=PM25, value=Literal("18", datatype=XSD.decimal), **ugm)
    fact(F["obs_sz_good"], EK.Observation, DOC_SZ, 2023, "深圳市空气质量优良天数比例为95.1%。", 40,
         area=SZ, indicator=GOOD, value=Literal("95.10", datatype=XSD.decimal), unitCode=Literal("%"),
         changeValue=Literal("1.2", datatype=XSD.decimal), changeUnit=Literal("pp"),
         direction=Literal("up"))
    fact(F["target_gz"], EK.Target, DOC_GZ, 2025, "到2025年PM2.5浓度不高于15微克/立方米。", 300,
         area=GZ, indicator=PM25, value=Literal("15", datatype=XSD.decimal),
         comparator=Literal("<="), **ugm)
    fact(F["award_th"], EK.AwardFact, DOC_GZ, 2023, "天河区获评国家生态文明建设示范区。", 400,
         recipient=TH, award=AWARD)
    fact(F["award_river"], EK.AwardFact, DOC_GZ, 2023, "流溪河获评国家生态文明建设示范区。", 450,
         recipient=RIVER, award=AWARD)
    fact(F["plan_gz"], EK.PlanFact, DOC_GZ, 2023, "印发实施《广州市空气质量持续改善行动方案》。", 500,
         plan=PLAN, issuer=ORG, action=Literal("印发实施"))
    for s, p, o in ((GZ, EK.observed, PM25), (SZ, EK.observed, PM25), (SZ, EK.observed, GOOD),
                    (DOC_GZ, EK.targets, PM25), (TH, EK.achieved, AWARD),
                    (RIVER, EK.achieved, AWARD), (ORG, EK.issued, PLAN)):
        add((s, p, o))
    return g


@pytest.fixture(scope="module")
def graph() -> Graph:
    return _graph()


def _embedded(page: str) -> dict:
    match = re.search(r'<script id="envkg-data" type="application/json">(.*?)</script>', page, re.S)
    assert match, "the page embeds its data as a JSON script block"
    return json.loads(match.group(1))


class _Tags(HTMLParser):
    """The start tags of a page as (tag, attrs), as a browser's tokenizer sees them."""

    @classmethod
    def of(cls, page: str) -> list:
        parser = cls()
        parser.tags = []
        parser.feed(page)
        return parser.tags

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _ids(nxg) -> set:
    return {URIRef(n) for n in nxg.nodes}


# ---------------------------------------------------------------- nodes, edges, labels

def test_nodes_are_the_entities_and_facts_not_sentences(graph):
    nxg = graph_to_networkx(graph)
    assert _ids(nxg) == ALL_NODES
    assert not any("/s/" in n for n in nxg.nodes)
    assert nxg.nodes[str(GZ)]["cls"] == "Area" and nxg.nodes[str(F["target_gz"])]["cls"] == "Target"


def test_edges_link_facts_entities_and_areas(graph):
    edges = set(graph_to_networkx(graph).edges(keys=True))
    for s, o, key in ((F["obs_gz"], GZ, "area"), (F["obs_gz"], PM25, "indicator"),
                      (F["obs_gz"], DOC_GZ, "statedIn"), (F["award_th"], TH, "recipient"),
                      (F["award_th"], AWARD, "award"), (F["plan_gz"], PLAN, "plan"),
                      (F["plan_gz"], ORG, "issuer"), (GZ, PM25, "observed"),
                      (DOC_GZ, PM25, "targets"), (TH, AWARD, "achieved"), (ORG, PLAN, "issued"),
                      (TH, GZ, "partOf"), (GZ, GD, "partOf"), (DOC_GZ, GZ, "aboutArea")):
        assert (str(s), str(o), key) in edges
    assert not any("/s/" in s or "/s/" in o for s, o, _ in edges)


def test_chinese_labels_and_tooltips(graph):
    nodes = graph_to_networkx(graph).nodes
    assert nodes[str(F["obs_gz"])]["name"] == "PM2.5浓度 23 μg/m3 (2023)"
    assert nodes[str(F["obs_gz"])]["label"] == "PM2.5浓度\n23 μg/m3 (2023)"
    assert nodes[str(F["target_gz"])]["name"] == "PM2.5浓度 ≤ 15 μg/m3 (2025)"
    assert nodes[str(F["obs_sz_good"])]["name"] == "空气质量优良天数比例 95.1 % ↑1.2pp (2023)"
    assert nodes[str(F["award_th"])]["label"] == "获奖 2023"
    assert nodes[str(F["plan_gz"])]["label"] == "印发实施 2023"
    assert nodes[str(GZ)]["label"] == "广州市"
    plan = nodes[str(PLAN)]
    assert len(plan["label"]) <= 18 and plan["label"].endswith("…")
    assert "广州市空气质量持续改善行动方案（2024—2025年）" in plan["title"]
    tooltip = nodes[str(F["obs_gz"])]["title"]
    assert EVIL in tooltip and "000_gz.txt" in tooltip
    assert "深圳市PM2.5浓度为18" in nodes[str(F["obs_sz_2022"])]["title"]


# ---------------------------------------------------------------- filters

EXPECTED = [
    ({}, ALL_NODES),
    ({"area": "广州市"}, {F["obs_gz"], F["target_gz"], F["award_th"], F["award_river"], F["plan_gz"],
                         DOC_GZ, GZ, TH, PM25, AWARD, RIVER, PLAN, ORG}),
    ({"area": "深圳市"}, {F["obs_sz_2022"], F["obs_sz_good"], DOC_SZ, SZ, PM25, GOOD}),
    ({"area": "440000"}, ALL_NODES - {GD}),
    ({"year": 2022}, {F["obs_sz_2022"], DOC_SZ, SZ, PM25}),
    ({"year": 2023}, {F["obs_gz"], F["award_th"], F["award_river"], F["plan_gz"], F["obs_sz_good"],
                      DOC_GZ, DOC_SZ, GZ, TH, SZ, PM25, GOOD, AWARD, RIVER, PLAN, ORG}),
    ({"year": 1999}, set()),
    ({"fact_type": "target"}, {F["target_gz"], DOC_GZ, GZ, PM25}),
    ({"fact_type": "award"}, {F["award_th"], F["award_river"], DOC_GZ, TH, RIVER, AWARD}),
    ({"fact_type": "plan"}, {F["plan_gz"], DOC_GZ, PLAN, ORG}),
    ({"indicator": "pm25"}, {F["obs_gz"], F["obs_sz_2022"], F["target_gz"], DOC_GZ, DOC_SZ, GZ, SZ, PM25}),
    ({"indicator": "good_days"}, {F["obs_sz_good"], DOC_SZ, SZ, GOOD}),
    ({"area": "广州市", "fact_type": "observation"}, {F["obs_gz"], DOC_GZ, GZ, PM25}),
]


@pytest.mark.parametrize("filters, expected", EXPECTED, ids=[repr(f) for f, _ in EXPECTED])
def test_filters_keep_the_connected_context(graph, filters, expected, tmp_path):
    assert _ids(graph_to_networkx(graph, **filters)) == expected
    summary = write_page(graph, tmp_path / "page.html", **filters)
    data = _embedded(summary.path.read_text(encoding="utf-8"))
    assert summary.nodes == len(data["nodes"]) == len(expected)
    assert {URIRef(n["id"]) for n in data["nodes"]} == expected
    assert summary.edges == len(data["edges"])
    ids = {n["id"] for n in data["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in data["edges"])


@pytest.mark.parametrize("filters", [{"area": "火星市"}, {"indicator": "no_such"}, {"year": "去年"},
                                     {"fact_type": "opinion"}])
def test_a_filter_naming_nothing_raises(graph, filters):
    with pytest.raises(VizFilterError) as err:
        graph_to_networkx(graph, **filters)
    assert isinstance(err.value, ValueError) and isinstance(err.value, KgError)


# ---------------------------------------------------------------- the page

@pytest.fixture(scope="module")
def page(graph, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("viz") / "graph.html"
    write_page(graph, out, title='环境<b>图谱</b> & "x"')
    return out.read_text(encoding="utf-8")


def test_page_is_offline(page):
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "@import" not in page
    assert "cdn" not in page  # cdnjs, jsdelivr's cdn., …
    assert "<link" not in page.lower()
    vis_js = (resources.files("pyvis") / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text(encoding="utf-8")
    assert vis_js[:2000] in page and vis_js[-2000:] in page  # vis-network inlined
    assert "new vis.Network(" in page


def test_document_text_cannot_break_out(page):
    assert "<script>alert" not in page
    assert 'alert("x")</script>' not in page
    assert "<!--" not in page.split("<body>", 1)[1]
    # an HTML parser sees exactly the page's own three script blocks, the data one intact
    assert [attrs for tag, attrs in _Tags.of(page) if tag == "script"] == [
        [("id", "envkg-data"), ("type", "application/json")], [], []]
    data = _embedded(page)
    fact = next(n for n in data["nodes"] if n["id"] == str(F["obs_gz"]))
    assert EVIL in fact["title"]  # the sentence survives as data, for vis to show as text


def test_title_is_escaped(page):
    assert "<b>图谱" not in page
    assert "<title>环境&lt;b&gt;图谱&lt;/b&gt; &amp; &quot;x&quot;</title>" in page


def test_same_graph_same_bytes(graph, tmp_path):
    first = write_page(graph, tmp_path / "a.html").path.read_bytes()
    second = write_page(graph, tmp_path / "b.html").path.read_bytes()
    assert first == second
    reloaded = Graph().parse(data=graph.serialize(format="nt"), format="nt")
    assert write_page(reloaded, tmp_path / "c.html").path.read_bytes() == first


def test_legend_covers_every_class_shown(graph, page, tmp_path):
    data = _embedded(page)
    classes = {n["cls"] for n in data["nodes"]}
    assert len(classes) == 11
    for cls in classes:
        assert f'<li data-class="{cls}">' in page
    small = write_page(graph, tmp_path / "t.html", fact_type="target").path.read_text(encoding="utf-8")
    assert '<li data-class="Target">' in small and '<li data-class="AwardFact">' not in small


def test_physics_settles_then_stops(page):
    options = _embedded(page)["options"]
    assert options["physics"]["stabilization"]["enabled"] is True
    assert 0 < options["physics"]["stabilization"]["iterations"] <= 1000
    assert "layout" in options and "randomSeed" in options["layout"]
    assert re.search(r'"stabilizationIterationsDone".*?setOptions\(\{\s*physics:\s*false', page, re.S)


# ---------------------------------------------------------------- a subgraph from a query

@pytest.fixture(scope="module")
def store(graph, tmp_path_factory):
    from kg.store import open_store

    path = tmp_path_factory.mktemp("store") / "g.ttl"
    graph.serialize(path, format="turtle")
    return open_store(path)


def _select(store, sparql, **params):
    from kg.query import inline_query, load_query, parse_params
    from kg.subgraph import select_by_query

    named = load_query(sparql) if sparql.isidentifier() else inline_query(sparql)
    return select_by_query(store, named, parse_params(named, [f"{k}={v}" for k, v in params.items()]))


@pytest.mark.parametrize("sparql, form", [
    ("SELECT ?x WHERE { ?x ?p ?o }", "select"),
    ("# CONSTRUCT in a comment\nPREFIX x: <http://e/select#>\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "construct"),
    ("DESCRIBE <http://e/a>", "construct"),
    ('ASK { ?s ?p "CONSTRUCT" }', "ask"),
])
def test_query_form(sparql, form):
    from kg.subgraph import query_form

    assert query_form(sparql) == form


def test_select_draws_its_iris_and_the_facts_linking_them(graph, store):
    selection = _select(store, "SELECT ?a ?ind WHERE { ?a ek:observed ?ind }")
    nodes = _ids(graph_to_networkx(graph, selection=selection))
    # areas and indicators, and the observations linking an area to an indicator (not the bulletins)
    assert nodes == {GZ, SZ, PM25, GOOD, F["obs_gz"], F["obs_sz_2022"], F["obs_sz_good"], F["target_gz"]}


def test_select_of_a_sentence_draws_its_facts(graph, store):
    selection = _select(store, "SELECT ?s WHERE { ?s nif:anchorOf ?t FILTER(CONTAINS(?t, '天河区')) }")
    assert _ids(graph_to_networkx(graph, selection=selection)) == {F["award_th"]}


def test_a_named_query_returning_names_draws_those_nodes(graph, store):
    selection = _select(store, "awards", recipient="天河区")
    nodes = _ids(graph_to_networkx(graph, selection=selection))
    assert {TH, AWARD, F["award_th"], DOC_GZ} <= nodes and RIVER not in nodes and GZ not in nodes


def test_construct_draws_its_triples_as_edges(graph, store):
    selection = _select(store, "CONSTRUCT { ?a <http://example.org/sharesIndicatorWith> ?b } "
                               "WHERE { ?a ek:observed ?i . ?b ek:observed ?i FILTER(STR(?a) < STR(?b)) }")
    nxg = graph_to_networkx(graph, selection=selection)
    assert _ids(nxg) == {GZ, SZ} and set(nxg.edges(keys=True)) == {(str(GZ), str(SZ), "sharesIndicatorWith")}


def test_query_page_and_filters_do_not_mix(graph, store, tmp_path):
    selection = _select(store, "SELECT ?a ?ind WHERE { ?a ek:observed ?ind }")
    summary = write_page(graph, tmp_path / "q.html", selection=selection)
    data = _embedded(summary.path.read_text(encoding="utf-8"))
    assert summary.nodes == len(data["nodes"]) == 8
    edge = next(e for e in data["edges"] if e["predicate"] == "observed")
    assert edge["title"] == "监测"
    with pytest.raises(VizFilterError):
        graph_to_networkx(graph, area="广州市", selection=selection)


def test_facts_carry_facets_for_the_page_filters(graph):
    nodes = graph_to_networkx(graph).nodes
    assert nodes[str(F["award_th"])]["facets"] == {"area": ["天河区", "广东省", "广州市"], "year": "2023",
                                                   "type": "award", "indicator": ""}
    assert nodes[str(F["obs_sz_good"])]["facets"]["indicator"] == "空气质量优良天数比例"
    assert "facets" not in nodes[str(GZ)]


def test_kg_viz_query_command(seeds_graph, tmp_path):
    from click.testing import CliRunner

    from kg.cli import cli

    out = tmp_path / "q.html"
    result = CliRunner().invoke(cli, ["viz", "--graph", str(seeds_graph), "-o", str(out), "--query", "awards",
                                      "--param", "recipient=从化区"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"wrote \S+ \(\d+ nodes, \d+ edges\)\n", result.stderr)
    nodes = {n["name"] for n in _embedded(out.read_text(encoding="utf-8"))["nodes"]}
    assert "从化区" in nodes and "广州市" not in nodes
    for args, message in ((["--param", "x=1"], "--param needs --query"),
                          (["--query", "awards", "--param", "x=1"], "unknown parameter 'x'"),
                          (["--query", "nope"], "unknown query 'nope'"),
                          (["--query", "awards", "--area", "广州市"], "not both")):
        bad = CliRunner().invoke(cli, ["viz", "--graph", str(seeds_graph), "-o", str(out), *args])
        assert bad.exit_code == 2 and message in bad.stderr and "Traceback" not in bad.output
