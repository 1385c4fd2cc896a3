"""Documents to outcomes, in this process or in worker processes, in input order.

`outcomes` yields one kg.records outcome per file, in the order of the files whatever
the number of workers, so the build's output does not depend on it. Each worker reads
a file, looks its content hash up in the extraction cache, and only on a miss decodes,
extracts and stores the result. Workers ignore Ctrl-C: the main process stops them.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .cache import ExtractionCache
from .documents import HTML_EXTENSIONS, read_document
from .errors import DocumentError
from .extract import extract_document
from .facts import Area
from .records import DocumentRecord, Failure, make_record


@dataclass(frozen=True)
class Settings:
    """What every worker needs to know: the overrides and where the cache is."""

    area: Area | None = None
    year: int | None = None
    cache_root: str | None = None     # None: no cache
    cache_version: str = ""

    @property
    def options(self) -> str:
        return f"area={self.area.code if self.area else ''};year={self.year or ''}"


_state: dict = {}  # per process: the settings, the cache, and (lazily) the gazetteer and pipeline


def _start(settings: Settings) -> None:
    _state["settings"] = settings
    _state["cache"] = (ExtractionCache(settings.cache_root, settings.cache_version)
                       if settings.cache_root else None)


def _start_worker(settings: Settings) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _start(settings)


def _pipeline():
    if "nlp" not in _state:
        from .gazetteer import load_gazetteer
        from .nlp import build_pipeline

        _state["gazetteer"] = load_gazetteer()
        _state["nlp"] = build_pipeline(_state["gazetteer"])
    return _state["nlp"], _state["gazetteer"]


def _raw_sha256(path: Path) -> str | None:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None  # a FIFO would block here; read_document says why it is refused
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except (OSError, ValueError):
        return None  # read_document will say why


def process(path: Path) -> DocumentRecord | Failure:
    """One file's outcome: from the cache when its content was seen, else extracted now."""
    settings: Settings = _state["settings"]
    cache: ExtractionCache | None = _state["cache"]
    # The same bytes read as HTML (by their file name) or as text give different documents.
    options = f"{settings.options};html={path.suffix.lower() in HTML_EXTENSIONS}"
    if cache is not None:
        sha = _raw_sha256(path)
        cached = cache.get(sha, options) if sha else None
        if cached is not None:
            return cached
    try:
        document = read_document(path)
    except DocumentError as problem:
        return Failure(problem.reason)
    nlp, gazetteer = _pipeline()
    try:
        extraction = extract_document(document, nlp, gazetteer, area=settings.area, year=settings.year)
        outcome: DocumentRecord | Failure = make_record(extraction, gazetteer)
    except DocumentError as problem:
        outcome = Failure(problem.reason)
    except Exception as error:  # an extractor bug must cost one document, not the build
        return Failure(f"extraction failed ({type(error).__name__}: {error})")
    if cache is not None:
        cache.put(document.sha256, options, outcome)
    return outcome


def outcomes(files: Sequence[Path], settings: Settings, workers: int = 1) -> Iterator[DocumentRecord | Failure]:
    """Each file's outcome, in the order of `files`."""
    if workers <= 1 or len(files) < 2:
        _start(settings)
        yield from map(process, files)
        return
    context = multiprocessing.get_context("spawn")  # no fork: the caller may run threads (progress)
    chunk = max(1, min(16, len(files) // (workers * 8)))
    with context.Pool(workers, initializer=_start_worker, initargs=(settings,)) as pool:
        yield from pool.imap(process, files, chunksize=chunk)
