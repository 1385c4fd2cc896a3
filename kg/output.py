"""The build's output: the graph streamed into every chosen format, then put in place at once.

`GraphOutput` writes each document's block as it arrives (own triples; a document seen
before under another name only adds its file name), keeps the shared nodes as a set of
text triples (areas, organisations, awards, plans, the vocabulary: they grow with the
number of entities, not of facts) and writes them sorted at the end. Files are staged
in a hidden folder inside the output folder and moved over the old ones only when all
are complete, so an interrupted build leaves the previous output as it was.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import KgError
from .formats import FORMATS, WRITERS, TextTriple, nt_triple
from .graph import file_name_triple, ontology_triples
from .records import DocumentRecord

STAGING_PREFIX = ".build-"


@dataclass
class Source:
    """One bulletin of the dataset: its IRI, hash, file names and number of triples."""

    doc_iri: str
    sha256: str
    file_names: list[str]
    triples: int


@dataclass
class GraphSummary:
    """What the dataset description says about the graph."""

    formats: tuple[str, ...]
    sources: list[Source] = field(default_factory=list)
    triples: int = 0
    subjects: int = 0
    entities: int = 0


class GraphOutput:
    """Streams document records into graph files in `folder`, one per format."""

    def __init__(self, folder: Path, formats: tuple[str, ...]):
        self.folder = folder
        self.summary = GraphSummary(formats=formats)
        self.shared: set[TextTriple] = {nt_triple(t) for t in ontology_triples()}
        self._sources: dict[str, Source] = {}
        self._handles = {fmt: open(folder / FORMATS[fmt], "w", encoding="utf-8", newline="\n") for fmt in formats}
        self._writers = {fmt: WRITERS[fmt](handle) for fmt, handle in self._handles.items()}
        for writer in self._writers.values():
            writer.begin()

    def add(self, record: DocumentRecord, file_name: str) -> None:
        name_triple = nt_triple(file_name_triple(record.sha256, file_name))
        source = self._sources.get(record.sha256)
        if source is not None:  # the same content again: only its other name is new
            if file_name not in source.file_names:
                source.file_names.append(file_name)
                source.triples += 1
                self.summary.triples += 1
                self._write([name_triple], record.doc_iri)
            return
        own = tuple(sorted((*record.own, name_triple)))
        source = Source(record.doc_iri, record.sha256, [file_name], len(own))
        self._sources[record.sha256] = source
        self.summary.sources.append(source)
        self.summary.triples += len(own)
        self.summary.subjects += len(record.subjects)
        self.summary.entities += len(record.typed_subjects)
        self.shared.update(record.shared)
        self._write(own, record.doc_iri)

    def _write(self, triples, graph: str | None) -> None:
        for writer in self._writers.values():
            writer.block(triples, graph)

    def finish(self) -> GraphSummary:
        """Write the shared nodes and close every file."""
        shared = sorted(self.shared)
        self._write(shared, None)
        self.summary.triples += len(shared)
        self.summary.subjects += len({s for s, _, _ in shared})
        self.summary.entities += len({s for s, p, _ in shared if p == _RDF_TYPE})
        for writer in self._writers.values():
            writer.end()
        self.close()
        return self.summary

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()


_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


class Staging:
    """A hidden folder in `out_dir` whose files replace those of `out_dir` on `commit`."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)

    def __enter__(self) -> Staging:
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            _remove_abandoned(self.out_dir)
            self.folder = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=self.out_dir))
        except OSError as error:
            raise KgError(f"{self.out_dir}: cannot write the output folder: {error.strerror or error}") from None
        return self

    def commit(self) -> list[Path]:
        """Move every staged file into the output folder (each move is atomic)."""
        placed = []
        for staged in sorted(self.folder.iterdir()):
            os.chmod(staged, 0o644)
            target = self.out_dir / staged.name
            os.replace(staged, target)
            placed.append(target)
        return placed

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _remove_abandoned(out_dir: Path) -> None:
    """Staging folders of builds that were killed (their process no longer runs)."""
    for entry in out_dir.glob(f"{STAGING_PREFIX}*"):
        pid = entry.name[len(STAGING_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
