"""The extraction cache: one file per document outcome, keyed by content and extractor version.

A key is the SHA-256 of the document's bytes plus the build options that change what is
extracted (--area, --year); entries live under a folder named after `extractor_version()`,
so changing extraction code or data starts a fresh folder (older folders are removed).
Entries are pickles of kg.records outcomes, written to a temporary file and renamed, so a
build killed at any moment leaves only whole entries. The cache is private to the user
who builds (it is read back with pickle: do not share a cache folder with others).
"""
from __future__ import annotations

import ast
import hashlib
import os
import pickle
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from .namespace import INDICATORS_TTL

PACKAGE_DIR = Path(__file__).resolve().parent

#: Where extraction starts: reading a file, extracting it, turning the result into triples.
EXTRACTION_ROOTS = ("documents", "extract", "records")
#: Data files that only pages, the dataset description or the benchmark read.
NOT_EXTRACTION_DATA = frozenset({"viz_style.json", "dataset.json", "bench_samples.json"})
#: Page templates, styles and report queries: never read by extraction.
NOT_EXTRACTION_SUFFIXES = frozenset({".html", ".j2", ".css", ".js", ".rq"})


def extraction_modules(package: Path | None = None) -> list[Path]:
    """The kg modules extraction runs: EXTRACTION_ROOTS and every kg module they import, transitively.

    Imports are read from the source (ast), including those inside functions, so the set
    does not depend on what this process happened to import.
    """
    package = package or PACKAGE_DIR
    seen: set[Path] = set()
    pending = [package / f"{root}.py" for root in EXTRACTION_ROOTS]
    while pending:
        path = pending.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        pending.extend(_imported_modules(path, package))
    return sorted(seen)


def _imported_modules(path: Path, package: Path) -> list[Path]:
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = path.parent
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here
                for _ in range(node.level - 1):
                    base = base.parent
                names = [node.module] if node.module else [alias.name for alias in node.names]
                if node.module:
                    names += [f"{node.module}.{alias.name}" for alias in node.names]
            elif node.module and (node.module == "kg" or node.module.startswith("kg.")):
                base = package.parent
                names = [node.module, *[f"{node.module}.{alias.name}" for alias in node.names]]
            else:
                continue
        elif isinstance(node, ast.Import):
            base = package.parent
            names = [alias.name for alias in node.names if alias.name.startswith("kg.")]
        else:
            continue
        for name in names:
            target = base.joinpath(*name.split("."))
            for candidate in (target.with_suffix(".py"), target / "__init__.py"):
                if candidate.is_file() and package in candidate.parents:
                    found.append(candidate)
    return found


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """SHA-256 (first 16 hex) over the extraction code and data, computed once per process.

    Covered: `extraction_modules()` (reading, metadata, the pipeline and its extractors,
    numbers, the fact records and the triples they become), every file of kg/data except
    NOT_EXTRACTION_DATA and NOT_EXTRACTION_SUFFIXES, and ontology/indicators.ttl.
    """
    files = extraction_modules(PACKAGE_DIR)
    files += sorted(p for p in (PACKAGE_DIR / "data").rglob("*") if p.is_file()
                    and p.name not in NOT_EXTRACTION_DATA and p.suffix not in NOT_EXTRACTION_SUFFIXES)
    digest = hashlib.sha256()
    for path in [*files, INDICATORS_TTL]:
        name = path.relative_to(PACKAGE_DIR.parent).as_posix() if PACKAGE_DIR.parent in path.parents else path.name
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


class ExtractionCache:
    """Outcomes by (content hash, options) under `root`/`version`/."""

    def __init__(self, root: Path | str, version: str | None = None):
        self.root = Path(root)
        self.version = version or extractor_version()
        self.folder = self.root / self.version

    def prune_other_versions(self) -> None:
        """Remove entries of other extractor versions: they can never be read again."""
        if not self.root.is_dir():
            return
        for entry in self.root.iterdir():
            if entry.is_dir() and entry.name != self.version and not entry.name.startswith("."):
                shutil.rmtree(entry, ignore_errors=True)

    def _path(self, sha256: str, options: str) -> Path:
        key = hashlib.sha256(f"{sha256}\0{options}".encode()).hexdigest()
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, sha256: str, options: str):
        """The stored outcome, or None when absent or unreadable (then it is re-extracted)."""
        try:
            with open(self._path(sha256, options), "rb") as handle:
                return pickle.load(handle)
        except FileNotFoundError:
            return None
        except Exception:  # a damaged entry is a cache miss, never a failed build
            return None

    def put(self, sha256: str, options: str, outcome) -> None:
        path = self._path(sha256, options)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".entry.", dir=path.parent)
            try:
                with os.fdopen(handle, "wb") as out:
                    pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            pass  # a cache that cannot be written only makes the next build slower
