"""The part of the graph a SPARQL query picks, for `kg viz --query`.

A query names what to draw:

- SELECT: every IRI bound in any cell of any row, and every node whose name is exactly
  the text of a cell (rdfs:label, skos:prefLabel, skos:notation, dcterms:title or
  ek:fileName: so the named queries, which return names, draw too);
- CONSTRUCT or DESCRIBE: every IRI that is the subject or object of a result triple, and
  the result triples between two IRIs (drawn as edges too, so a query can add its own
  links, e.g. ``?a ex:sharesAwardWith ?b``).

`kg.viz.graph_to_networkx` then draws those of the IRIs that are nodes of the page (facts,
bulletins, areas, organisations, named recipients, awards, plans, indicators; a sentence
IRI stands for the facts it is the evidence of), the facts that link two or more of them
through their area, indicator, recipient, award, plan or issuer (not through the bulletin
alone), and every edge among what is drawn.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rdflib import URIRef

from .query import NamedQuery, run_query
from .store import Store

__all__ = ["QuerySelection", "query_form", "select_by_query"]

_FORM = re.compile(r"\b(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", re.IGNORECASE)
# IRIs, strings and comments, matched left to right so that "#" inside an IRI is no comment
_SKIP = re.compile(r"<[^<>\s]*>|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")


@dataclass(frozen=True)
class QuerySelection:
    """The IRIs a query returned, the texts of its literal cells (SELECT), the IRI-to-IRI
    triples of a CONSTRUCT, and the query's name."""

    iris: frozenset[str]
    triples: tuple[tuple[str, str, str], ...]
    name: str
    names: frozenset[str] = frozenset()


def query_form(sparql: str) -> str:
    """"select", "construct" (also for DESCRIBE) or "ask": the first query keyword outside comments, IRIs and strings."""
    match = _FORM.search(_SKIP.sub(" ", sparql))
    form = match.group(1).lower() if match else "select"
    return "construct" if form == "describe" else form


def select_by_query(store: Store, query: NamedQuery, bindings: Mapping[str, Any] | None = None) -> QuerySelection:
    """Run `query` (SELECT, CONSTRUCT or DESCRIBE) with bound parameters and collect what it names."""
    form = query_form(query.sparql)
    if form == "construct":
        result = store.construct(query.sparql, bindings or {}, name=query.name)
        iris = {str(t) for s, _, o in result for t in (s, o) if isinstance(t, URIRef)}
        triples = sorted((str(s), str(p), str(o)) for s, p, o in result
                         if isinstance(s, URIRef) and isinstance(o, URIRef))
        return QuerySelection(frozenset(iris), tuple(triples), query.name)
    result = run_query(store, query, bindings or {})  # an ASK is refused here with a clear message
    cells = [t for row in result.terms for t in row if t is not None]
    iris = {t.value for t in cells if t.kind == "uri"}
    names = {t.value for t in cells if t.kind == "literal" and t.value}
    return QuerySelection(frozenset(iris), (), query.name, frozenset(names))
