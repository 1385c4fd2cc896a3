"""kg.store and kg.query: named queries on both engines, parameters, formats, errors."""
import csv
import io
import json
import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

from kg.errors import GraphError, QueryError
from kg.query import (
    QUERIES_DIR,
    display_width,
    format_result,
    list_queries,
    load_query,
    parse_params,
    run_query,
)
from kg.store import ENGINES, PREFIXES, open_store

MINI = Path(__file__).parent / "fixtures" / "mini.ttl"
GZ = "100_49ea8fff0462e29a.txt"
SZ = "101_4882bcc5d89be65d.txt"
SCRIPT = '广州市生态环境局荣获"全国生态环境系统先进集体"称号<script>alert(1)</script>。'
INJECTIONS = ['"} . ?s ?p ?o {', "' OR 1=1", '广州市"@zh } UNION { ?s ?p ?o', "2023\" . ?x ?y ?z"]
# a value for each required parameter, used when running every query
REQUIRED = {"area": "广州市", "indicator": "pm25", "doc": SZ}


@pytest.fixture(scope="module")
def stores():
    return {engine: open_store(MINI, engine) for engine in ENGINES}


@pytest.fixture(scope="module")
def ox(stores):
    return stores["oxigraph"]


def required_params(query):
    return {p.name: REQUIRED[p.name] for p in query.params if p.required}


def both(stores, query, params=None):
    results = [run_query(stores[e], query, params) for e in ENGINES]
    assert results[0].columns == results[1].columns
    assert results[0].rows == results[1].rows, f"{query.name}: engines disagree"
    assert results[0].terms == results[1].terms, f"{query.name}: engines disagree on term kinds"
    return results[0]


# -- the named queries --------------------------------------------------------------

def test_the_named_queries_exist():
    names = {q.name for q in list_queries()}
    assert {"observations", "targets", "awards", "plans", "awards-of-area", "indicator-across-areas",
            "targets-vs-results", "facts-of-document", "documents", "indicators"} <= names


@pytest.mark.parametrize("path", sorted(QUERIES_DIR.glob("*.rq")), ids=lambda p: p.stem)
def test_header_is_complete_and_columns_are_the_select_variables(path):
    query = load_query(str(path))
    assert query.title and query.title != path.stem
    assert query.description
    assert query.columns
    for p in query.params:
        assert p.description, f"{path.name}: param {p.name} has no description"
        assert p.name in query.columns, f"{path.name}: param {p.name} must be a projected column"
    projected = [str(v) for v in prepareQuery(query.sparql).algebra["PV"]]
    assert tuple(projected) == query.columns


@pytest.mark.parametrize("path", sorted(QUERIES_DIR.glob("*.rq")), ids=lambda p: p.stem)
def test_every_query_orders_by_all_its_columns(path):
    query = load_query(str(path))
    order = re.search(r"ORDER BY(.*)$", query.sparql, re.S)
    assert order, f"{path.name} has no ORDER BY"
    for column in query.columns:
        assert re.search(rf"\?{column}\b", order.group(1)), f"{path.name}: ORDER BY lacks ?{column}"


@pytest.mark.parametrize("name", [p.stem for p in sorted(QUERIES_DIR.glob("*.rq"))])
def test_every_query_gives_identical_rows_on_both_engines(stores, name):
    query = load_query(name)
    result = both(stores, query, required_params(query))
    assert result.rows, f"{name} returns nothing on mini.ttl"
    assert list(result.columns) == list(query.columns)
    # every parameter, given a value its column holds, keeps exactly the rows with that value
    for p in query.params:
        params = required_params(query)
        values = sorted({row[query.columns.index(p.name)] for row in result.rows})
        for value in values:
            params[p.name] = value
            filtered = both(stores, query, params)
            assert filtered.rows
            assert {row[query.columns.index(p.name)] for row in filtered.rows} == {value}
            if not p.required:
                expected = [r for r in result.rows if r[query.columns.index(p.name)] == value]
                assert filtered.rows == expected


