"""Draw the knowledge graph as one interactive HTML page that opens from disk offline.

`graph_to_networkx` picks the nodes and edges to show (optionally filtered by area,
year, fact type or indicator) and labels them in Chinese; `write_page` lays them out
with pyvis's `Network` and writes a self-contained page: vis-network's script and
style (pyvis's bundled copy) are inlined, nothing is fetched from a CDN.

Nodes are bulletins, areas, organisations, named recipients, awards, plan documents,
indicators and the facts (observation, target, award fact, plan fact); sentences are
not nodes: a fact's evidence sentence and its file name go into the fact's tooltip.
Node ids are the IRIs; the output is deterministic (same graph, same bytes).

Document text is data: vis-network 9 sets a string `title` as the tooltip's
`innerText` (not HTML) and draws labels on a canvas, so node text is passed as is;
the JSON carrying it is embedded with `<`, `>` and `&` escaped as `\\u003c` etc., so
no sentence can close the `<script>` block; the page title is HTML-escaped.

>>> from rdflib import Graph
>>> graph_to_networkx(Graph()).number_of_nodes()
0
"""
from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import unquote

import networkx
import pyvis
import rdflib
from pyvis.network import Network
from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .errors import KgError
from .namespace import EK, EKD, EKI, NIF
from .subgraph import QuerySelection

__all__ = ["FACT_TYPES", "PageSummary", "VizFilterError", "display_comparator", "display_unit", "draw", "graph_to_networkx", "write_page"]

VIS_VERSION = "9.1.2"
LABEL_MAX = 18

# fact_type filter value -> fact class
FACT_TYPES = {
    "observation": EK.Observation,
    "target": EK.Target,
    "award": EK.AwardFact,
    "plan": EK.PlanFact,
}
_FACT_CLASSES = {EK.Observation: "Observation", EK.Target: "Target",
                 EK.AwardFact: "AwardFact", EK.PlanFact: "PlanFact"}
_ENTITY_CLASSES = {EK.Bulletin: "Bulletin", EK.Area: "Area", EK.Organisation: "Organisation",
                   EK.NamedRecipient: "NamedRecipient", EK.Award: "Award",
                   EK.PlanDocument: "PlanDocument"}
# the fact's links drawn as edges, with the class their object has when it is untyped
_FACT_LINKS = {EK.statedIn: "Bulletin", EK.area: "Area", EK.indicator: "Indicator",
               EK.recipient: None, EK.award: "Award", EK.plan: "PlanDocument", EK.issuer: None}
# every predicate drawn as an edge when both ends are shown
_EDGE_PREDICATES = tuple(_FACT_LINKS) + (EK.observed, EK.targets, EK.achieved, EK.issued,
                                         EK.partOf, EK.aboutArea, EK.issuedBy, EK.basedIn)
# IRI path prefix -> class, for recipients and issuers without an rdf:type
# a SELECT cell with exactly one of these names draws the node (see kg/subgraph.py)
_NAME_PREDICATES = (RDFS.label, SKOS.prefLabel, SKOS.notation, DCTERMS.title, EK.fileName)
_RANKED_CLASSES = ("Area", "Award")  # sized by degree, with degree and betweenness in the tooltip
_IRI_CLASSES = (("area/", "Area"), ("org/", "Organisation"), ("entity/", "NamedRecipient"),
                ("award/", "Award"), ("plan/", "PlanDocument"), ("doc/", "Bulletin"))

_COMPARATORS = {"<=": "≤", ">=": "≥", "=": "=", "<": "<", ">": ">"}
_UNITS = {"1": "", "day": "天", "count": "个", "10kt/a": "万吨/年"}
_OF = {"increase": "上升", "decrease": "下降"}
_DIRECTION = {"up": "↑", "down": "↓"}
_LEVELS = {"province": "省级", "prefecture": "地级", "county": "县级"}
_GLYPHS = {"dot": "●", "ellipse": "⬬", "box": "■", "square": "■", "diamond": "◆",
           "triangle": "▲", "triangleDown": "▼", "star": "★", "hexagon": "⬢"}


