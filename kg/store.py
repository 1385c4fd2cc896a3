"""Load a graph file and run SPARQL on it, with oxigraph or rdflib behind one small API.

    >>> store = open_store(Path("out/graph.ttl"))              # doctest: +SKIP
    >>> store.select("SELECT ?doc WHERE { ?d ek:fileName ?doc } ORDER BY ?doc").rows  # doctest: +SKIP
    [('000_69ad9ab762b26814.txt',), ...]

Both engines give the same `Result` for the same query: rows hold plain strings (an IRI
as its string, a literal as its lexical form, numbers in canonical form such as ``23``
for ``23.0``), ``None`` for an unbound variable.

Parameters are bound by the engine, never pasted into the query text: oxigraph through
``substitutions`` (SEP-0007), rdflib through ``initBindings``. The two agree when a
parameter variable is

- projected by the SELECT (oxigraph refuses a substitution of any other variable), and
- bound by a triple pattern of the main WHERE group, and used elsewhere only in FILTER
  expressions other than BOUND.

With BIND, BOUND, VALUES, OPTIONAL-only or subquery-only use the engines disagree
(oxigraph's optimiser treats the variable as never bound; rdflib lets BIND overwrite it),
so `Store.select` refuses a query that binds a parameter with ``AS ?p`` or tests
``BOUND(?p)``, and refuses a parameter the SELECT does not project, on both engines.
A parameter therefore restricts its column to the given value; an optional parameter
that is not given is simply not bound.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from kg.errors import GraphError, QueryError

ENGINES = ("oxigraph", "rdflib")

#: Prefixes every query may use without declaring them (a query's own PREFIX wins).
PREFIXES: dict[str, str] = {
    "ek": "https://w3id.org/envkg/ontology#",
    "eki": "https://w3id.org/envkg/indicator/",
    "ekd": "https://w3id.org/envkg/id/",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "qudt": "http://qudt.org/schema/qudt/",
    "unit": "http://qudt.org/vocab/unit/",
    "sosa": "http://www.w3.org/ns/sosa/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}

_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
# Datatypes derived from xsd:integer: oxigraph reports them all as xsd:integer, so we do too.
_INTEGER_TYPES = {
    _XSD + t
    for t in (
        "integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
        "negativeInteger", "long", "int", "short", "byte", "unsignedLong",
        "unsignedInt", "unsignedShort", "unsignedByte",
    )
}
_DECIMAL_TYPES = {_XSD + "decimal"}
_FLOAT_TYPES = {_XSD + "double", _XSD + "float"}
_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Term(NamedTuple):
    """One RDF term of a result: kind is "uri", "literal" or "bnode"."""

    kind: str
    value: str
    lang: str | None = None
    datatype: str | None = None  # None for a simple (xsd:string) or language-tagged literal


@dataclass(frozen=True)
class Result:
    """The solutions of a SELECT: plain-string `rows` and the typed `terms` behind them."""

    columns: list[str]
    rows: list[tuple[str | None, ...]]
    terms: list[tuple[Term | None, ...]] = field(repr=False)

    def __len__(self) -> int:
        return len(self.rows)

    def records(self) -> list[dict[str, str | None]]:
        """The rows as dicts keyed by column name."""
        return [dict(zip(self.columns, row)) for row in self.rows]


QUAD_FORMATS = frozenset({"nq", "nquads", "trig"})


def open_store(path: Path | str, engine: str = "oxigraph") -> Store:
    """Load the graph file at `path` (Turtle, or N-Triples/RDF-XML by extension) into `engine`.

    Raises GraphError, naming the file, when it is missing or cannot be parsed.
    """
    path = Path(path)
    if engine not in ENGINES:
        raise QueryError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    if not path.exists():
        raise GraphError(f"{path}: graph file not found; build the graph first or pass its path")
    if not path.is_file():
        raise GraphError(f"{path}: not a file")
    suffix = path.suffix.lstrip(".").lower()
    if suffix in QUAD_FORMATS:
        raise GraphError(f"{path}: a dataset of named graphs (one per bulletin), which the named queries do "
                         f"not read; use graph.ttl, or load the file into a store (kg push)")
    try:
        if engine == "oxigraph":
            fmt = ox.RdfFormat.from_extension(suffix) or ox.RdfFormat.TURTLE
            backend: Any = ox.Store()
            backend.bulk_load(path=str(path), format=fmt)
        else:
            fmt = rdflib.util.guess_format(path.name) or "turtle"
            backend = rdflib.Graph(bind_namespaces="core")
            backend.parse(str(path), format=fmt)
    except (SyntaxError, ValueError, UnicodeDecodeError) as e:
        raise GraphError(f"{path}: cannot parse the graph: {_first_line(e)}") from None
    except OSError as e:
        raise GraphError(f"{path}: cannot read the graph: {_first_line(e)}") from None
    return Store(engine, backend, path)


def load_graph(path: Path | str) -> rdflib.Graph:
    """The graph file at `path` as an rdflib Graph (for code that walks triples, e.g. viz).

    Raises GraphError, naming the file, when it is missing or cannot be parsed.
    """
    graph = open_store(path, "rdflib")._backend
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    return graph


class Store:
    """A loaded graph; query it with `select`, `construct` and `ask`."""

    def __init__(self, engine: str, backend: Any, path: Path | None = None):
        self.engine = engine
        self.path = path
        self._backend = backend

    def __repr__(self) -> str:
        return f"Store(engine={self.engine!r}, path={str(self.path)!r})"

    def triple_count(self) -> int:
        return len(self._backend)

    @property
    def native(self) -> Any:
        """The engine's own store: a pyoxigraph.Store or an rdflib.Graph."""
        return self._backend

    # -- the three query forms ------------------------------------------------------

    def select(self, sparql: str, bindings: Mapping[str, Any] | None = None, *, name: str = "query") -> Result:
        """Run a SELECT; `bindings` maps variable names (without ?) to values bound by the engine."""
        result = self._run(sparql, bindings, name, "select")
        if self.engine == "oxigraph":
            columns = [v.value for v in result.variables]
            seen: dict[Any, Term | None] = {}  # a term repeats across rows: convert it once

            def convert(term: Any) -> Term | None:
                if term not in seen:
                    seen[term] = _from_ox(term)
                return seen[term]

            terms = [tuple(convert(term) for term in sol) for sol in result]
        else:
            columns = [str(v) for v in result.vars]
            terms = [tuple(_from_rdflib(t) for t in row) for row in result]
        missing = [p for p in (bindings or {}) if p not in columns]
        if missing:  # oxigraph raises this itself; rdflib would silently accept it
            raise _not_projected(name, missing[0])
        rows = [tuple(None if t is None else t.value for t in row) for row in terms]
        return Result(columns, rows, terms)

    def construct(self, sparql: str, bindings: Mapping[str, Any] | None = None, *, name: str = "query") -> rdflib.Graph:
        """Run a CONSTRUCT or DESCRIBE; the triples come back as an rdflib Graph."""
        result = self._run(sparql, bindings, name, "construct")
        graph = rdflib.Graph(bind_namespaces="core")
        for prefix, iri in PREFIXES.items():
            graph.bind(prefix, iri, override=True)
        if self.engine == "oxigraph":
            for t in result:
                graph.add((_ox_to_rdflib(t.subject), _ox_to_rdflib(t.predicate), _ox_to_rdflib(t.object)))
        else:
            for triple in result:
                graph.add(triple)
        return graph

    def ask(self, sparql: str, bindings: Mapping[str, Any] | None = None, *, name: str = "query") -> bool:
        """Run an ASK."""
        result = self._run(sparql, bindings, name, "ask")
        return bool(result) if self.engine == "oxigraph" else bool(result.askAnswer)

    # -- internals --------------------------------------------------------------

    def _run(self, sparql: str, bindings: Mapping[str, Any] | None, name: str, form: str) -> Any:
        terms = {k: _to_rdflib(k, v, name) for k, v in (bindings or {}).items()}
        for var in terms:
            _check_parameter_use(sparql, var, name)
        if self.engine == "oxigraph":
            return self._run_ox(sparql, terms, name, form)
        return self._run_rdflib(sparql, terms, name, form)

    def _run_ox(self, sparql: str, terms: dict[str, Any], name: str, form: str) -> Any:
        subs = {ox.Variable(k): _rdflib_to_ox(v) for k, v in terms.items()}
        try:
            result = self._backend.query(sparql, prefixes=PREFIXES, substitutions=subs or None)
        except SyntaxError as e:
            raise QueryError(f"query {name}: syntax error: {_first_line(e)}") from None
        except (RuntimeError, OSError, ValueError) as e:
            m = re.search(r"variable \?(\w+) in its SELECT projection", str(e))
            if m:
                raise _not_projected(name, m.group(1)) from None
            raise QueryError(f"query {name}: {_first_line(e)}") from None
        kind = {ox.QuerySolutions: "select", ox.QueryTriples: "construct", ox.QueryBoolean: "ask"}
        _check_form(name, form, kind.get(type(result), "unknown"))
        return result

    def _run_rdflib(self, sparql: str, terms: dict[str, Any], name: str, form: str) -> Any:
        from rdflib.plugins.sparql import prepareQuery

        try:
            prepared = prepareQuery(sparql, initNs=PREFIXES)
        except Exception as e:  # pyparsing.ParseException, unknown prefix (plain Exception), ...
            raise QueryError(f"query {name}: syntax error: {_first_line(e)}") from None
        kind = {"SelectQuery": "select", "ConstructQuery": "construct",
                "DescribeQuery": "construct", "AskQuery": "ask"}
        _check_form(name, form, kind.get(prepared.algebra.name, "unknown"))
        try:
            return self._backend.query(prepared, initBindings=terms)
        except Exception as e:
            raise QueryError(f"query {name}: {_first_line(e)}") from None


