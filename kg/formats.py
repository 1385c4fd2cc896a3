"""Streaming RDF writers: Turtle, N-Triples, N-Quads and JSON-LD, written block by block.

Triples arrive as N-Triples term text (`<iri>`, `"text"@zh`, `"2023"^^<…#gYear>`), one
block at a time (a document's own triples, then the shared nodes), already sorted, so
the files never need the whole graph in memory and the same blocks give the same bytes.

- Turtle: the prefixes of kg.namespace, then per block one statement per subject
  (`;` between predicates, `,` between objects); IRIs that fit a prefix are shortened.
- N-Triples: one line per triple.
- N-Quads: a document's triples in the named graph of the document's IRI, shared
  nodes and the vocabulary in the default graph (docs/graph-model.md).
- JSON-LD: expanded form, a top-level array with one node object per subject and block.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import groupby
from typing import IO

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF

from .namespace import PREFIXES

TextTriple = tuple[str, str, str]

FORMATS = {"ttl": "graph.ttl", "nt": "graph.nt", "nq": "graph.nq", "jsonld": "graph.jsonld"}
MEDIA_TYPES = {"ttl": "text/turtle", "nt": "application/n-triples", "nq": "application/n-quads",
               "jsonld": "application/ld+json"}

_RDF_TYPE = f"<{RDF.type}>"
_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')
_LITERAL = re.compile(r'"(?P<text>(?:[^"\\]|\\.)*)"(?:@(?P<lang>[A-Za-z0-9-]+)|\^\^<(?P<datatype>[^>]*)>)?',
                      re.S)
_UNESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_SIMPLE_UNESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


# --------------------------------------------------------------------------- terms


def _escape_char(match: re.Match) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04X}"


def nt_term(term) -> str:
    """An rdflib term as N-Triples text (also valid Turtle)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = '"' + _NEEDS_ESCAPE.sub(_escape_char, str(term)) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None:
            return f"{text}^^<{term.datatype}>"
        return text
    if isinstance(term, BNode):
        raise ValueError("blank nodes are not used in the envkg graph")
    raise TypeError(f"not an RDF term: {term!r}")


def nt_triple(triple) -> TextTriple:
    return (nt_term(triple[0]), nt_term(triple[1]), nt_term(triple[2]))


def _unescape(text: str) -> str:
    def replace(match: re.Match) -> str:
        code = match.group(1) or match.group(2)
        return chr(int(code, 16)) if code else _SIMPLE_UNESCAPES.get(match.group(3), match.group(3))
    return _UNESCAPE.sub(replace, text) if "\\" in text else text


def _longest_first(prefixes) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((p, str(ns)) for p, ns in prefixes.items()), key=lambda item: (-len(item[1]), item[0])))


_DEFAULT_PREFIXES = _longest_first(PREFIXES)


@lru_cache(maxsize=65536)
def _iri_to_turtle(iri: str, prefixes: tuple[tuple[str, str], ...] = _DEFAULT_PREFIXES) -> str:
    for prefix, namespace in prefixes:
        if iri.startswith(namespace) and _LOCAL_NAME.fullmatch(iri, len(namespace)):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def turtle_term(term: str, prefixes: tuple[tuple[str, str], ...] = _DEFAULT_PREFIXES) -> str:
    """N-Triples term text shortened for Turtle: prefixed names where they fit."""
    if term.startswith("<"):
        return _iri_to_turtle(term[1:-1], prefixes)
    if term.endswith(">"):
        text, _, datatype = term.rpartition("^^<")
        return f"{text}^^{_iri_to_turtle(datatype[:-1], prefixes)}"
    return term


def jsonld_term(term: str) -> dict:
    """N-Triples term text as a JSON-LD expanded value."""
    if term.startswith("<"):
        return {"@id": term[1:-1]}
    match = _LITERAL.fullmatch(term)
    if match is None:
        raise ValueError(f"not an N-Triples term: {term!r}")
    value = {"@value": _unescape(match["text"])}
    if match["lang"]:
        value["@language"] = match["lang"]
    elif match["datatype"]:
        value["@type"] = match["datatype"]
    return value


# --------------------------------------------------------------------------- writers


class Writer:
    """One output file: `begin`, `block` (sorted triples, any number of times), `end`."""

    def __init__(self, handle: IO[str]):
        self.handle = handle

    def begin(self) -> None:
        """Write what comes before the first block."""

    def block(self, triples: Sequence[TextTriple], graph: str | None = None) -> None:
        raise NotImplementedError

    def end(self) -> None:
        """Write what comes after the last block."""


class TurtleWriter(Writer):
    def __init__(self, handle: IO[str], prefixes=PREFIXES):
        super().__init__(handle)
        self.prefixes = dict(prefixes)
        self._ordered = _longest_first(self.prefixes)

    def begin(self) -> None:
        for prefix, namespace in self.prefixes.items():
            self.handle.write(f"@prefix {prefix}: <{namespace}> .\n")

    def block(self, triples: Sequence[TextTriple], graph: str | None = None) -> None:
        out, short = [], self._ordered
        for subject, group in groupby(triples, key=lambda t: t[0]):
            predicates = []
            for predicate, objects in groupby(group, key=lambda t: t[1]):
                name = "a" if predicate == _RDF_TYPE else turtle_term(predicate, short)
                predicates.append(f"{name} " + " ,\n        ".join(turtle_term(t[2], short) for t in objects))
            out.append(f"\n{turtle_term(subject, short)}\n    " + " ;\n    ".join(predicates) + " .\n")
        self.handle.write("".join(out))


class NTriplesWriter(Writer):
    def block(self, triples: Sequence[TextTriple], graph: str | None = None) -> None:
        self.handle.write("".join(f"{s} {p} {o} .\n" for s, p, o in triples))


class NQuadsWriter(Writer):
    def block(self, triples: Sequence[TextTriple], graph: str | None = None) -> None:
        suffix = f" {graph} .\n" if graph else " .\n"
        self.handle.write("".join(f"{s} {p} {o}{suffix}" for s, p, o in triples))


class JsonLdWriter(Writer):
    def __init__(self, handle: IO[str]):
        super().__init__(handle)
        self.first = True

    def begin(self) -> None:
        self.handle.write("[")

    def block(self, triples: Sequence[TextTriple], graph: str | None = None) -> None:
        for subject, group in groupby(triples, key=lambda t: t[0]):
            node: dict = {"@id": subject[1:-1]}
            for predicate, objects in groupby(group, key=lambda t: t[1]):
                if predicate == _RDF_TYPE:
                    node["@type"] = [t[2][1:-1] for t in objects]
                else:
                    node[predicate[1:-1]] = [jsonld_term(t[2]) for t in objects]
            self.handle.write(("\n" if self.first else ",\n") + json.dumps(node, ensure_ascii=False))
            self.first = False

    def end(self) -> None:
        self.handle.write("\n]\n")


WRITERS = {"ttl": TurtleWriter, "nt": NTriplesWriter, "nq": NQuadsWriter, "jsonld": JsonLdWriter}


def parse_formats(value: str | Iterable[str]) -> tuple[str, ...]:
    """'ttl,nq' → ('ttl', 'nq'): Turtle always first, each format once; ValueError for unknown ones."""
    names = [part.strip().lower() for part in (value.split(",") if isinstance(value, str) else value)]
    unknown = [name for name in names if name and name not in WRITERS]
    if unknown:
        raise ValueError(f"unknown format {', '.join(unknown)}; choose from {', '.join(WRITERS)}")
    return tuple(dict.fromkeys(["ttl", *[name for name in names if name]]))