class VizFilterError(KgError, ValueError):
    """A filter that names nothing in the graph (unknown area, indicator or fact type)."""


@dataclass(frozen=True)
class PageSummary:
    """What `write_page` wrote: node and edge counts and the file."""

    nodes: int
    edges: int
    path: Path


# ---------------------------------------------------------------- the graph to draw

def graph_to_networkx(graph: rdflib.Graph, *, area: str | None = None, year: int | None = None,
                      fact_type: str | None = None, indicator: str | None = None,
                      selection: QuerySelection | None = None) -> networkx.MultiDiGraph:
    """The nodes and edges to draw, keyed by IRI, with Chinese labels and tooltips.

    Node attributes: `cls` (class local name, e.g. "Observation"), `label` (display
    text, long names cut to ~18 characters with …), `name` (the full one-line name)
    and `title` (plain-text tooltip). Edge keys are the predicate's local name.

    Filters keep the connected context: the facts that pass every filter, the
    bulletins stating them (with an area filter, also every bulletin about the area)
    and the nodes those facts point at. `area` is a name (rdfs:label), code or IRI
    and covers the areas inside it; an award or plan fact lies where its recipient or
    issuer is (an organisation where it is based), else where its bulletin is about.
    `year` is the fact's ek:year; `fact_type` is observation|target|award|plan;
    `indicator` is a key such as "pm25", an IRI or a label.
    `selection` (from `kg.subgraph.select_by_query`) draws what a SPARQL query returned
    instead: its IRIs that are nodes here (a sentence stands for its facts), the facts
    linking two or more of them, and the edges among them (see kg/subgraph.py).
    Fact nodes also get `facets` (areas with the areas containing them, year, type,
    indicator) for the page's own filters.
    Raises VizFilterError (a ValueError) for a filter naming nothing in the graph.
    """
    view = _View(graph)
    filtered = any(f is not None for f in (area, year, fact_type, indicator))
    if selection is not None:
        if filtered:
            raise VizFilterError("give either a query or the filters --area/--year/--type/--indicator, not both")
        return _to_networkx(view, view.selected(selection), selection.triples)
    facts = view.facts()
    bulletins = set(graph.subjects(RDF.type, EK.Bulletin))
    if fact_type is not None:
        if fact_type not in FACT_TYPES:
            raise VizFilterError(f"unknown fact type {fact_type!r}: use one of "
                                 + ", ".join(FACT_TYPES))
        cls = FACT_TYPES[fact_type]
        facts = {f for f in facts if (f, RDF.type, cls) in graph}
    if indicator is not None:
        iri = view.resolve_indicator(indicator)
        facts = {f for f in facts if (f, EK.indicator, iri) in graph}
    if year is not None:
        try:
            year = int(year)
        except (TypeError, ValueError):
            raise VizFilterError(f"year must be a number such as 2023, not {year!r}") from None
        facts = {f for f in facts if _year(graph.value(f, EK.year)) == year}
        bulletins = {d for d in bulletins if year in
                     {_year(graph.value(d, EK.reportYear)), _year(graph.value(d, EK.planYear))}}
    if area is not None:
        inside = view.areas_within(view.resolve_area(area))
        facts = {f for f in facts if view.fact_location(f) & inside}
        bulletins = {d for d in bulletins if set(graph.objects(d, EK.aboutArea)) & inside}
    if fact_type is not None or indicator is not None:
        bulletins = set()  # only the bulletins stating a kept fact

    if filtered:
        shown: dict[URIRef, str] = {}
        for fact in sorted(facts):  # sorted: an untyped node's class hint is then stable
            shown[fact] = view.cls(fact)
            for pred, hint in _FACT_LINKS.items():
                for obj in sorted(graph.objects(fact, pred)):
                    if isinstance(obj, URIRef):
                        shown.setdefault(obj, view.cls(obj, hint))
        for doc in sorted(bulletins):
            shown.setdefault(doc, "Bulletin")
            for obj in graph.objects(doc, EK.aboutArea):
                if isinstance(obj, URIRef):
                    shown.setdefault(obj, view.cls(obj, "Area"))
    else:
        shown = view.all_nodes()
    return _to_networkx(view, shown)


