"""Starting positions for the graph page, so the browser's physics only has to refine.

Bulletins sit on a sunflower spiral; each fact sits on a small spiral around the bulletin
stating it; every other node starts at the mean position of its placed neighbours (a hub
shared by many bulletins lands between them), nudged by a small fixed offset so no two
nodes coincide. Nodes reached by none of that (e.g. a query's subgraph without bulletins)
go on an outer spiral. O(nodes + edges), deterministic.

>>> import networkx
>>> g = networkx.MultiDiGraph()
>>> g.add_node("d", cls="Bulletin"); g.add_node("f", cls="Observation")
>>> _ = g.add_edge("f", "d", key="statedIn")
>>> pos = initial_positions(g)
>>> math.dist(pos["d"], pos["f"]) < 3 * FACT_SPACING
True
"""
from __future__ import annotations

import math

import networkx

__all__ = ["initial_positions"]

GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
BULLETIN_SPACING = 420.0
FACT_SPACING = 22.0


def _spiral(i: int, spacing: float) -> tuple[float, float]:
    radius = spacing * math.sqrt(i + 0.5)
    return radius * math.cos(i * GOLDEN_ANGLE), radius * math.sin(i * GOLDEN_ANGLE)


def initial_positions(nxg: networkx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """x, y per node (vis-network canvas units)."""
    pos: dict[str, tuple[float, float]] = {}
    bulletins = sorted(n for n, cls in nxg.nodes(data="cls") if cls == "Bulletin")
    for i, doc in enumerate(bulletins):
        pos[doc] = _spiral(i, BULLETIN_SPACING)
    for doc in bulletins:
        facts = sorted(s for s, _, key in nxg.in_edges(doc, keys=True) if key == "statedIn")
        for k, fact in enumerate(facts):
            if fact not in pos:
                dx, dy = _spiral(k + 3, FACT_SPACING)
                pos[fact] = (pos[doc][0] + dx, pos[doc][1] + dy)
    undirected = nxg.to_undirected(as_view=True)
    remaining = sorted(n for n in nxg if n not in pos)
    while remaining:
        placed_now = {}
        for j, node in enumerate(remaining):
            near = [pos[m] for m in undirected.neighbors(node) if m in pos]
            if near:
                dx, dy = _spiral(j % 50 + 1, 6.0)
                placed_now[node] = (sum(p[0] for p in near) / len(near) + dx,
                                    sum(p[1] for p in near) / len(near) + dy)
        if not placed_now:
            break
        pos.update(placed_now)
        remaining = [n for n in remaining if n not in pos]
    outer = len(bulletins)
    for j, node in enumerate(remaining):
        pos[node] = _spiral(outer + j, BULLETIN_SPACING / 4 if not bulletins else BULLETIN_SPACING)
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in pos.items()}
