"""Network figures of the drawn graph, computed with networkx: what `kg stats` prints and the page shows.

The input is the graph `kg.viz.graph_to_networkx` draws (nodes keyed by IRI with `cls` and
`name`; edges keyed by predicate). Degree counts distinct neighbours; betweenness is
networkx's normalised betweenness centrality on the undirected simple graph: exact up to
`EXACT_BETWEENNESS` nodes, beyond that estimated from `BETWEENNESS_SAMPLE` source nodes
chosen with a fixed seed (repeatable; a few thousand nodes then take about a second).
An award or indicator is "shared" by the areas whose facts name it: an award fact lies
where its recipient is (an organisation where it is based, else the bulletin's
area); an observation or target lies in its ek:area.

>>> import networkx
>>> compute_stats(networkx.MultiDiGraph()).nodes
0
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import networkx

__all__ = ["BETWEENNESS_SAMPLE", "EXACT_BETWEENNESS", "GraphStats", "Ranked", "Shared", "centrality",
           "compute_stats", "format_stats", "graph_stats"]

EXACT_BETWEENNESS = 500
BETWEENNESS_SAMPLE = 100
TOP = 10


@dataclass(frozen=True)
class Ranked:
    """A node with its degree (distinct neighbours) and betweenness centrality."""

    iri: str
    name: str
    degree: int
    betweenness: float


@dataclass(frozen=True)
class Shared:
    """An award or indicator and the areas whose facts name it."""

    iri: str
    name: str
    areas: list[str]


@dataclass(frozen=True)
class GraphStats:
    nodes: int
    edges: int
    classes: dict[str, int]
    components: list[int]  # sizes of the connected components, largest first
    areas: list[Ranked]  # by degree, then betweenness, then name
    awards: list[Ranked]
    shared_awards: list[Shared]  # by number of areas, then name
    shared_indicators: list[Shared]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def compute_stats(nxg: networkx.MultiDiGraph, top: int = TOP,
                  centralities: tuple[dict[str, int], dict[str, float]] | None = None) -> GraphStats:
    """Degree and betweenness of areas and awards, components, the most shared awards and
    indicators. `centralities` is what `centrality(nxg)` returned, if already computed."""
    simple = _simple(nxg)
    degree, betweenness = centralities or centrality(nxg, simple)
    classes: dict[str, int] = {}
    for _, cls in nxg.nodes(data="cls"):
        classes[cls] = classes.get(cls, 0) + 1

    def ranked(cls: str) -> list[Ranked]:
        rows = [Ranked(n, nxg.nodes[n]["name"], degree[n], betweenness[n])
                for n in nxg.nodes if nxg.nodes[n]["cls"] == cls]
        return sorted(rows, key=lambda r: (-r.degree, -r.betweenness, r.name, r.iri))[:top]

    components = sorted((len(c) for c in networkx.connected_components(simple)), reverse=True)
    return GraphStats(
        nodes=nxg.number_of_nodes(), edges=nxg.number_of_edges(), classes=dict(sorted(classes.items())),
        components=components, areas=ranked("Area"), awards=ranked("Award"),
        shared_awards=_shared(nxg, "Award", "award", top),
        shared_indicators=_shared(nxg, "Indicator", "indicator", top),
    )


def centrality(nxg: networkx.MultiDiGraph, simple: networkx.Graph | None = None
               ) -> tuple[dict[str, int], dict[str, float]]:
    """Each node's degree (distinct neighbours) and betweenness centrality (rounded to 6 places)."""
    simple = _simple(nxg) if simple is None else simple
    if not simple.number_of_nodes():
        return {}, {}
    sample = None if simple.number_of_nodes() <= EXACT_BETWEENNESS else BETWEENNESS_SAMPLE
    betweenness = networkx.betweenness_centrality(simple, k=sample, seed=0)
    return dict(simple.degree()), {n: round(b, 6) for n, b in betweenness.items()}


def _simple(nxg: networkx.MultiDiGraph) -> networkx.Graph:
    simple = networkx.Graph()
    simple.add_nodes_from(nxg.nodes)
    simple.add_edges_from((s, o) for s, o in nxg.edges() if s != o)
    return simple


def _shared(nxg: networkx.MultiDiGraph, cls: str, predicate: str, top: int) -> list[Shared]:
    rows = []
    for node in nxg.nodes:
        if nxg.nodes[node]["cls"] != cls:
            continue
        areas = set()
        for fact, _, key in nxg.in_edges(node, keys=True):
            if key == predicate:
                areas |= _fact_areas(nxg, fact)
        if areas:
            names = sorted(nxg.nodes[a]["name"] for a in areas)
            rows.append(Shared(node, nxg.nodes[node]["name"], names))
    return sorted(rows, key=lambda r: (-len(r.areas), r.name, r.iri))[:top]


def _fact_areas(nxg: networkx.MultiDiGraph, fact: str) -> set[str]:
    out = {o: key for _, o, key in nxg.out_edges(fact, keys=True)}
    areas = {o for o, key in out.items() if key == "area"}
    for o, key in out.items():
        if key in ("recipient", "issuer"):
            if nxg.nodes[o]["cls"] == "Area":
                areas.add(o)
            else:
                areas |= {a for _, a, k in nxg.out_edges(o, keys=True) if k == "basedIn"}
    if not areas:
        for o, key in out.items():
            if key == "statedIn":
                areas |= {a for _, a, k in nxg.out_edges(o, keys=True) if k == "aboutArea"}
    return areas


def format_stats(stats: GraphStats) -> str:
    """The figures as plain-text tables for a terminal."""
    from .query import display_width

    def table(title: str, header: list[str], rows: list[list[str]]) -> list[str]:
        if not rows:
            return [title, "  (none)", ""]
        widths = [max(display_width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

        def line(cells):
            return "  " + "  ".join(str(c) + " " * (w - display_width(str(c))) for c, w in zip(cells, widths)).rstrip()
        return [title, line(header), "  " + "  ".join("-" * w for w in widths), *map(line, rows), ""]

    sizes = stats.components
    lines = [f"nodes {stats.nodes}, edges {stats.edges}, connected components {len(sizes)}"
             + (f" (largest {sizes[0]}, then {', '.join(map(str, sizes[1:6]))}{'…' if len(sizes) > 6 else ''})"
                if len(sizes) > 1 else ""), ""]
    lines += table("nodes by class", ["class", "count"], [[c, n] for c, n in stats.classes.items()])
    for title, rows in (("areas by degree", stats.areas), ("awards by degree", stats.awards)):
        lines += table(title, ["name", "degree", "betweenness"],
                       [[r.name, r.degree, f"{r.betweenness:.4f}"] for r in rows])
    for title, rows in (("most shared awards", stats.shared_awards),
                        ("most shared indicators", stats.shared_indicators)):
        lines += table(title, ["name", "areas", "which"],
                       [[r.name, len(r.areas), "、".join(r.areas[:6]) + ("…" if len(r.areas) > 6 else "")]
                        for r in rows])
    return "\n".join(lines).rstrip() + "\n"


def graph_stats(graph_path, fmt: str = "table") -> str:
    """`kg stats`: the figures of the whole graph file as a table or JSON."""
    from .store import load_graph
    from .viz import graph_to_networkx

    stats = compute_stats(graph_to_networkx(load_graph(graph_path)))
    return stats.to_json() if fmt == "json" else format_stats(stats)