def _to_networkx(view: _View, shown: dict[URIRef, str], extra_triples=()) -> networkx.MultiDiGraph:
    """The shown nodes, described, and every drawn edge among them (plus a query's own triples)."""
    nxg = networkx.MultiDiGraph()
    for node in sorted(shown):
        attrs = view.describe(node, shown[node])
        if attrs["cls"] in _FACT_CLASSES.values():
            attrs["facets"] = view.facets(node)
        nxg.add_node(str(node), **attrs)
    edges = set()
    for pred in _EDGE_PREDICATES:
        for s, o in view.g.subject_objects(pred):
            if s in shown and o in shown:
                edges.add((str(s), str(o), _local(pred)))
    for s, p, o in extra_triples:
        if URIRef(s) in shown and URIRef(o) in shown:
            edges.add((s, o, _local(p)))
    for s, o, key in sorted(edges):
        nxg.add_edge(s, o, key=key, predicate=key)
    return nxg


class _View:
    """Read-side helpers over one rdflib graph: classes, labels, locations."""

    def __init__(self, graph: rdflib.Graph):
        self.g = graph

    # -- which nodes
    def facts(self) -> set[URIRef]:
        return {s for cls in _FACT_CLASSES for s in self.g.subjects(RDF.type, cls)
                if isinstance(s, URIRef)}

    def all_nodes(self) -> dict[URIRef, str]:
        shown: dict[URIRef, str] = {}
        for cls in (*_FACT_CLASSES, *_ENTITY_CLASSES):
            for s in sorted(self.g.subjects(RDF.type, cls)):
                if isinstance(s, URIRef):
                    shown.setdefault(s, self.cls(s))
        for fact in sorted(shown):
            if shown[fact] in _FACT_CLASSES.values():
                for pred, hint in _FACT_LINKS.items():
                    for obj in sorted(self.g.objects(fact, pred)):
                        if isinstance(obj, URIRef):
                            shown.setdefault(obj, self.cls(obj, hint))
        for pred in (EK.observed, EK.targets):  # indicators only where they are used
            for obj in self.g.objects(None, pred):
                if isinstance(obj, URIRef):
                    shown.setdefault(obj, "Indicator")
        return shown

    def selected(self, selection: QuerySelection) -> dict[URIRef, str]:
        """The page nodes a query names, and the facts linking two or more of them."""
        everything = self.all_nodes()
        shown: dict[URIRef, str] = {}
        for iri in sorted(selection.iris):
            node = URIRef(iri)
            if node in everything:
                shown[node] = everything[node]
            for fact in self.g.subjects(EK.evidence, node):  # a sentence: its facts
                if fact in everything:
                    shown[fact] = everything[fact]
        if selection.names:
            for pred in _NAME_PREDICATES:
                for node, name in self.g.subject_objects(pred):
                    if node in everything and str(name) in selection.names:
                        shown[node] = everything[node]
        for fact in sorted(self.facts() - set(shown)):
            linked = {o for pred in _FACT_LINKS if pred != EK.statedIn for o in self.g.objects(fact, pred)}
            if len(linked & set(shown)) >= 2:
                shown[fact] = everything[fact]
        return shown

    def facets(self, fact: URIRef) -> dict:
        """What the page's filters match a fact on: area names (with the areas containing
        them), year, fact type key and indicator name."""
        areas, todo = set(), list(self.fact_location(fact))
        while todo:
            node = todo.pop()
            if node not in areas:
                areas.add(node)
                todo.extend(self.g.objects(node, EK.partOf))
        kind = next(key for key, cls in FACT_TYPES.items() if (fact, RDF.type, cls) in self.g)
        ind = self.g.value(fact, EK.indicator)
        return {"area": sorted({self.label(a) for a in areas}), "year": self._year_text(fact),
                "type": kind, "indicator": self.label(ind) if ind is not None else ""}

    def cls(self, node: URIRef, hint: str | None = None) -> str:
        types = set(self.g.objects(node, RDF.type))
        for cls, name in (*_FACT_CLASSES.items(), *_ENTITY_CLASSES.items()):
            if cls in types:
                return name
        if EK.Indicator in types or str(node).startswith(str(EKI)):
            return "Indicator"
        if hint:
            return hint
        rest = str(node)[len(str(EKD)):] if str(node).startswith(str(EKD)) else ""
        for prefix, name in _IRI_CLASSES:
            if rest.startswith(prefix):
                return name
        return "NamedRecipient"

    # -- filters
    def resolve_area(self, area: str) -> set[URIRef]:
        found = {s for s in self.g.subjects(RDF.type, EK.Area)
                 if area in {str(x) for x in self.g.objects(s, RDFS.label)}
                 or area == str(self.g.value(s, EK.adminCode)) or area == str(s)}
        if not found:
            names = sorted({str(self.label(s)) for s in self.g.subjects(RDF.type, EK.Area)})
            hint = "、".join(names[:8]) + ("…" if len(names) > 8 else "")
            raise VizFilterError(f"no area named {area!r} in the graph: use an area name"
                                 f" (rdfs:label) or code, e.g. {hint or '(the graph has no areas)'}")
        return found

    def areas_within(self, roots: set[URIRef]) -> set[URIRef]:
        children: dict[URIRef, set[URIRef]] = {}
        for child, parent in self.g.subject_objects(EK.partOf):
            children.setdefault(parent, set()).add(child)
        inside, todo = set(), list(roots)
        while todo:
            node = todo.pop()
            if node not in inside:
                inside.add(node)
                todo.extend(children.get(node, ()))
        return inside

    def place(self, node) -> set:
        """The area(s) a recipient or issuer lies in: itself if an area, else where it is based."""
        if (node, RDF.type, EK.Area) in self.g or str(node).startswith(str(EKD.area) + "/"):
            return {node}
        return set(self.g.objects(node, EK.basedIn))

    def fact_location(self, fact: URIRef) -> set:
        where = set(self.g.objects(fact, EK.area))
        for pred in (EK.recipient, EK.issuer):
            for obj in self.g.objects(fact, pred):
                where |= self.place(obj)
        if not where:  # e.g. an award to a river: the area the bulletin is about
            for doc in self.g.objects(fact, EK.statedIn):
                where |= set(self.g.objects(doc, EK.aboutArea))
        return where

    def resolve_indicator(self, indicator: str) -> URIRef:
        used = set(self.g.objects(None, EK.indicator)) | set(self.g.subjects(RDF.type, EK.Indicator))
        for iri in sorted(used):
            key = _local(iri)
            names = {str(x) for p in (SKOS.prefLabel, SKOS.notation, RDFS.label)
                     for x in self.g.objects(iri, p)}
            if indicator in {key, str(iri)} | names or _indicator_labels().get(key) == indicator:
                return iri
        keys = ", ".join(sorted(_local(i) for i in used)) or "(the graph has no indicators)"
        raise VizFilterError(f"no indicator {indicator!r} in the graph: use a key such as {keys}")

    # -- labels
    def label(self, node) -> str:
        for pred in (SKOS.prefLabel, RDFS.label):
            values = sorted(self.g.objects(node, pred), key=lambda x: (getattr(x, "language", None) != "zh", str(x)))
            if values:
                return str(values[0])
        if str(node).startswith(str(EKI)):
            key = _local(node)
            return _indicator_labels().get(key, key)
        return _local(node)

    def value(self, node, pred) -> str | None:
        values = sorted(str(v) for v in self.g.objects(node, pred))
        return values[0] if values else None

    def describe(self, node: URIRef, cls: str) -> dict:
        method = getattr(self, f"_describe_{cls}", None)
        name, lines = method(node) if method else (self.label(node), [])
        if cls in ("Observation", "Target"):  # indicator on one line, quantity and year below
            label = _label(self._indicator_label(node)) + "\n" + self._quantity_year(node)
        else:
            label = _label(name)
        title = "\n".join([f"{_style()['classes'][cls]['label']}：{name}", *lines, str(node)])
        return {"cls": cls, "label": label, "name": name, "title": title}

    def _describe_Bulletin(self, doc):
        name = self.value(doc, DCTERMS.title) or self.value(doc, EK.fileName) or _local(doc)
        lines = [f"文件：{self.value(doc, EK.fileName) or '?'}"]
        for pred, word in ((EK.reportYear, "报告年份"), (EK.planYear, "计划年份")):
            if self.value(doc, pred):
                lines.append(f"{word}：{self.value(doc, pred)}")
        for pred, word in ((EK.aboutArea, "地区"), (EK.issuedBy, "发布单位")):
            objs = sorted(self.g.objects(doc, pred))
            if objs:
                lines.append(f"{word}：" + "、".join(self.label(o) for o in objs))
        return name, lines

    def _describe_Area(self, node):
        lines = []
        if self.value(node, EK.adminCode):
            lines.append(f"行政区划代码：{self.value(node, EK.adminCode)}")
        if self.value(node, EK.adminLevel):
            level = self.value(node, EK.adminLevel)
            lines.append(f"级别：{_LEVELS.get(level, level)}")
        parents = sorted(self.g.objects(node, EK.partOf))
        if parents:
            lines.append("隶属：" + "、".join(self.label(p) for p in parents))
        return self.label(node), lines

    def _describe_Organisation(self, node):
        based = sorted(self.g.objects(node, EK.basedIn))
        return self.label(node), (["所在地：" + "、".join(self.label(b) for b in based)] if based else [])

    def _describe_Award(self, node):
        level = self.value(node, EK.awardLevel)
        return self.label(node), ([f"级别：{level}"] if level else [])

    def _describe_Indicator(self, node):
        return self.label(node), [f"指标代码：{_local(node)}"]

    def _indicator_label(self, fact) -> str:
        ind = self.g.value(fact, EK.indicator)
        return self.label(ind) if ind is not None else "指标?"

    def _quantity_year(self, fact) -> str:
        year = self._year_text(fact)
        return " ".join(p for p in (self._quantity(fact), f"({year})" if year else "") if p)

    def _describe_Observation(self, fact):
        name = " ".join(p for p in (self._indicator_label(fact), self._quantity_year(fact)) if p)
        lines = []
        area = sorted(self.g.objects(fact, EK.area))
        if area:
            lines.append("地区：" + "、".join(self.label(a) for a in area))
        if self.value(fact, EK.scope):
            lines.append(f"范围：{self.value(fact, EK.scope)}")
        return name, lines + self._evidence(fact)

    _describe_Target = _describe_Observation

    def _describe_AwardFact(self, fact):
        name = f"获奖 {self._year_text(fact)}".strip()
        lines = []
        for pred, word in ((EK.recipient, "获奖对象"), (EK.award, "荣誉")):
            objs = sorted(self.g.objects(fact, pred))
            if objs:
                lines.append(f"{word}：" + "、".join(self.label(o) for o in objs))
        if self.value(fact, EK.count):
            lines.append(f"数量：{self.value(fact, EK.count)}")
        return name, lines + self._evidence(fact)

    def _describe_PlanFact(self, fact):
        name = f"{self.value(fact, EK.action) or '印发'} {self._year_text(fact)}".strip()
        lines = []
        for pred, word in ((EK.plan, "文件"), (EK.issuer, "印发单位")):
            objs = sorted(self.g.objects(fact, pred))
            if objs:
                lines.append(f"{word}：" + "、".join(self.label(o) for o in objs))
        return name, lines + self._evidence(fact)

    def _year_text(self, fact) -> str:
        year = _year(self.g.value(fact, EK.year))
        return str(year) if year is not None else ""

    def _quantity(self, fact) -> str:
        """E.g. "23 μg/m3", "≤ 15 μg/m3", "下降 ≥ 13.5 %", "23 μg/m3 ↓6.6pp"."""
        parts = []
        of = self.value(fact, EK.of)
        if of:
            parts.append(_OF.get(of, of))
        comparator = self.value(fact, EK.comparator)
        if comparator:
            parts.append(_COMPARATORS.get(comparator, comparator))
        value = self.g.value(fact, EK.value)
        unit = self.value(fact, EK.unitCode)
        if value is not None:
            parts.append(_number(value))
            if unit and _UNITS.get(unit, unit):
                parts.append(_UNITS.get(unit, unit))
        change = self.g.value(fact, EK.changeValue)
        if change is not None:
            direction = self.value(fact, EK.direction)
            parts.append(f"{_DIRECTION.get(direction, '±')}{_number(change)}{self.value(fact, EK.changeUnit) or ''}")
        return " ".join(parts)

    def _evidence(self, fact) -> list[str]:
        """The evidence sentence(s) and the file name(s) of the document(s) stating the fact."""
        lines, docs = [], set(self.g.objects(fact, EK.statedIn))
        for sentence in sorted(self.g.objects(fact, EK.evidence)):
            text = self.value(sentence, NIF.anchorOf)
            if text is not None:
                lines.append(f"证据：「{text}」")
            docs |= set(self.g.objects(sentence, NIF.referenceContext))
        files = sorted({self.value(d, EK.fileName) or _local(d) for d in docs})
        if files:
            lines.append("文件：" + "、".join(files))
        if self.value(fact, EK.extractedBy):
            lines.append(f"抽取规则：{self.value(fact, EK.extractedBy)}")
        return lines