# -- helpers ------------------------------------------------------------------------

def _first_line(e: BaseException) -> str:
    """The error's message on one line (rdflib puts the reason on the second: "at line 1 of <>:")."""
    text = " ".join(line.strip() for line in (str(e).strip() or type(e).__name__).splitlines()[:2])
    return text if len(text) <= 200 else text[:199] + "…"


def _not_projected(name: str, var: str) -> QueryError:
    return QueryError(
        f"query {name}: parameter ?{var} must be a column of the query: list it in the SELECT "
        "and bind it with a triple pattern"
    )


def _check_form(name: str, wanted: str, got: str) -> None:
    if wanted != got:
        hint = ("`kg query` runs SELECT queries; draw a CONSTRUCT with `kg viz --query`, or ask anything "
                "through `kg serve`") if wanted == "select" else f"this needs a {wanted.upper()} query"
        raise QueryError(f"query {name}: {got.upper()} query given; {hint}")


def check_parameter_use(sparql: str, var: str, name: str) -> None:
    """Refuse uses of a parameter the engines disagree on (BOUND(?p), ... AS ?p)."""
    _check_parameter_use(sparql, var, name)


def literal_term(lexical: str, lang: str | None, datatype: str | None) -> Term:
    """A literal as a result `Term`, normalised the same way for every engine."""
    return _literal(lexical, lang, datatype)


