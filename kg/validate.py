"""Check a graph against the SHACL shapes of ontology/shapes.ttl with pyshacl.

    >>> report = validate_graph(Path("out/graph.ttl"))          # doctest: +SKIP
    >>> report.conforms, len(report.violations)                  # doctest: +SKIP
    (True, 0)

The ontology (ontology/envkg.ttl) is passed to pyshacl as its ontology graph, so
`sh:class` constraints see its subclass axioms and unit declarations. Each violation
carries the focus node, the path, the message, the offending value and the evidence
sentence of the fact it concerns, so a reader can see what went wrong where.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.paths import Path as RdfPath

from .errors import GraphError
from .namespace import EK, NIF, ONTOLOGY_DIR, ONTOLOGY_TTL
from .store import load_graph

SHAPES_TTL = ONTOLOGY_DIR / "shapes.ttl"


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str
    value: str
    evidence: str
    shape: str


@dataclass(frozen=True)
class ValidationReport:
    graph_path: Path | None
    violations: tuple[Violation, ...]

    @property
    def conforms(self) -> bool:
        return not self.violations


def load_shapes() -> Graph:
    return Graph().parse(SHAPES_TTL, format="turtle")


def load_ontology() -> Graph:
    return Graph().parse(ONTOLOGY_TTL, format="turtle")


def validate_graph(path: Path | str) -> ValidationReport:
    """Validate the graph file at `path`; raises GraphError when it is missing or unreadable."""
    path = Path(path)
    report = validate_data(load_graph(path))
    return ValidationReport(path, report.violations)


def validate_data(data: Graph) -> ValidationReport:
    """Validate an rdflib graph against the shapes; violations sorted by focus node and path."""
    try:
        _, results, _ = shacl_validate(data, shacl_graph=load_shapes(), ont_graph=load_ontology(),
                                       inference="none", advanced=True, allow_warnings=False)
    except Exception as error:  # pyshacl raises its own errors for a broken shapes graph
        raise GraphError(f"{SHAPES_TTL}: cannot run the shapes: {error}") from None
    violations = sorted(
        (_violation(results, data, node) for node in results.subjects(SH.resultSeverity, SH.Violation)),
        key=lambda v: (v.focus, v.path, v.message, v.value),
    )
    return ValidationReport(None, tuple(violations))


def _violation(results: Graph, data: Graph, node) -> Violation:
    focus = results.value(node, SH.focusNode)
    path = results.value(node, SH.resultPath)
    value = results.value(node, SH.value)
    message = results.value(node, SH.resultMessage)
    return Violation(
        focus=_show(data, focus),
        path=_show_path(results, data, path) if path is not None else "",
        message=str(message) if message is not None else "",
        value=_show(data, value) if value is not None else "",
        evidence=_evidence_text(data, focus),
        shape=_show(data, results.value(node, SH.sourceShape)),
    )


def _evidence_text(data: Graph, focus) -> str:
    """The text of the focus fact's evidence sentence, or of the focus sentence itself."""
    for sentence in [*data.objects(focus, EK.evidence), focus]:
        text = data.value(sentence, NIF.anchorOf)
        if text is not None:
            return str(text)
    return ""


def _show_path(results: Graph, data: Graph, path) -> str:
    """A SHACL path as SPARQL property path syntax: ek:a/ek:b, ^ek:c."""
    if isinstance(path, BNode):
        inverse = results.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + _show_path(results, data, inverse)
        if results.value(path, RDF.first) is not None:
            return "/".join(_show_path(results, data, step) for step in results.items(path))
    return _show(data, path)


def _show(data: Graph, term) -> str:
    if isinstance(term, RdfPath):
        return term.n3(data.namespace_manager)
    if isinstance(term, URIRef):
        return data.namespace_manager.normalizeUri(term)
    if isinstance(term, Literal):
        return term.n3(data.namespace_manager)
    return "" if term is None else f"[blank node {term}]"


def format_report(report: ValidationReport) -> str:
    """Violations as readable blocks, then a count line ("0 violations" when clean)."""
    lines: list[str] = []
    for v in report.violations:
        lines.append(f"{v.focus}")
        if v.path:
            lines.append(f"  path:     {v.path}")
        lines.append(f"  message:  {v.message}")
        if v.value:
            lines.append(f"  value:    {v.value}")
        if v.evidence:
            lines.append(f"  evidence: {v.evidence}")
        lines.append("")
    count = len(report.violations)
    where = f" in {report.graph_path}" if report.graph_path else ""
    lines.append(f"{count} violation{'' if count == 1 else 's'}{where}")
    return "\n".join(lines)
