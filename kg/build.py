"""The build: bulletins in, the graph files and their description out, with a report.

One bad document never loses the others' facts: its problem is recorded and the build
goes on. Documents are extracted in input order (by worker processes with `workers` > 1;
the output does not depend on their number) through the extraction cache, streamed into
the graph files, and the files replace the previous ones only once all are complete.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .cache import ExtractionCache, extractor_version
from .description import write_description
from .documents import find_documents
from .errors import KgError
from .formats import FORMATS, parse_formats
from .gazetteer import Gazetteer, load_gazetteer
from .output import GraphOutput, Staging
from .parallel import Settings, outcomes
from .records import Failure

GRAPH_FILE = FORMATS["ttl"]
CACHE_FOLDER = ".cache"
FACT_TYPES = ("observation", "target", "award", "plan")


@dataclass
class BuildReport:
    graph_path: Path | None = None
    documents: int = 0
    sentences: int = 0
    facts: Counter = field(default_factory=Counter)
    triples: int = 0
    problems: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


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


def check_out_dir(out_dir: Path | str) -> None:
    """KgError when `out_dir` cannot be the output folder (it is a file), before any work starts."""
    if Path(out_dir).exists() and not Path(out_dir).is_dir():
        raise KgError(f"{out_dir}: is a file; give a folder for the graph files (-o)")


def build(paths: Iterable[Path | str], out_dir: Path | str, *, area: str | None = None,
          year: int | None = None, workers: int = 1, formats: str | Iterable[str] = ("ttl",),
          cache: bool = True, cache_dir: Path | str | None = None,
          on_document: Callable[[str], None] | None = None,
          on_start: Callable[[int], None] | None = None) -> BuildReport:
    """Extract every document under `paths` and write `out_dir`/graph.ttl (+ other formats, void.ttl).

    The cache lives in `cache_dir` (default `out_dir`/.cache) unless `cache` is false.
    """
    try:
        chosen = parse_formats(formats)
    except ValueError as error:
        raise KgError(f"--format: {error}") from None
    if workers < 1:
        raise KgError("--workers must be at least 1")
    gazetteer = load_gazetteer()
    settings = Settings(area=resolve_area_option(area, gazetteer), year=year)
    files = find_documents(paths)
    if not files:
        raise KgError("no bulletins found: give a .txt or .html file or a folder of them")
    out_dir = Path(out_dir)
    if cache:
        root = Path(cache_dir) if cache_dir else out_dir / CACHE_FOLDER
        ExtractionCache(root).prune_other_versions()
        settings = Settings(settings.area, settings.year, str(root), extractor_version())
    if on_start:
        on_start(len(files))
    report = BuildReport()
    with Staging(out_dir) as staging:
        output = GraphOutput(staging.folder, chosen)
        try:
            for path, outcome in zip(files, outcomes(files, settings, workers)):
                if isinstance(outcome, Failure):
                    report.problems.append(f"{path}: {outcome.reason}")
                else:
                    output.add(outcome, Path(path).name)
                    report.documents += 1
                    report.sentences += outcome.sentences
                    report.facts.update(outcome.facts)
                if on_document:
                    on_document(Path(path).name)
        except BaseException:
            output.close()
            raise
        if report.documents == 0:
            output.close()
            return report
        summary = output.finish()
        write_description(staging.folder, summary, extractor_version())
        report.files = staging.commit()
    for fmt, name in FORMATS.items():  # a graph file of another format would now be stale
        if fmt not in chosen:
            (out_dir / name).unlink(missing_ok=True)
    report.graph_path = out_dir / GRAPH_FILE
    report.triples = summary.triples
    return report