# ---------------------------------------------------------------- the page

def write_page(graph: rdflib.Graph, out: Path, *, title: str = "envkg", area: str | None = None,
               year: int | None = None, fact_type: str | None = None, indicator: str | None = None,
               selection: QuerySelection | None = None) -> PageSummary:
    """Write the graph (filtered or picked by a query, see `graph_to_networkx`) as one offline HTML page.

    The page inlines vis-network (pyvis's bundled copy), colours and shapes nodes per
    class (kg/data/viz_style.json) with a legend, sizes areas and awards by degree, and
    has a search box, filters by area, year, type and indicator, and a panel of network
    figures (kg.stats). Physics runs a bounded stabilisation and is then switched off.
    Same graph and filters, same bytes; the file is replaced atomically.
    """
    from .files import write_atomically
    from .layout import initial_positions
    from .stats import centrality, compute_stats

    nxg = graph_to_networkx(graph, area=area, year=year, fact_type=fact_type, indicator=indicator,
                            selection=selection)
    style = _style()
    degree, betweenness = centrality(nxg)
    positions = initial_positions(nxg)
    net = Network(directed=True, cdn_resources="in_line", heading=title)
    for node_id, attrs in nxg.nodes(data=True):
        cls_style = style["classes"][attrs["cls"]]
        size, tooltip = cls_style["size"], attrs["title"]
        if attrs["cls"] in _RANKED_CLASSES:  # hubs bigger; their figures in the tooltip
            size = round(size + 3 * math.sqrt(degree[node_id]), 1)
            tooltip += f"\n度：{degree[node_id]}，介数中心性：{betweenness[node_id]:.4f}"
        facets = {"facets": attrs["facets"]} if "facets" in attrs else {}
        net.add_node(node_id, label=attrs["label"], shape=cls_style["shape"], color=cls_style["color"],
                     size=size, title=tooltip, name=attrs["name"], cls=attrs["cls"],
                     x=positions[node_id][0], y=positions[node_id][1],
                     font={"size": cls_style["font_size"]}, **facets)
    for i, (s, o, key) in enumerate(nxg.edges(keys=True)):
        net.add_edge(s, o, id=f"e{i}", title=style["edges"].get(key, {"label": key})["label"], predicate=key)
    net.options = _options(nxg.number_of_nodes(), style)
    nodes, edges, heading, _height, _width, options = net.get_network_data()

    data = {"nodes": nodes, "edges": edges, "options": json.loads(options),
            "types": {key: style["classes"][_FACT_CLASSES[cls]]["label"] for key, cls in FACT_TYPES.items()},
            "layoutBudgetMs": style["layout_budget_ms"]}
    counts: dict[str, int] = {}
    for node in nodes:
        counts[node["cls"]] = counts.get(node["cls"], 0) + 1
    legend = "".join(
        f'<li data-class="{html.escape(cls)}"><span class="glyph" style="color:{html.escape(spec["color"])}">'
        f'{_GLYPHS.get(spec["shape"], "●")}</span> {html.escape(spec["label"])} '
        f'<span class="count">{counts[cls]}</span></li>'
        for cls, spec in style["classes"].items() if cls in counts)
    filters = [f"{word}={value}" for word, value in (("地区", area), ("年份", year), ("类型", fact_type),
               ("指标", indicator), ("查询", selection.name if selection else None)) if value is not None]
    subtitle = f"{len(nodes)} 个节点 · {len(edges)} 条边" + ("（" + "，".join(filters) + "）" if filters else "")
    vis_js, vis_css = _vis_assets()
    slots = {
        "TITLE": html.escape(heading),
        "SUBTITLE": html.escape(subtitle),
        "LEGEND": legend,
        "STATS": _stats_panel(compute_stats(nxg, top=8, centralities=(degree, betweenness))),
        "DATA": _script_json(data),
        "VIS_JS": vis_js,
        "VIS_CSS": vis_css,
        "PYVIS_VERSION": html.escape(pyvis.__version__),
        "VIS_VERSION": VIS_VERSION,
    }
    page = re.sub(r"@@([A-Z_]+)@@", lambda m: slots[m.group(1)], _template())
    out = Path(out)
    write_atomically(out, page)
    return PageSummary(nodes=len(nodes), edges=len(edges), path=out)


