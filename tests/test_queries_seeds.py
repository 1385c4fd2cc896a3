"""Every named query on the graph of the five seed bulletins: the rows hold what the bulletins
say (values checked by reading seeds/), and both engines give the same rows."""
import pytest

from kg.query import list_queries, load_query, run_query
from kg.store import ENGINES, open_store

GZ, JN, SZ, GANZHOU, HZ = (
    "000_69ad9ab762b26814.txt", "001_15eb9a7c720f71b1.txt", "002_d9a362fbed6fc341.txt",
    "003_14e99ec946930a51.txt", "004_d6ec991cb5fe69dc.txt",
)


@pytest.fixture(scope="module")
def stores(seeds_graph):
    return {engine: open_store(seeds_graph, engine) for engine in ENGINES}


def rows(stores, name, **params):
    """The query's records on oxigraph, after checking rdflib gives the same rows."""
    query = load_query(name)
    results = [run_query(stores[engine], query, params) for engine in ENGINES]
    assert results[0].rows == results[1].rows, f"{name}: the engines disagree"
    return results[0].records()


def test_there_are_at_least_twelve_named_queries():
    assert len(list_queries()) >= 12


def test_observations_holds_guangzhou_pm25(stores):
    # 000: "PM2.5)平均浓度为23微克/立方米"
    found = [r for r in rows(stores, "observations", area="广州市", year="2023") if r["indicator"] == "pm25"]
    assert [(r["doc"], r["value"], r["unit"], r["of"]) for r in found] == [(GZ, "23", "μg/m3", "")]
    assert "23微克/立方米" in found[0]["evidence"]


def test_targets_holds_shenzhen_2023_targets(stores):
    # 002: "PM2.5年均浓度力争降至15微克/立方米", "环境信访总量同比下降10%以上"
    found = {(r["indicator"], r["comparator"], r["value"], r["of"])
             for r in rows(stores, "targets", area="深圳市", year="2023")}
    assert ("pm25", "<=", "15", "") in found
    assert ("env_complaints", ">=", "10", "decrease") in found
    assert ("good_air_days_ratio", "=", "95.5", "") in found


def test_awards_holds_conghua_demonstration_zone(stores):
    found = rows(stores, "awards", recipient="从化区")
    assert [(r["doc"], r["award"], r["year"]) for r in found] == [(GZ, "国家生态文明建设示范区", "2023")]


def test_plans_holds_guangzhou_air_plan(stores):
    found = {(r["title"], r["action"]) for r in rows(stores, "plans", issuer="广州市", year="2023")}
    assert ("广州市2023年大气污染防治工作计划", "印发实施") in found
    assert len(found) == 13


def test_awards_of_area_by_year_follows_districts_and_bureau(stores):
    found = rows(stores, "awards-of-area", area="深圳市", year="2022")
    vias = {(r["recipient"], r["via"]) for r in found}
    assert ("光明区", "area") in vias and ("深圳市生态环境局", "organisation") in vias
    assert all(r["year"] == "2022" for r in found) and len(found) == 11
    assert rows(stores, "awards-of-area", area="深圳市", year="2023") == []


def test_indicator_across_areas_ranks_pm25_lowest_first(stores):
    found = rows(stores, "indicator-across-areas", indicator="pm25", year="2023")
    assert [(r["area"], r["value"]) for r in found] == [("广州市", "23"), ("济南市", "38")]


def test_indicator_timeline_of_shenzhen_pm25(stores):
    # 002: "PM2.5浓度从18降至16微克/立方米"
    found = rows(stores, "indicator-timeline", area="深圳市", indicator="pm25")
    assert [(r["year"], r["value"], r["unit"]) for r in found] == [("2021", "18", "μg/m3"),
                                                                   ("2022", "16", "μg/m3")]


def test_targets_vs_results_reports_the_unreported_targets(stores):
    found = rows(stores, "targets-vs-results", area="赣州市")
    assert {(r["indicator"], r["comparator"], r["target"], r["status"]) for r in found} == {
        ("good_air_days_ratio", ">=", "95.1", "not yet reported"),
        ("pm25", "<=", "27", "not yet reported"),
        ("surface_water_good_ratio", ">=", "97.3", "not yet reported"),
    }


def test_plans_by_year_counts_distinct_plans(stores):
    found = rows(stores, "plans-by-year")
    assert found[0] == {"year": "2024", "issuer": "济南市", "plans": "1", "bulletins": "1"}
    by_key = {(r["year"], r["issuer"]): r["plans"] for r in found}
    assert by_key[("2023", "广州市")] == "13" and by_key[("2022", "赣州市")] == "4"
    assert {r["year"] for r in rows(stores, "plans-by-year", year="2022")} == {"2022"}


def test_areas_by_awards_puts_guangdong_first(stores):
    found = rows(stores, "areas-by-awards")
    assert (found[0]["area"], found[0]["level"]) == ("广东省", "province")
    counts = [int(r["award_facts"]) for r in found]
    assert counts == sorted(counts, reverse=True)
    hangzhou = next(r for r in found if r["area"] == "杭州市")
    assert hangzhou["level"] == "prefecture" and int(hangzhou["award_facts"]) >= 13


def test_facts_of_document_in_sentence_order(stores):
    found = rows(stores, "facts-of-document", doc=GANZHOU)
    positions = [int(r["position"]) for r in found]
    assert positions == sorted(positions)
    assert {r["kind"] for r in found} == {"observation", "target", "plan"}
    assert ("target", "pm25", "<=", "27") in {(r["kind"], r["what"], r["detail"], r["value"]) for r in found}
    assert all(r["evidence"] for r in found)


def test_documents_lists_the_five_seeds(stores):
    found = rows(stores, "documents")
    assert [r["doc"] for r in found] == [GZ, JN, SZ, GANZHOU, HZ]
    assert [r["area"] for r in found] == ["广州市", "济南市", "深圳市", "赣州市", "杭州市"]
    assert found[2]["report_year"] == "2022" and found[2]["plan_year"] == "2023"


def test_indicators_counts_pm25(stores):
    pm25 = next(r for r in rows(stores, "indicators") if r["indicator"] == "pm25")
    assert pm25["label"] == "细颗粒物(PM2.5)浓度"
    assert (pm25["observations"], pm25["targets"]) == ("6", "2")
