"""Run SELECT queries on a remote SPARQL 1.1 Protocol endpoint, with the same `Result` as kg.store.

    >>> store = RemoteStore("http://127.0.0.1:7878/query")            # doctest: +SKIP
    >>> run_query(store, load_query("observations"), {"area": "广州市"})  # doctest: +SKIP

Results are read as SPARQL 1.1 Query Results JSON and their terms normalised as
kg.store does (integers of any xsd integer type as xsd:integer, numbers in canonical
form), so rows from a remote store compare equal to rows from the embedded engines.

Parameters travel as an inline `VALUES` block placed first in the query's outer WHERE
group, each value written as an N-Triples term by rdflib (quotes and newlines
escaped): the protocol has no other way to bind a variable. The block sits inside the
group rather than after the query because Virtuoso 7 mishandles a trailing VALUES.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from rdflib import Literal, URIRef

from .errors import QueryError
from .httpclient import StoreError, check_url, request
from .store import PREFIXES, Result, Term, check_parameter_use, literal_term

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


class RemoteStore:
    """A SPARQL query endpoint; `default_graph` names the graph to query as the default graph."""

    engine = "remote"

    def __init__(self, endpoint: str, default_graph: str | None = None):
        check_url(endpoint)
        self.endpoint = endpoint
        self.default_graph = default_graph

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint!r}, default_graph={self.default_graph!r})"

    def select(self, sparql: str, bindings: Mapping[str, Any] | None = None, *, name: str = "query") -> Result:
        """Run a SELECT with `bindings` (variable name → rdflib term) on the endpoint."""
        for var in bindings or {}:
            check_parameter_use(sparql, var, name)
        text = _with_prefixes(_bind(sparql, dict(bindings or {}), name))
        form = [("query", text)]
        if self.default_graph:
            form.append(("default-graph-uri", self.default_graph))
        try:
            answer = request("POST", self.endpoint, body=urlencode(form).encode("utf-8"), headers={
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                "Accept": "application/sparql-results+json"})
        except StoreError as error:
            raise QueryError(f"query {name}: {error}") from None
        try:
            data = json.loads(answer.body.decode("utf-8"))
            columns = list(data["head"]["vars"])
            solutions = data["results"]["bindings"]
        except (ValueError, KeyError, TypeError):
            raise QueryError(f"query {name}: {self.endpoint} did not answer with SPARQL results JSON") from None
        missing = [p for p in (bindings or {}) if p not in columns]
        if missing:
            raise QueryError(f"query {name}: parameter ?{missing[0]} must be a column of the query")
        terms = [tuple(_term(solution.get(c)) for c in columns) for solution in solutions]
        rows = [tuple(None if t is None else t.value for t in row) for row in terms]
        return Result(columns, rows, terms)


def _bind(sparql: str, bindings: dict[str, Any], name: str) -> str:
    if not bindings:
        return sparql
    match = _WHERE.search(_strip_comments(sparql))
    if match is None:
        raise QueryError(f"query {name}: no WHERE {{ to bind parameters in")
    names = sorted(bindings)
    values = " ".join(_n3(bindings[n], name) for n in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({values}) }} "
    return sparql[:match.end()] + block + sparql[match.end():]


def _strip_comments(sparql: str) -> str:
    """The query with comment text blanked out (same length), so offsets stay valid."""
    return re.sub(r"#[^\n]*", lambda m: " " * len(m.group()), sparql)


def _n3(term: Any, name: str) -> str:
    if not isinstance(term, (Literal, URIRef)):
        raise QueryError(f"query {name}: a parameter value must be an IRI or a literal, not {term!r}")
    return term.n3()


def _with_prefixes(sparql: str) -> str:
    """Declare the envkg prefixes a query uses without declaring (kg.store allows that)."""
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([A-Za-z][\w-]*)\s*:", sparql, re.IGNORECASE)}
    head = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p.lower() not in declared)
    return head + sparql


def _term(value: dict | None) -> Term | None:
    if value is None:
        return None
    kind = value.get("type")
    if kind == "uri":
        return Term("uri", value["value"])
    if kind == "bnode":
        return Term("bnode", value["value"])
    if kind in ("literal", "typed-literal"):  # Virtuoso still says typed-literal (SPARQL 1.0 JSON)
        return literal_term(value["value"], value.get("xml:lang"), value.get("datatype"))
    raise QueryError(f"unsupported term in remote result: {value!r}")