def draw(graph_path: Path, out: Path, *, area: str | None = None, year: int | None = None,
         fact_type: str | None = None, indicator: str | None = None, query: str | None = None,
         params: list[str] | None = None) -> PageSummary:
    """`kg viz`: load the graph file, pick nodes by filters or by a query (NAME or FILE.rq with
    KEY=VALUE params, bound as in `kg query`), write the page."""
    from . import query as queries
    from .store import load_graph, open_store
    from .subgraph import select_by_query

    if params and not query:
        raise VizFilterError("--param needs --query NAME")
    graph = load_graph(graph_path)
    selection = None
    if query:
        named = queries.load_query(query)
        selection = select_by_query(open_store(graph_path), named, queries.parse_params(named, params or []))
    return write_page(graph, out, area=area, year=year, fact_type=fact_type, indicator=indicator,
                      selection=selection)


def _stats_panel(stats) -> str:
    """The network figures as escaped HTML lists for the page's 统计 panel."""
    esc = html.escape

    def items(rows, text):
        return "".join(f"<li>{text(r)}</li>" for r in rows) or "<li>（无）</li>"

    sizes = stats.components
    parts = [f"<p>{len(sizes)} 个连通分量" + (f"，最大 {sizes[0]} 个节点" if sizes else "") + "</p>",
             "<h3>行政区（按度）</h3><ol>" + items(stats.areas, lambda r: f"{esc(r.name)} <span class=\"count\">"
                                                  f"度 {r.degree} · 介数 {r.betweenness:.3f}</span>") + "</ol>",
             "<h3>荣誉（按度）</h3><ol>" + items(stats.awards, lambda r: f"{esc(r.name)} <span class=\"count\">"
                                                 f"度 {r.degree}</span>") + "</ol>",
             "<h3>多地共有的荣誉</h3><ol>" + items(stats.shared_awards, lambda r: f"{esc(r.name)} <span class="
                                                   f"\"count\">{len(r.areas)} 地：{esc('、'.join(r.areas[:5]))}"
                                                   f"{'…' if len(r.areas) > 5 else ''}</span>") + "</ol>",
             "<h3>多地共有的指标</h3><ol>" + items(stats.shared_indicators, lambda r: f"{esc(r.name)} <span "
                                                   f"class=\"count\">{len(r.areas)} 地</span>") + "</ol>"]
    return "".join(parts)


