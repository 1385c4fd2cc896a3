"""Named SPARQL queries: the queries/*.rq files, their parameters, and result formats.

A named query is data, not code. Each file starts with a comment header:

    # title: Observations
    # description: Every observed indicator value, one row per fact, with its evidence sentence.
    # param: area   label   optional   Area name as the graph labels it, e.g. 广州市
    # param: year   gYear   optional   Four-digit year
    # columns: doc, area, year, indicator, value, unit, of, scope, evidence

A parameter is a column of the query: giving it a value keeps the rows whose column has
that value (the engine binds it; see kg.store for the rules a query must follow).
Parameter types:

    string    a plain literal (xsd:string)                 doc=000_x.txt
    label     a Chinese label (rdfs:label "..."@zh)         area=广州市
    gYear     "2023"^^xsd:gYear from four digits            year=2023
    integer   xsd:integer                                   n=3
    decimal   xsd:decimal                                   value=23.5
    iri       an absolute IRI                               area_iri=https://w3id.org/envkg/id/area/440100
"""
from __future__ import annotations

import csv
import difflib
import io
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.errors import QueryError
from kg.store import Result, Store, Term

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"
PARAM_TYPES = ("string", "label", "gYear", "integer", "decimal", "iri")
FORMATS = ("table", "csv", "tsv", "json")

_HEADER_KEYS = ("title", "description", "param", "columns")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    sparql: str
    path: Path | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


# -- loading ------------------------------------------------------------------------

def list_queries() -> list[NamedQuery]:
    """Every named query in QUERIES_DIR, sorted by name."""
    return [load_query(str(p)) for p in sorted(QUERIES_DIR.glob("*.rq"))]


def load_query(name_or_path: str) -> NamedQuery:
    """A query by NAME (a file of queries/ without .rq) or by path to a .rq file."""
    text = str(name_or_path)
    candidate = Path(text)
    if text.endswith(".rq") or candidate.parent != Path("."):
        path = candidate
        if not path.is_file():
            raise QueryError(f"{path}: query file not found")
    else:
        path = QUERIES_DIR / f"{text}.rq"
        if not path.is_file():
            known = sorted(p.stem for p in QUERIES_DIR.glob("*.rq"))
            close = difflib.get_close_matches(text, known, n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(close)}? " if close else ""
            raise QueryError(f"unknown query {text!r}; {hint}run `kg query --list` to see the named queries")
    try:
        sparql = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise QueryError(f"{path}: cannot read the query: {e}") from None
    return _parse(path, sparql)


def inline_query(sparql: str) -> NamedQuery:
    """A query given as text (kg query -e): no parameters, no declared columns."""
    return NamedQuery(name="expression", title="SPARQL expression", description="", params=(),
                      columns=(), sparql=sparql)


def format_query_list(queries: Sequence[NamedQuery]) -> str:
    """The named queries as plain text: name and title, description, parameters, columns."""
    lines: list[str] = []
    for q in queries:
        lines.append(f"{q.name}  {q.title}")
        if q.description:
            lines.append(f"    {q.description}")
        for p in q.params:
            need = "required" if p.required else "optional"
            lines.append(f"    --param {p.name}=…  ({p.type}, {need}) {p.description}".rstrip())
        if q.columns:
            lines.append(f"    columns: {', '.join(q.columns)}")
        lines.append("")
    return "\n".join(lines)


