"""Property-based tests: random text, bulletin-like text and HTML never break extraction or the build.

For any input: no exception (other than a DocumentError for a document without area or
year), every fact's evidence is the document text at its offsets, and the output parses.
"""
import tempfile
from pathlib import Path

import pyoxigraph
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.namespace import RDF

from kg.build import build
from kg.documents import read_document
from kg.errors import DocumentError
from kg.extract import extract_text
from kg.formats import TurtleWriter
from kg.namespace import EK, NIF
from kg.records import make_record

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])

AREAS = ["广州市", "深圳市", "济南市", "杭州市", "余杭区", "广东省", "某某市"]
FRAGMENTS = [
    "PM2.5平均浓度为", "35微克/立方米", "空气质量优良天数比例", "达到", "90.5%", "同比下降", "2.3个百分点",
    "地表水国考断面水质优良比例", "100%", "目标", "不高于", "力争", "荣获", "国家生态文明建设示范区",
    "称号", "印发", "《关于加强生态环境保护的实施意见》", "出台", "全市", "一是", "，", "。", "；", "、",
    "\n", "2022年", "2023年", "2024年", "２０２３年", "９０．５％", "（", "）", "“", "”", "\u3000", " ", "\t",
    "一百二十", "万吨", "个", "第一", "全年", "计划", "工作要点",
]

bulletin_text = st.builds(
    lambda area, year, kind, parts: f"{area}生态环境局{year}年{kind}\n" + "".join(parts),
    st.sampled_from(AREAS), st.integers(1990, 2030), st.sampled_from(["工作总结", "工作计划", "工作要点", "报告"]),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=60),
)

html_text = st.builds(
    lambda title, parts: f"<html><head><title>{title}</title><script>var x='<p>2023年</p>';</script>"
                         f"<style>p{{}}</style></head><body>{''.join(parts)}</body></html>",
    st.sampled_from(["广州市生态环境局2023年工作总结", "杭州市2022年报告", "", "&lt;无题&gt;"]),
    st.lists(st.one_of(
        st.sampled_from(FRAGMENTS),
        st.sampled_from(["<p>", "</p>", "<br>", "<div>", "</div>", "<!-- 注释 -->", "&amp;", "&nbsp;", "&#x4e2d;",
                         "<td>", "<tr>", "<b>", "</b>", "<script>", "</script>", "<", ">", "&", "<pre>"]),
        st.text(max_size=6)), max_size=50),
)


def _check_extraction(text, nlp, gazetteer, **overrides):
    try:
        extraction = extract_text("random.txt", "ab" * 32, text, nlp, gazetteer, **overrides)
    except DocumentError as problem:
        assert "no area" in problem.reason or "no report year" in problem.reason
        return
    for fact in extraction.facts:
        evidence = fact.evidence
        assert text[evidence.start:evidence.end] == evidence.text
    record = make_record(extraction, gazetteer)
    turtle = _turtle(record)
    graph = Graph().parse(data=turtle, format="turtle")
    assert len(graph) == len(set(record.own) | set(record.shared))


def _turtle(record) -> str:
    import io

    handle = io.StringIO()
    writer = TurtleWriter(handle)
    writer.begin()
    writer.block(record.own)
    writer.block(record.shared)
    return handle.getvalue()


@FAST
@given(text=st.text(max_size=300))
def test_random_unicode(text, nlp, gazetteer):
    area = gazetteer.resolve("广州市")
    _check_extraction(text, nlp, gazetteer, area=area, year=2023)
    _check_extraction(text, nlp, gazetteer)


@FAST
@given(text=bulletin_text)
def test_random_bulletin_like_text(text, nlp, gazetteer):
    _check_extraction(text, nlp, gazetteer)


@SLOW
@given(page=html_text, encoding=st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_random_html_through_the_build(page, encoding):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.html"
        try:
            data = page.encode(encoding)
        except UnicodeEncodeError:
            data = page.encode("utf-8")
        path.write_bytes(data)
        report = build([path], Path(folder) / "out", cache=False, formats="ttl,nt")
        if report.graph_path is None:
            assert len(report.problems) == 1 and "page.html" in report.problems[0]
            return
        text = read_document(path).text
        graph = Graph().parse(report.graph_path, format="turtle")
        for sentence in graph.subjects(RDF.type, EK.Sentence):
            begin = int(graph.value(sentence, NIF.beginIndex))
            end = int(graph.value(sentence, NIF.endIndex))
            assert text[begin:end] == str(graph.value(sentence, NIF.anchorOf))
        store = pyoxigraph.Store()
        store.bulk_load(path=str(Path(folder) / "out" / "graph.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
        assert len(store) == len(graph) == report.triples