def test_observations_rows(stores):
    assert both(stores, load_query("observations")).rows == [
        (GZ, "从化区", "2023", "pm25", "20", "μg/m3", "", "",
         "2023年,全市细颗粒物(PM2.5)平均浓度为23微克/立方米,其中从化区为20微克/立方米。"),
        (GZ, "广州市", "2023", "pm25", "23", "μg/m3", "", "",
         "2023年,全市细颗粒物(PM2.5)平均浓度为23微克/立方米,其中从化区为20微克/立方米。"),
        (GZ, "广州市", "2023", "good_air_days_ratio", "90.4", "%", "", "",
         "空气质量优良天数比率为90.4%,同比提升6.6个百分点。"),
        (GZ, "广州市", "2023", "surface_water_good_ratio", "85", "%", "", "市中心城区",
         "市中心城区地表水水质优良断面比例为85.0%。"),
        (GZ, "广州市", "2023", "env_complaints", "16.2", "%", "decrease", "",
         "全年受理环境信访案件同比下降16.2%。"),
        (SZ, "深圳市", "2022", "pm25", "16", "μg/m3", "", "",
         "2022年,全市PM2.5年均浓度为16微克/立方米,完成控制在18微克/立方米以内的年度目标。"),
        (SZ, "深圳市", "2022", "good_air_days_ratio", "94.5", "%", "", "",
         "空气质量优良天数比率为94.5%,未完成不低于96%的年度目标。"),
        (SZ, "深圳市", "2022", "env_complaints", "23.1", "pp", "decrease", "", "环境信访总量下降23.1个百分点。"),
    ]


def test_targets_rows(stores):
    assert both(stores, load_query("targets")).rows == [
        (SZ, "深圳市", "2022", "pm25", "18", "μg/m3", "<=", "", "",
         "2022年,全市PM2.5年均浓度为16微克/立方米,完成控制在18微克/立方米以内的年度目标。"),
        (SZ, "深圳市", "2022", "good_air_days_ratio", "96", "%", ">=", "", "",
         "空气质量优良天数比率为94.5%,未完成不低于96%的年度目标。"),
        (SZ, "深圳市", "2023", "pm25", "15", "μg/m3", "<=", "", "", "2023年,PM2.5年均浓度力争降至15微克/立方米。"),
        (SZ, "深圳市", "2023", "env_complaints", "10", "%", ">=", "decrease", "", "环境信访总量同比下降10%以上。"),
    ]


def test_awards_rows(stores):
    assert both(stores, load_query("awards")).rows == [
        (GZ, "从化区", "国家生态文明建设示范区", "2023", "从化区成功创建国家生态文明建设示范区。"),
        (GZ, "广州市生态环境局", "全国生态环境系统先进集体", "2023", SCRIPT),
        (SZ, "茅洲河", "全国美丽河湖优秀案例", "2022", "茅洲河入选全国美丽河湖优秀案例。"),
        (SZ, "深圳市", "国家气候投融资试点", "2022", "深圳市入选国家气候投融资试点。"),
    ]


def test_plans_rows(stores):
    assert both(stores, load_query("plans")).rows == [
        (GZ, "广州市2023年大气污染防治工作计划", "广州市", "2023", "印发实施", "印发实施《广州市2023年大气污染防治工作计划》。"),
        (SZ, "深圳经济特区生态环境保护条例", "深圳市", "2022", "修订", "修订《深圳经济特区生态环境保护条例》。"),
        (SZ, "深圳市生态环境分区管控方案", "深圳市生态环境局", "2023", "研究制定", "研究制定《深圳市生态环境分区管控方案》。"),
    ]


