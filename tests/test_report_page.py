"""kg.report_page and kg.svgchart: the HTML report's content, escaping, limits and `kg report`."""
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from kg import report_page
from kg.cli import cli
from kg.namespace import EK, NIF
from kg.report_page import render_report, report_context, write_report
from kg.store import open_store
from kg.svgchart import bar_chart

MINI = Path(__file__).parent / "fixtures" / "mini.ttl"
EVIL = '深圳市PM2.5浓度为16微克/立方米<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def context():
    return report_context(open_store(MINI))


def _all(context, kind):
    return [row for area in context["areas"] for year in area.years.values() for row in getattr(year, kind)]


def _cited(context, kind):
    """Every evidence of the rows: one per fact (rows saying the same thing are merged)."""
    return [e for row in _all(context, kind) for e in [row["evidence"], *row["more"]]]


def test_areas_and_years_with_every_fact(context):
    store = open_store(MINI)
    for kind, cls in (("observations", "Observation"), ("targets", "Target"), ("awards", "AwardFact"),
                      ("plans", "PlanFact")):
        count = int(store.select(f"SELECT (COUNT(?f) AS ?n) WHERE {{ ?f a ek:{cls} }}").rows[0][0])
        assert len(_cited(context, kind)) == count == context["totals"][kind], kind
    shenzhen = next(a for a in context["areas"] if a.name == "深圳市")
    assert list(shenzhen.years) == sorted(shenzhen.years) and {"2022", "2023"} <= set(shenzhen.years)


def test_targets_next_to_results(context):
    rows = {(t["indicator"], t["target"], t["result"]["value"] if t["result"] else None, t["status"])
            for t in _all(context, "targets")}
    assert {r[3] for r in rows} == {"met", "missed", "not yet reported"}
    met = next(r for r in rows if r[3] == "met")
    assert met[1] == "≤ 18" and met[2] == "16"
    assert any(r[1] == "下降 ≥ 10" and r[2] is None for r in rows)


def test_every_figure_cites_a_listed_sentence(context):
    listed = {s["anchor"]: s["text"] for d in context["evidence"] for s in d["sentences"]}
    for kind in ("observations", "targets", "awards", "plans"):
        for evidence in _cited(context, kind):
            assert listed[evidence["anchor"]] == evidence["text"]


def test_page_escapes_document_text(tmp_path):
    graph = Graph().parse(MINI)
    sentence = next(s for s in graph.subjects(RDF.type, EK.Sentence)
                    if any((f, EK.evidence, s) in graph for f in graph.subjects(RDF.type, EK.Observation)))
    graph.set((sentence, NIF.anchorOf, Literal(EVIL)))
    path = tmp_path / "evil.ttl"
    graph.serialize(path, format="turtle")
    page = render_report(report_context(open_store(path)))
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert len(re.findall(r"<script>", page)) == 1  # the page's own


def test_small_report_opens_areas_and_big_report_closes_them(context, monkeypatch):
    assert context["open_areas"] and '<details class="area" id="area-440300" open>' in render_report(context)
    monkeypatch.setattr(report_page, "OPEN_AREAS", 0)
    closed = render_report(report_context(open_store(MINI)))
    assert '<details class="area" id="area-440300">' in closed


def test_rows_saying_the_same_thing_are_merged():
    from kg.report_page import _merge

    def row(anchor, value="23"):
        return {"indicator": "PM2.5", "value": value, "evidence": {"anchor": anchor, "text": "…", "doc": "d"}}

    merged = _merge([row("ev-1"), row("ev-2"), row("ev-1"), row("ev-3", value="24")])
    assert [(r["value"], r["evidence"]["anchor"], [e["anchor"] for e in r["more"]]) for r in merged] == [
        ("23", "ev-1", ["ev-2"]), ("24", "ev-3", [])]


def test_further_sentences_are_linked_up_to_a_limit(context, monkeypatch):
    duplicated = {**context, "more_links": 1}
    row = _all(context, "observations")[0]
    extra = [{"anchor": f"ev-x{i}", "text": "同一数值", "doc": "x.txt"} for i in range(3)]
    monkeypatch.setitem(row, "more", extra)
    page = render_report(duplicated)
    assert page.count('class="ev fact more"') == 1 and "（共 4 处）" in page


def test_tables_have_a_row_limit(context, monkeypatch):
    monkeypatch.setattr(report_page, "TABLE_ROWS", 1)
    page = render_report(report_context(open_store(MINI)))
    shenzhen_2022 = next(a for a in context["areas"] if a.name == "深圳市").years["2022"]
    hidden = len(shenzhen_2022.observations) - 1
    assert hidden >= 1 and f"另有 {hidden} 行未列出（每表最多 1 行）" in page
    assert page.count("<tr><td>") < render_report(context).count("<tr><td>")


def test_charts_are_inline_svg_with_a_bar_limit(context, monkeypatch):
    pm25 = next(c for c in context["charts"] if c["title"].startswith("细颗粒物"))
    assert pm25["svg"].startswith("<svg") and pm25["svg"].count("<rect") == pm25["count"] >= 2
    monkeypatch.setattr(report_page, "CHART_BARS", 1)
    limited = next(c for c in report_context(open_store(MINI))["charts"] if c["title"] == pm25["title"])
    assert limited["svg"].count("<rect") == 1 and "只画出" in limited["note"]


def test_bar_chart_escapes_and_handles_negative_values():
    svg = bar_chart([("<b>x</b>", -5.0), ("y", 10.0)], unit="%")
    assert "<b>" not in svg and "&lt;b&gt;x&lt;/b&gt;" in svg and "-5 %" in svg
    xs = [float(x) for x in re.findall(r'<rect x="([\d.]+)"', svg)]
    assert xs[0] < xs[1]  # the negative bar starts left of zero


def test_same_graph_same_bytes_and_cli(tmp_path):
    first = write_report(MINI, tmp_path / "a.html").path.read_bytes()
    assert write_report(MINI, tmp_path / "b.html").path.read_bytes() == first
    result = CliRunner().invoke(cli, ["report", "--graph", str(MINI), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 0 and result.stdout == "" and "wrote" in result.stderr
    assert (tmp_path / "r.html").read_bytes() == first
    missing = CliRunner().invoke(cli, ["report", "--graph", str(tmp_path / "none.ttl")])
    assert missing.exit_code == 2 and missing.stderr.startswith("Error:") and "none.ttl" in missing.stderr