def _parse(path: Path, sparql: str) -> NamedQuery:
    fields: dict[str, list[str]] = {k: [] for k in _HEADER_KEYS}
    params: list[Param] = []
    for lineno, line in enumerate(sparql.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break  # the header ends at the first line of SPARQL
        m = re.match(r"#\s*([A-Za-z]+)\s*:\s*(.*)$", stripped)
        if not m or m.group(1) not in _HEADER_KEYS:
            continue  # a plain comment
        key, value = m.group(1), m.group(2).strip()
        if key == "param":
            params.append(_parse_param(path, lineno, value))
        else:
            fields[key].append(value)
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise QueryError(f"{path}: a parameter is declared twice")
    columns = tuple(c.strip() for c in ",".join(fields["columns"]).split(",") if c.strip())
    return NamedQuery(
        name=path.stem,
        title=" ".join(fields["title"]) or path.stem,
        description=" ".join(fields["description"]),
        params=tuple(params),
        columns=columns,
        sparql=sparql,
        path=path,
    )


def _parse_param(path: Path, lineno: int, value: str) -> Param:
    parts = value.split(None, 3)
    if len(parts) < 3:
        raise QueryError(f"{path}:{lineno}: a param line needs NAME TYPE required|optional DESCRIPTION")
    name, kind, need = parts[:3]
    if not _NAME.match(name):
        raise QueryError(f"{path}:{lineno}: parameter name {name!r} is not a SPARQL variable name")
    if kind not in PARAM_TYPES:
        raise QueryError(f"{path}:{lineno}: parameter type {kind!r} is not one of {', '.join(PARAM_TYPES)}")
    if need not in ("required", "optional"):
        raise QueryError(f"{path}:{lineno}: say 'required' or 'optional', not {need!r}")
    return Param(name, kind, need == "required", parts[3] if len(parts) > 3 else "")


# -- parameters ---------------------------------------------------------------------

def parse_params(query: NamedQuery, pairs: Sequence[str]) -> dict[str, Any]:
    """Turn ["KEY=VALUE", ...] into {name: RDF term} by the query's declared parameters."""
    raw: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise QueryError(f"query {query.name}: parameter {pair!r} is not KEY=VALUE")
        if key in raw:
            raise QueryError(f"query {query.name}: parameter {key!r} is given twice")
        raw[key] = value
    return _check_params(query, raw)


def _check_params(query: NamedQuery, values: Mapping[str, Any]) -> dict[str, Any]:
    declared = {p.name: p for p in query.params}
    for key in values:
        if key not in declared:
            known = ", ".join(declared) or "none"
            raise QueryError(f"query {query.name}: unknown parameter {key!r} (parameters: {known})")
    for p in query.params:
        if p.required and values.get(p.name) is None:
            raise QueryError(f"query {query.name}: parameter {p.name!r} is required: add {p.name}=VALUE "
                             f"({p.type}{', ' + p.description if p.description else ''})")
    return {k: _term(query, declared[k], v) for k, v in values.items() if v is not None}


def _term(query: NamedQuery, param: Param, value: Any) -> Any:
    if isinstance(value, (Literal, URIRef)):
        return value
    text = str(value)

    def bad(expected: str) -> QueryError:
        return QueryError(f"query {query.name}: parameter {param.name}={text!r} is not {expected}")

    if param.type == "string":
        return Literal(text)
    if param.type == "label":
        return Literal(text, lang="zh")
    if param.type == "gYear":
        if not re.fullmatch(r"\d{4}", text):
            raise bad("a four-digit year")
        return Literal(text, datatype=XSD.gYear)
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d+", text.strip()):
            raise bad("an integer")
        return Literal(str(int(text)), datatype=XSD.integer)
    if param.type == "decimal":
        try:
            d = Decimal(text.strip())
        except InvalidOperation:
            raise bad("a decimal number") from None
        if not d.is_finite() or "e" in text.lower():
            raise bad("a decimal number")
        return Literal(format(d, "f"), datatype=XSD.decimal)
    if param.type == "iri":
        if not _IRI.match(text):
            raise bad("an absolute IRI")
        return URIRef(text)
    raise bad(f"of a known type ({param.type!r} is not one of {', '.join(PARAM_TYPES)})")


# -- running ------------------------------------------------------------------------

def run_query(store: Store, query: NamedQuery, params: Mapping[str, Any] | None = None) -> Result:
    """Run a named query; `params` maps parameter names to terms (from parse_params) or strings."""
    bindings = _check_params(query, params or {})
    result = store.select(query.sparql, bindings, name=query.name)
    if query.columns and tuple(result.columns) != query.columns:
        raise QueryError(f"query {query.name}: the header declares columns {', '.join(query.columns)} "
                         f"but the SELECT gives {', '.join(result.columns)}")
    return result


# -- formats ------------------------------------------------------------------------

def format_result(result: Result, fmt: str = "table") -> str:
    """Render a result as table, csv (RFC 4180), tsv or json (SPARQL 1.1 Query Results JSON)."""
    if fmt == "table":
        return _table(result)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(result.columns)
        writer.writerows([["" if v is None else v for v in row] for row in result.rows])
        return out.getvalue()
    if fmt == "tsv":
        lines = ["\t".join(_tsv_escape(c) for c in result.columns)]
        lines += ["\t".join("" if v is None else _tsv_escape(v) for v in row) for row in result.rows]
        return "\n".join(lines) + "\n"
    if fmt == "json":
        return json.dumps(_sparql_json(result), ensure_ascii=False, indent=2) + "\n"
    raise QueryError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")


def _tsv_escape(value: str) -> str:
    return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"))


def _sparql_json(result: Result) -> dict:
    bindings = []
    for row in result.terms:
        binding = {}
        for column, term in zip(result.columns, row):
            if term is not None:
                binding[column] = _json_term(term)
        bindings.append(binding)
    return {"head": {"vars": list(result.columns)}, "results": {"bindings": bindings}}


def _json_term(term: Term) -> dict:
    out = {"type": term.kind, "value": term.value}
    if term.lang:
        out["xml:lang"] = term.lang
    elif term.datatype:
        out["datatype"] = term.datatype
    return out


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: wide and full-width characters count 2."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _cell(value: str | None) -> str:
    if value is None:
        return ""
    return "".join(
        {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch, ch if unicodedata.category(ch)[0] != "C" else " ")
        for ch in value
    )


def _table(result: Result) -> str:
    header = list(result.columns)
    body = [[_cell(v) for v in row] for row in result.rows]
    widths = [max([display_width(h)] + [display_width(r[i]) for r in body]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        padded = [c + " " * (w - display_width(c)) for c, w in zip(cells, widths)]
        return "  ".join(padded).rstrip()

    lines = [line(header), "  ".join("-" * w for w in widths)]
    lines += [line(r) for r in body]
    return "\n".join(lines) + "\n"