@pytest.mark.parametrize("area, expected", [
    ("广东省", [("从化区", "area"), ("广州市生态环境局", "organisation"), ("茅洲河", "bulletin"), ("深圳市", "area")]),
    ("广州市", [("从化区", "area"), ("广州市生态环境局", "organisation")]),
    ("从化区", [("从化区", "area")]),
    ("深圳市", [("茅洲河", "bulletin"), ("深圳市", "area")]),
])
def test_awards_of_area_follows_part_of_based_in_and_bulletins(stores, area, expected):
    result = both(stores, load_query("awards-of-area"), {"area": area})
    assert [(r["recipient"], r["via"]) for r in result.records()] == expected
    assert {r["area"] for r in result.records()} == {area}


def test_indicator_across_areas_is_ranked(stores):
    result = both(stores, load_query("indicator-across-areas"), {"indicator": "pm25"})
    assert [(r["year"], r["area"], r["value"]) for r in result.records()] == [
        ("2023", "从化区", "20"), ("2023", "广州市", "23"), ("2022", "深圳市", "16")]
    result = both(stores, load_query("indicator-across-areas"), {"indicator": "env_complaints"})
    assert result.rows == []  # only changes are known, and changes are left out


def test_targets_vs_results_status(stores):
    result = both(stores, load_query("targets-vs-results"), {"area": "深圳市"})
    got = [(r["indicator"], r["year"], r["comparator"], r["target"], r["result"], r["status"])
           for r in result.records()]
    assert got == [
        ("env_complaints", "2023", ">=", "10", None, "not yet reported"),
        ("good_air_days_ratio", "2022", ">=", "96", "94.5", "missed"),
        ("pm25", "2022", "<=", "18", "16", "met"),
        ("pm25", "2023", "<=", "15", None, "not yet reported"),
    ]


def test_targets_vs_results_takes_of_into_account(tmp_path):
    extra = MINI.read_text(encoding="utf-8") + """
<urn:test:o1> a ek:Observation ; ek:statedIn <urn:test:d> ; ek:evidence <urn:test:s> ;
    ek:year "2023"^^xsd:gYear ; ek:area <https://w3id.org/envkg/id/area/440300> ;
    ek:indicator eki:env_complaints ; ek:value 12 ; ek:unitCode "%" ; ek:of "increase" .
<urn:test:o2> a ek:Observation ; ek:statedIn <urn:test:d> ; ek:evidence <urn:test:s> ;
    ek:year "2023"^^xsd:gYear ; ek:area <https://w3id.org/envkg/id/area/440300> ;
    ek:indicator eki:pm25 ; ek:value 14.5 ; ek:unitCode "μg/m3" .
<urn:test:d> ek:fileName "999_test.txt" .
"""
    path = tmp_path / "graph.ttl"
    path.write_text(extra, encoding="utf-8")
    stores = {e: open_store(path, e) for e in ENGINES}
    result = both(stores, load_query("targets-vs-results"), {"area": "深圳市"})
    status = {(r["indicator"], r["year"]): (r["result"], r["status"]) for r in result.records()}
    assert status[("env_complaints", "2023")] == ("12", "missed")  # an increase where a decrease was targeted
    assert status[("pm25", "2023")] == ("14.5", "met")


def test_facts_of_document_lists_every_fact_in_sentence_order(stores):
    result = both(stores, load_query("facts-of-document"), {"doc": SZ})
    assert len(result.rows) == 11
    positions = [int(r["position"]) for r in result.records()]
    assert positions == sorted(positions)
    assert {r["kind"] for r in result.records()} == {"observation", "target", "award", "plan"}
    assert ("target", ">= decrease") in {(r["kind"], r["detail"]) for r in result.records()}


def test_documents_counts_facts(stores):
    result = both(stores, load_query("documents"))
    assert [(r["doc"], r["area"], r["report_year"], r["plan_year"], r["facts"]) for r in result.records()] == [
        (GZ, "广州市", "2023", None, "8"), (SZ, "深圳市", "2022", "2023", "11")]


# -- parameters ---------------------------------------------------------------------

