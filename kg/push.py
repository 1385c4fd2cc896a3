"""Upload a graph file into a triple store over the SPARQL 1.1 Graph Store HTTP Protocol.

    >>> report = push_graph(Path("out/graph.ttl"), "http://127.0.0.1:7878/store")  # doctest: +SKIP
    >>> report.uploaded == report.stored                                          # doctest: +SKIP
    True

POST adds the triples to the target graph, PUT (`replace=True`) replaces it; the target
is the store's default graph (`?default`) or a named graph (`?graph=IRI`). The body is
N-Triples (valid Turtle, sent as text/turtle, which every store accepts). Afterwards the
graph is read back (GET) and its triples counted: with PUT it must hold exactly the
uploaded triples, with POST the union of what it held before and the upload (blank
nodes of an upload are always new, as the protocol's merge says).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from .httpclient import StoreError, check_url, request
from .store import open_store

READ_BACK_ACCEPT = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8, application/rdf+xml;q=0.5"


class PushError(StoreError):
    """An upload that failed or whose triples the store does not hold afterwards."""


@dataclass(frozen=True)
class PushReport:
    target: str
    uploaded: int
    stored: int
    expected: int
    replaced: bool

    def summary(self) -> str:
        verb = "replaced" if self.replaced else "added to"
        return f"uploaded {self.uploaded} triples; {verb} {self.target}, which now holds {self.stored}"


def graph_url(endpoint: str, graph_iri: str | None) -> str:
    """The Graph Store URL of the default graph or of a named graph at `endpoint`."""
    check_url(endpoint)
    sep = "&" if "?" in endpoint else "?"
    return f"{endpoint}{sep}default" if not graph_iri else f"{endpoint}{sep}graph={quote(graph_iri, safe='')}"


def push_graph(graph_path: Path | str, endpoint: str, *, into: str | None = None,
               replace: bool = False) -> PushReport:
    """Upload the graph file at `graph_path` to the Graph Store at `endpoint`; check the count."""
    upload = open_store(graph_path, "oxigraph").native
    body = upload.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    target = graph_url(endpoint, into)
    before = None if replace else read_graph(target)
    try:
        request("PUT" if replace else "POST", target, body=body,
                headers={"Content-Type": "text/turtle; charset=utf-8"})
    except StoreError as error:
        raise PushError(f"the store refused the upload: {error}{_hint(error)}") from None
    if before is not None:
        before.extend(ox.parse(body, format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=True))
    expected = len(upload) if before is None else len(before)
    stored = len(read_graph(target))
    report = PushReport(target, len(upload), stored, expected, replace)
    if stored != expected:
        raise PushError(f"{target} holds {stored} triples after the upload, expected {expected} "
                        f"({len(upload)} uploaded)")
    return report


def read_graph(target: str) -> ox.Store:
    """GET a graph from a Graph Store into an in-memory store (empty when the graph does not exist)."""
    answer = request("GET", target, headers={"Accept": READ_BACK_ACCEPT}, accept_status=(404,))
    store = ox.Store()
    if answer.status == 404 or not answer.body.strip():
        return store
    fmt = ox.RdfFormat.from_media_type(answer.content_type)
    if fmt is None:
        raise PushError(f"GET {target}: the store answered {answer.content_type!r}, not an RDF format")
    try:
        store.extend(ox.parse(answer.body, format=fmt, rename_blank_nodes=True))
    except (SyntaxError, ValueError) as error:
        raise PushError(f"GET {target}: cannot parse the store's answer: {error}") from None
    return store


def _hint(error: StoreError) -> str:
    text = str(error)
    if "HTTP 404" in text or "HTTP 405" in text:
        return " (is the URL the store's Graph Store endpoint, e.g. http://127.0.0.1:7878/store for Oxigraph?)"
    if "HTTP 401" in text or "HTTP 403" in text:
        return " (the store does not allow anonymous uploads; see the README on Virtuoso)"
    return ""