def _options(n_nodes: int, style: dict) -> dict:
    """vis-network options: forceAtlas2Based with a bounded stabilisation, fixed seed."""
    return {
        "autoResize": True,
        "nodes": {"font": {"face": "sans-serif", "strokeWidth": 3,
                           "strokeColor": "#ffffff"},
                  "borderWidth": 1,
                  # labels smaller than this many screen pixels are not drawn: at the fitted
                  # zoom the entities' names show, the facts' (smaller font) appear on zooming in
                  "scaling": {"label": {"drawThreshold": style["label_draw_threshold"]}}},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
            "color": {"color": style["edge_color"], "highlight": "#34495e", "inherit": False},
            "smooth": False,
            "width": 1,
        },
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -40, "centralGravity": 0.015,
                                 "springLength": 60, "springConstant": 0.08,
                                 "damping": 0.5, "avoidOverlap": 0.3},
            "maxVelocity": 60,
            "minVelocity": 1,
            "timestep": 0.4,
            # fewer iterations for bigger graphs; the page also stops the layout after
            # style["layout_budget_ms"] (a few thousand nodes take ~90 ms a step headless)
            "stabilization": {"enabled": True, "fit": True, "updateInterval": 10,
                              "iterations": max(50, min(400, 100_000 // max(n_nodes, 1)))},
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": n_nodes > 1000,
                        "hideEdgesOnZoom": n_nodes > 1000, "multiselect": True},
        # improvedLayout (Kamada-Kawai seeding) is slow and gives up on graphs of many components
        "layout": {"randomSeed": 20240601, "improvedLayout": False},
    }


def _script_json(data) -> str:
    """JSON safe inside <script>: no `</script>`, `<!--` or `]]>` can appear in it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    """vis-network's script and style from pyvis's bundled copy, safe to inline."""
    lib = resources.files("pyvis") / "lib" / f"vis-{VIS_VERSION}"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    return (re.sub(r"</(script)", r"<\\/\1", js, flags=re.I),
            re.sub(r"</(style)", r"<\\/\1", css, flags=re.I))


@lru_cache(maxsize=1)
def _template() -> str:
    return (resources.files("kg") / "data" / "viz_template.html").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _style() -> dict:
    return json.loads((resources.files("kg") / "data" / "viz_style.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _indicator_labels() -> dict[str, str]:
    """Indicator key -> Chinese label from the vocabulary, for graphs that lack skos:prefLabel."""
    from .vocabulary import load_indicators
    try:
        return {key: ind.label_zh for key, ind in load_indicators().items()}
    except OSError:
        return {}


# ---------------------------------------------------------------- small helpers

def _local(iri) -> str:
    text = str(iri)
    for sep in ("#", "/"):
        if sep in text.rstrip(sep):
            text = text.rstrip(sep).rsplit(sep, 1)[1]
            break
    return unquote(text)


def display_unit(code: str | None) -> str:
    """A unit code of the graph as people read it: "day" -> "天", "1" -> "", "μg/m3" as is."""
    return _UNITS.get(code, code) if code else ""


def display_comparator(comparator: str | None) -> str:
    """"<=" -> "≤", ">=" -> "≥"."""
    return _COMPARATORS.get(comparator, comparator) if comparator else ""


def _year(literal) -> int | None:
    match = re.match(r"-?\d{4}", str(literal)) if literal is not None else None
    return int(match.group()) if match else None


def _number(literal) -> str:
    """23.0 -> "23", 0.350 -> "0.35"; never exponent notation."""
    try:
        value = Decimal(str(literal))
    except InvalidOperation:
        return str(literal)
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _shorten(text: str, limit: int = LABEL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _label(name: str) -> str:
    return _shorten(" ".join(name.split()))