def _check_parameter_use(sparql: str, var: str, name: str) -> None:
    v = re.escape(var)
    if re.search(rf"\bBOUND\s*\(\s*[?$]{v}\s*\)", sparql, re.IGNORECASE):
        raise QueryError(f"query {name}: parameter ?{var} is tested with BOUND(), which the engines "
                         "evaluate differently; leave an optional parameter unbound instead")
    if re.search(rf"\bAS\s+[?$]{v}\b", sparql, re.IGNORECASE):
        raise QueryError(f"query {name}: parameter ?{var} is assigned with AS; bind it with a triple pattern")


def _to_rdflib(var: str, value: Any, name: str) -> Any:
    """A binding value as an rdflib term; plain Python values become typed literals."""
    if not isinstance(var, str) or not _VARNAME.match(var):
        raise QueryError(f"query {name}: {var!r} is not a valid variable name")
    if isinstance(value, (URIRef, Literal, BNode)):
        return value
    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        return _ox_to_rdflib(value)
    if isinstance(value, bool | int | float | Decimal | str):
        return Literal(value)
    raise QueryError(f"query {name}: cannot bind ?{var} to a {type(value).__name__}")


def _rdflib_to_ox(term: Any) -> Any:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))


def _ox_to_rdflib(term: Any) -> Any:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    dt = term.datatype.value
    return Literal(term.value, datatype=None if dt == _XSD_STRING else URIRef(dt))


def _from_ox(term: Any) -> Term | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        return _literal(term.value, term.language, term.datatype.value)
    raise QueryError(f"unsupported term in result: {term!r}")


def _from_rdflib(term: Any) -> Term | None:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return Term("uri", str(term))
    if isinstance(term, BNode):
        return Term("bnode", str(term))
    if isinstance(term, Literal):
        return _literal(str(term), term.language, str(term.datatype) if term.datatype else None)
    raise QueryError(f"unsupported term in result: {term!r}")


def _literal(lexical: str, lang: str | None, datatype: str | None) -> Term:
    if lang:
        return Term("literal", lexical, lang.lower(), None)
    if datatype in (None, _XSD_STRING, _RDF_LANGSTRING):
        return Term("literal", lexical)
    if datatype in _INTEGER_TYPES:
        return Term("literal", _canonical_number(lexical), None, _XSD + "integer")
    if datatype in _DECIMAL_TYPES or datatype in _FLOAT_TYPES:
        return Term("literal", _canonical_number(lexical), None, datatype)
    return Term("literal", lexical, None, datatype)


def _canonical_number(lexical: str) -> str:
    """A number's plain lexical form, the same from both engines: 23.0 -> 23, 1e3 -> 1000."""
    try:
        d = Decimal(lexical.strip())
    except InvalidOperation:
        return lexical
    if not d.is_finite():
        return {"NaN": "NaN", "Infinity": "INF", "-Infinity": "-INF"}.get(str(d), lexical)
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "0") else text