@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize("name, param", [
    ("observations", "area"), ("awards-of-area", "area"), ("indicator-across-areas", "indicator"),
    ("facts-of-document", "doc"), ("awards", "recipient"),
])
def test_a_parameter_value_is_data_not_sparql(stores, name, param, value):
    query = load_query(name)
    params = required_params(query)
    params[param] = value
    assert both(stores, query, params).rows == []
    bound = parse_params(query, [f"{k}={v}" for k, v in params.items()])
    assert both(stores, query, bound).rows == []


def test_parse_params_types():
    obs = load_query("observations")
    params = parse_params(obs, ["area=广州市", "year=2023"])
    assert params == {"area": Literal("广州市", lang="zh"), "year": Literal("2023", datatype=URIRef(
        "http://www.w3.org/2001/XMLSchema#gYear"))}
    assert parse_params(load_query("facts-of-document"), ["doc=a=b.txt"]) == {"doc": Literal("a=b.txt")}


@pytest.mark.parametrize("name, pairs, message", [
    ("observations", ["colour=red"], "unknown parameter 'colour'"),
    ("observations", ["area"], "is not KEY=VALUE"),
    ("observations", ["=广州市"], "is not KEY=VALUE"),
    ("observations", ["year=23"], "four-digit year"),
    ("observations", ["year=二〇二三"], "four-digit year"),
    ("observations", ["year=2023", "year=2022"], "given twice"),
    ("awards-of-area", [], "'area' is required"),
    ("indicator-across-areas", ["year=2023"], "'indicator' is required"),
])
def test_bad_parameters(name, pairs, message):
    with pytest.raises(QueryError, match=message):
        parse_params(load_query(name), pairs)


