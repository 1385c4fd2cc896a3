"""The build: bulletins in, out/graph.ttl out, with a report of what was read and found.

One bad document never loses the others' facts: its problem is recorded and the build
goes on. The graph file is written atomically (a temporary file, then a rename).
"""
from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .documents import find_documents, read_document
from .errors import DocumentError, KgError
from .extract import extract_document
from .gazetteer import Gazetteer, load_gazetteer
from .graph import GraphWriter, serialise
from .nlp import build_pipeline

GRAPH_FILE = "graph.ttl"
FACT_TYPES = ("observation", "target", "award", "plan")


@dataclass
class BuildReport:
    graph_path: Path | None = None
    documents: int = 0
    sentences: int = 0
    facts: Counter = field(default_factory=Counter)
    triples: int = 0
    problems: list[str] = field(default_factory=list)


def resolve_area_option(name: str | None, gazetteer: Gazetteer):
    """The area an --area option names, or a KgError saying why not."""
    if name is None:
        return None
    area = gazetteer.resolve(name)
    if area is None:
        found = gazetteer.candidates(name)
        reason = "is ambiguous" if found else "is not a Chinese province, city or county"
        raise KgError(f"--area {name} {reason}; give the official full name, e.g. 广州市")
    return area


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the graph is for sharing
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def build(paths: Iterable[Path | str], out_dir: Path | str, *, area: str | None = None,
          year: int | None = None, on_document: Callable[[str], None] | None = None,
          on_start: Callable[[int], None] | None = None) -> BuildReport:
    """Extract every document under `paths` and write `out_dir`/graph.ttl."""
    gazetteer = load_gazetteer()
    area_override = resolve_area_option(area, gazetteer)
    files = find_documents(paths)
    if not files:
        raise KgError("no bulletins found: give a .txt or .html file or a folder of them")
    if on_start:
        on_start(len(files))
    nlp = build_pipeline(gazetteer)
    writer = GraphWriter(gazetteer)
    report = BuildReport()
    for path in files:
        try:
            document = read_document(path)
            extraction = extract_document(document, nlp, gazetteer, area=area_override, year=year)
        except DocumentError as problem:
            report.problems.append(str(problem))
        else:
            writer.add_extraction(extraction, document.name)
            report.documents += 1
            report.sentences += len(extraction.sentences)
            report.facts.update(fact.kind for fact in extraction.facts)
        if on_document:
            on_document(Path(path).name)
    if report.documents == 0:
        return report
    report.graph_path = Path(out_dir) / GRAPH_FILE
    write_atomically(report.graph_path, serialise(writer.graph))
    report.triples = len(writer.graph)
    return report
