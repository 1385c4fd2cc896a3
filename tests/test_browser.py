"""Both HTML pages in a real browser: Debian's headless Chromium (/usr/bin/chromium, installed
by .ci/run), driven by Playwright, with the network blocked.

Every request a page makes is recorded, and any that is not file: or data: is aborted (and
fails the test); DNS is mapped to nothing as a second fence. Console errors and uncaught
exceptions fail the test too. Playwright starts Chromium with a fresh temporary profile
(its own --user-data-dir) per launch. There is no skip: without Chromium these tests fail.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from rdflib import Literal

from kg.build import build
from kg.query import load_query
from kg.report_page import write_report
from kg.store import load_graph, open_store
from kg.subgraph import select_by_query
from kg.viz import graph_to_networkx, write_page

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--host-resolver-rules=MAP * ~NOTFOUND"]
ALLOWED = ("file:", "data:")
GZ = "https://w3id.org/envkg/id/area/440100"
CONGHUA = "https://w3id.org/envkg/id/area/440117"
EVIL_SCRIPT = "<script>window.__pwned=1</script>"
EVIL_IMG = '<img src=x onerror="window.__pwned=2">'
EVIL_BULLETIN = ("2023年广州市生态环境保护工作总结\n\n"
                 f"2023年，广州市PM2.5平均浓度为23微克/立方米{EVIL_SCRIPT}{EVIL_IMG}。\n")


# ---------------------------------------------------------------- browser and pages

@pytest.fixture(scope="session")
def browser():
    assert CHROMIUM.is_file(), (f"{CHROMIUM} is missing: install Debian's browser with "
                                "`apt-get install -y chromium chromium-driver` (see .ci/run)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """An open page with every request it made and every script error it raised."""

    page: Page
    url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_clean(self):
        outside = [u for u in self.requests if not u.startswith(ALLOWED)]
        assert outside == [], f"requests left the machine: {outside}"
        assert self.requests == [self.url], "the page loads nothing but itself"
        assert self.errors == [], f"script errors: {self.errors}"


def _visit(browser: Browser, path: Path) -> Visit:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, service_workers="block")
    page = context.new_page()
    visit = Visit(page, path.resolve().as_uri())
    context.on("request", lambda request: visit.requests.append(request.url))
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(ALLOWED)
                  else route.abort("blockedbyclient"))
    page.on("websocket", lambda ws: visit.requests.append(ws.url))
    page.on("console", lambda msg: visit.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    page.goto(visit.url)
    return visit


def _graph_page(browser: Browser, path: Path) -> Visit:
    visit = _visit(browser, path)
    visit.page.wait_for_function(
        "window.envkg && document.getElementById('progress').style.display === 'none'", timeout=60_000)
    return visit


def _shown(page: Page) -> set[str]:
    return set(page.evaluate("envkg.nodes.get({filter: function (n) { return !n.hidden; }})"
                             ".map(function (n) { return n.id; })"))


def _mouse_to(page: Page, node_id: str):
    x, y = page.evaluate("""id => {
        var p = envkg.network.canvasToDOM(envkg.network.getPosition(id));
        var box = document.getElementById('network').getBoundingClientRect();
        return [box.left + p.x, box.top + p.y]; }""", node_id)
    page.mouse.move(x, y)
    return x, y


@pytest.fixture(scope="session")
def evil_graph(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("evil")
    (folder / "000_evil.txt").write_text(EVIL_BULLETIN, encoding="utf-8")
    return build([folder], folder / "out").graph_path


@pytest.fixture(scope="session")
def seeds_page(seeds_graph, tmp_path_factory):
    return write_page(load_graph(seeds_graph), tmp_path_factory.mktemp("pages") / "graph.html")


# ---------------------------------------------------------------- the graph page

def test_graph_page_draws_every_node_offline(browser, seeds_page):
    visit = _graph_page(browser, seeds_page.path)
    page = visit.page
    assert seeds_page.nodes > 200
    assert page.evaluate("envkg.network.body.nodeIndices.length") == seeds_page.nodes
    assert page.evaluate("envkg.network.body.edgeIndices.length") == seeds_page.edges
    assert page.evaluate("envkg.network.physics.options.enabled") is False  # settled, then physics off
    painted = page.evaluate("""() => {
        var c = document.querySelector('#network canvas'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        var n = 0; for (var i = 0; i < d.length; i += 4) { if (d[i + 3] > 0 && (d[i] < 200 || d[i + 2] < 200)) { n++; } }
        return n; }""")
    assert painted > 5000, "the canvas shows the drawing"
    assert page.locator("#legend li").count() == 11
    visit.assert_clean()


def test_cli_filter_page_draws_what_kg_viz_says(browser, seeds_graph, tmp_path):
    graph = load_graph(seeds_graph)
    summary = write_page(graph, tmp_path / "gz-awards.html", area="广州市", fact_type="award")
    expected = set(graph_to_networkx(graph, area="广州市", fact_type="award").nodes)
    visit = _graph_page(browser, summary.path)
    assert visit.page.evaluate("envkg.network.body.nodeIndices.length") == summary.nodes == len(expected)
    assert _shown(visit.page) == expected
    assert "广州市" in visit.page.locator("header .meta").inner_text()
    visit.assert_clean()


def test_in_page_filters_match_the_command_line_filters(browser, seeds_graph, seeds_page):
    graph = load_graph(seeds_graph)
    visit = _graph_page(browser, seeds_page.path)
    page = visit.page
    page.select_option("#f-area", "广州市")
    page.select_option("#f-type", "award")
    assert _shown(page) == set(graph_to_networkx(graph, area="广州市", fact_type="award").nodes)
    page.select_option("#f-type", "")
    page.select_option("#f-area", "")
    page.select_option("#f-indicator", label="细颗粒物(PM2.5)浓度")
    assert _shown(page) == set(graph_to_networkx(graph, indicator="pm25").nodes)
    page.select_option("#f-indicator", "")
    assert len(_shown(page)) == seeds_page.nodes
    page.click('#legend li[data-class="AwardFact"]')
    classes = page.evaluate("envkg.nodes.get({filter: function (n) { return !n.hidden; }}).map(function (n) { return n.cls; })")
    assert "AwardFact" not in classes and len(classes) == seeds_page.nodes - _count(graph, "AwardFact")
    visit.assert_clean()


def _count(graph, cls: str) -> int:
    return sum(1 for _, c in graph_to_networkx(graph).nodes(data="cls") if c == cls)


def test_a_filter_matching_nothing_says_so(browser, seeds_graph, tmp_path):
    summary = write_page(load_graph(seeds_graph), tmp_path / "none.html", year=1999)
    visit = _visit(browser, summary.path)
    page = visit.page
    page.wait_for_function("window.envkg !== undefined")
    assert summary.nodes == 0 == page.evaluate("envkg.network.body.nodeIndices.length")
    assert page.locator("#progress").inner_text() == "没有符合条件的节点" and page.locator("#progress").is_visible()
    visit.assert_clean()


def test_query_page_draws_what_the_query_returns(browser, seeds_graph, tmp_path):
    graph = load_graph(seeds_graph)
    named = load_query("awards")
    selection = select_by_query(open_store(seeds_graph), named, {"recipient": Literal("从化区", lang="zh")})
    summary = write_page(graph, tmp_path / "q.html", selection=selection)
    visit = _graph_page(browser, summary.path)
    shown = _shown(visit.page)
    assert visit.page.evaluate("envkg.network.body.nodeIndices.length") == summary.nodes == len(shown)
    assert CONGHUA in shown and GZ not in shown
    assert {visit.page.evaluate("id => envkg.nodes.get(id).cls", n) for n in shown} >= {"Area", "Award", "AwardFact"}
    visit.assert_clean()


def test_search_selects_and_focuses_a_node(browser, seeds_page):
    visit = _graph_page(browser, seeds_page.path)
    page = visit.page
    page.fill("#q", "广州市")
    page.press("#q", "Enter")
    assert page.evaluate("envkg.network.getSelectedNodes()") == [GZ]
    # the view moves to the node (a 400 ms animation) and zooms in
    page.wait_for_function("""id => {
        var v = envkg.network.getViewPosition(), p = envkg.network.getPosition(id);
        return Math.abs(v.x - p.x) < 1 && Math.abs(v.y - p.y) < 1
            && Math.abs(envkg.network.getScale() - 1.0) < 0.001; }""", arg=GZ, timeout=5_000)
    assert page.locator("#details").is_visible()
    assert "行政区：广州市" in page.locator("#details").inner_text()
    assert page.locator("#hits").inner_text().startswith("1 / ")
    page.fill("#q", "没有这个节点")
    page.press("#q", "Enter")
    assert page.locator("#hits").inner_text() == "无匹配"
    visit.assert_clean()


def test_hovering_a_fact_shows_its_evidence_and_document(browser, seeds_graph, seeds_page):
    graph = load_graph(seeds_graph)
    fact = next(n for n, c in graph_to_networkx(graph).nodes(data="cls") if c == "Observation")
    visit = _graph_page(browser, seeds_page.path)
    page = visit.page
    page.evaluate("id => envkg.network.focus(id, {scale: 1.5})", fact)
    _mouse_to(page, fact)
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    text = tooltip.inner_text()
    assert "证据：「" in text and ".txt" in text and "观测事实" in text
    visit.assert_clean()


def test_graph_page_shows_injected_markup_as_text(browser, evil_graph, tmp_path):
    graph = load_graph(evil_graph)
    summary = write_page(graph, tmp_path / "evil.html")
    fact = next(n for n, c in graph_to_networkx(graph).nodes(data="cls") if c == "Observation")
    visit = _graph_page(browser, summary.path)
    page = visit.page
    assert page.evaluate("envkg.network.body.nodeIndices.length") == summary.nodes
    page.evaluate("id => envkg.network.focus(id, {scale: 1.5})", fact)
    x, y = _mouse_to(page, fact)
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert EVIL_SCRIPT in tooltip.inner_text() and EVIL_IMG in tooltip.inner_text()
    page.mouse.click(x, y)  # selecting shows the same text in the details panel
    details = page.locator("#details")
    assert details.is_visible() and EVIL_SCRIPT in details.inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img").count() == 0 and page.locator("script").count() == 3
    visit.assert_clean()


# ---------------------------------------------------------------- the report

def _count_facts(graph_path: Path, cls: str) -> int:
    result = open_store(graph_path).select(f"SELECT (COUNT(?f) AS ?n) WHERE {{ ?f a ek:{cls} }}")
    return int(result.rows[0][0])


def test_report_shows_every_fact_offline(browser, seeds_graph, tmp_path):
    written = write_report(seeds_graph, tmp_path / "report.html")
    visit = _visit(browser, written.path)
    page = visit.page
    for table, cls in (("observations", "Observation"), ("targets", "Target"), ("awards", "AwardFact"),
                       ("plans", "PlanFact")):
        cited = page.locator(f"table.{table} a.ev.fact").count()  # one evidence link per fact
        assert cited == _count_facts(seeds_graph, cls), table
        assert 0 < page.locator(f"table.{table} tr:has(td)").count() <= cited
    statuses = page.locator("table.targets .status").all_inner_texts()
    assert statuses and set(statuses) <= {"达成", "未达成", "尚无结果"}
    assert page.locator("svg.chart").count() >= 5 and page.locator("svg.chart rect").count() >= 10
    assert page.locator("nav.toc a").count() == written.areas
    # every figure links to an evidence sentence that exists; following one opens its section
    hrefs = page.eval_on_selector_all("a.ev", "links => links.map(function (a) { return a.getAttribute('href'); })")
    assert len(hrefs) >= written.figures
    assert page.evaluate("hs => hs.every(function (h) { return !!document.getElementById(h.slice(1)); })", hrefs)
    first = page.locator("a.ev").first
    target = page.locator(first.get_attribute("href"))
    assert not target.is_visible()
    first.click()
    assert target.is_visible() and target.inner_text() == first.get_attribute("title").rsplit("（", 1)[0]
    visit.assert_clean()


def test_report_shows_injected_markup_as_text(browser, evil_graph, tmp_path):
    written = write_report(evil_graph, tmp_path / "report.html")
    visit = _visit(browser, written.path)
    page = visit.page
    link = page.locator("table.observations a.ev").first
    link.click()
    sentence = page.locator(link.get_attribute("href"))
    assert sentence.is_visible()
    assert EVIL_SCRIPT in sentence.inner_text() and EVIL_IMG in sentence.inner_text()
    assert EVIL_SCRIPT in link.get_attribute("title")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img").count() == 0 and page.locator("script").count() == 1
    visit.assert_clean()