def test_typed_parameters(tmp_path):
    path = tmp_path / "typed.rq"
    path.write_text(
        "# title: Typed\n# param: n integer optional A count\n# param: x decimal optional A value\n"
        "# param: i iri optional An IRI\nSELECT ?n ?x ?i WHERE { }\n", encoding="utf-8")
    query = load_query(str(path))
    assert parse_params(query, ["n=+7", "x=2.50", "i=https://w3id.org/envkg/id/area/440100"]) == {
        "n": Literal("7", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")),
        "x": Literal("2.50", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")),
        "i": URIRef("https://w3id.org/envkg/id/area/440100"),
    }
    for bad in ("n=7.5", "x=1e3", "x=abc", "i=not an iri", "i=<urn:x>"):
        with pytest.raises(QueryError, match="is not"):
            parse_params(query, [bad])


def test_a_bad_param_header_names_file_and_line(tmp_path):
    path = tmp_path / "bad.rq"
    path.write_text("# title: Bad\n# param: area colour optional Nope\nSELECT ?area WHERE {}\n", encoding="utf-8")
    with pytest.raises(QueryError, match=r"bad\.rq:2: parameter type 'colour'"):
        load_query(str(path))


def test_unknown_query_name_suggests_close_names():
    with pytest.raises(QueryError, match=r"did you mean observations.*kg query --list"):
        load_query("observation")
    with pytest.raises(QueryError, match="kg query --list"):
        load_query("zzz")
    with pytest.raises(QueryError, match="not found"):
        load_query("no/such/file.rq")


# -- how each engine treats a bound variable: made identical by Store ---------------

PARAM_SPARQL = """PREFIX ek: <https://w3id.org/envkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?code ?name WHERE { ?a ek:adminCode ?code ; rdfs:label ?name . FILTER(?code != "440000" && ?name = ?name) }
ORDER BY ?code"""


@pytest.mark.parametrize("engine", ENGINES)
def test_a_bound_variable_in_select_and_filter_restricts_the_rows(stores, engine):
    store = stores[engine]
    assert store.select(PARAM_SPARQL, {"code": "440117"}).rows == [("440117", "从化区")]
    assert store.select(PARAM_SPARQL, {"code": "440000"}).rows == []      # the FILTER still applies
    assert store.select(PARAM_SPARQL, {"name": Literal("深圳市", lang="zh")}).rows == [("440300", "深圳市")]
    assert store.select(PARAM_SPARQL, {"name": "深圳市"}).rows == []      # xsd:string is not "..."@zh
    assert len(store.select(PARAM_SPARQL).rows) == 3


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("sparql, message", [
    ("SELECT ?a WHERE { ?a ?p ?o FILTER(?o = ?x) }", "must be a column"),
    ("SELECT ?a ?x WHERE { ?a ?p ?o FILTER(!BOUND(?x) || ?o = ?x) }", "BOUND"),
    ("SELECT ?a ?x WHERE { ?a ?p ?o BIND(STR(?o) AS ?x) }", "assigned with AS"),
])
def test_parameter_uses_the_engines_disagree_on_are_refused(stores, engine, sparql, message):
    with pytest.raises(QueryError, match=message):
        stores[engine].select(sparql, {"x": "1"})


@pytest.mark.parametrize("engine", ENGINES)
def test_malformed_sparql_is_a_query_error(stores, engine, tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("# title: Broken\nSELECT ?x WHERE { ?x ?y }\n", encoding="utf-8")
    with pytest.raises(QueryError, match=r"^query broken: syntax error: \S") as info:
        run_query(stores[engine], load_query(str(path)))
    assert "\n" not in str(info.value)
    with pytest.raises(QueryError, match="syntax error"):
        stores[engine].select("SELECT ?x WHERE { ?x nope:y ?z }")
    with pytest.raises(QueryError, match="syntax error"):
        stores[engine].select("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


@pytest.mark.parametrize("engine", ENGINES)
def test_construct_ask_and_count(stores, engine):
    store = stores[engine]
    assert store.triple_count() == stores["oxigraph"].triple_count() > 300
    graph = store.construct("CONSTRUCT { ?a rdfs:label ?l } WHERE { ?a a ek:Area ; rdfs:label ?l }")
    assert len(graph) == 4
    assert store.ask("ASK { ?a ek:adminCode ?c }", {"c": "440117"}) is True
    assert store.ask("ASK { ?a ek:adminCode ?c }", {"c": "110000"}) is False
    with pytest.raises(QueryError, match="ASK query given; `kg query` runs SELECT queries"):
        store.select("ASK {}")
    assert "ek" in PREFIXES


@pytest.mark.parametrize("engine", ENGINES)
def test_missing_or_corrupt_graph_is_a_graph_error(tmp_path, engine):
    missing = tmp_path / "nope.ttl"
    with pytest.raises(GraphError, match=re.escape(str(missing))):
        open_store(missing, engine)
    corrupt = tmp_path / "corrupt.ttl"
    corrupt.write_text("@prefix ek: <https://w3id.org/envkg/ontology#> .\nek:a ek:b ", encoding="utf-8")
    with pytest.raises(GraphError, match=re.escape(str(corrupt))) as info:
        open_store(corrupt, engine)
    assert "\n" not in str(info.value)


def test_unknown_engine():
    with pytest.raises(QueryError, match="unknown engine"):
        open_store(MINI, "virtuoso")


# -- formats --------------------------------------------------------------------------

def test_csv_parses_back_to_the_rows_and_keeps_script_verbatim(ox):
    result = run_query(ox, load_query("awards"))
    text = format_result(result, "csv")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(result.columns)
    assert [tuple(r) for r in rows[1:]] == result.rows
    assert rows[2][-1] == SCRIPT
    assert "<script>alert(1)</script>" in text  # HTML escaping is the viewer's job, not the data's


def test_json_is_sparql_results_json(ox):
    result = run_query(ox, load_query("documents"))
    data = json.loads(format_result(result, "json"))
    assert data["head"]["vars"] == list(result.columns)
    bindings = data["results"]["bindings"]
    assert len(bindings) == len(result.rows)
    for binding in bindings:
        for var, term in binding.items():
            assert var in data["head"]["vars"]
            assert term["type"] in ("uri", "literal", "bnode")
            assert isinstance(term["value"], str)
            assert not ("xml:lang" in term and "datatype" in term)
    gz = bindings[0]
    assert "plan_year" not in gz  # unbound is left out
    assert gz["report_year"] == {"type": "literal", "value": "2023",
                                 "datatype": "http://www.w3.org/2001/XMLSchema#gYear"}
    assert gz["facts"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    assert gz["doc"] == {"type": "literal", "value": GZ}


def test_json_keeps_language_and_script(ox):
    result = run_query(ox, load_query("observations"), {"area": "从化区"})
    data = json.loads(format_result(result, "json"))
    assert data["results"]["bindings"][0]["area"] == {"type": "literal", "value": "从化区", "xml:lang": "zh"}
    text = format_result(run_query(ox, load_query("awards")), "json")
    assert json.loads(text)["results"]["bindings"][1]["evidence"]["value"] == SCRIPT
    assert "<script>alert(1)</script>" in text
    iri = ox.select("SELECT ?a WHERE { ?a ek:adminCode '440100' }")
    assert json.loads(format_result(iri, "json"))["results"]["bindings"][0]["a"] == {
        "type": "uri", "value": "https://w3id.org/envkg/id/area/440100"}


def test_tsv_escapes_tabs_and_newlines(ox):
    from kg.store import Result, Term
    result = Result(["a", "b"], [("x\ty", "1\n2"), (None, "back\\slash")],
                    [(Term("literal", "x\ty"), Term("literal", "1\n2")), (None, Term("literal", "back\\slash"))])
    assert format_result(result, "tsv") == "a\tb\nx\\ty\t1\\n2\n\tback\\\\slash\n"


def test_table_aligns_wide_characters(ox):
    result = run_query(ox, load_query("plans"))
    lines = format_result(result, "table").splitlines()
    assert len(lines) == len(result.rows) + 2
    assert set(lines[1]) <= {"-", " "}
    starts = [m.start() for m in re.finditer(r"-+", lines[1])]
    assert len(starts) == len(result.columns)

    def at_display_column(line, column):
        width = 0
        for i, ch in enumerate(line):
            if width == column:
                return line[i:]
            width += display_width(ch)
        raise AssertionError(f"{line!r} is shorter than {column}")

    for line, row in zip(lines[2:], result.rows):
        for start, value in zip(starts, row):
            assert at_display_column(line, start).startswith(value + "  ") or line.endswith(value)
    assert "\x1b" not in "".join(lines)


def test_display_width():
    assert display_width("abc") == 3
    assert display_width("广州市") == 6
    assert display_width("ＰＭ") == 4
    assert display_width("μg/m3") == 5


def test_unknown_format(ox):
    with pytest.raises(QueryError, match="unknown format"):
        format_result(run_query(ox, load_query("documents")), "xml")


def test_table_counts_cjk_as_two_columns():
    from kg.store import Result, Term
    rows = [("广州市", "23"), ("深圳", None), ("a\tb", "x")]
    terms = [tuple(None if v is None else Term("literal", v) for v in r) for r in rows]
    assert format_result(Result(["area", "value"], rows, terms), "table") == (
        "area    value\n"
        "------  -----\n"
        "广州市  23\n"
        "深圳\n"
        "a\\tb    x\n"
    )


def test_inline_query_list_and_load_graph(stores):
    from kg.query import format_query_list, inline_query
    from kg.store import load_graph
    query = inline_query("SELECT (COUNT(*) AS ?n) WHERE { ?s a ek:Bulletin }")
    assert both(stores, query).rows == [("2",)]
    with pytest.raises(QueryError, match="unknown parameter"):
        parse_params(query, ["area=广州市"])
    listing = format_query_list(list_queries())
    assert "awards-of-area  Awards of an area" in listing
    assert "--param area=…  (label, required)" in listing
    assert "\x1b" not in listing
    assert len(load_graph(MINI)) == stores["rdflib"].triple_count()
    with pytest.raises(GraphError, match="nope.ttl"):
        load_graph(MINI.parent / "nope.ttl")
