"""The extraction cache: one file per document outcome, keyed by content and extractor version.

A key is the SHA-256 of the document's bytes plus the build options that change what is
extracted (--area, --year); entries live under a folder named after `extractor_version()`,
so changing extraction code or data starts a fresh folder (older folders are removed).
Entries are pickles of kg.records outcomes, written to a temporary file and renamed, so a
build killed at any moment leaves only whole entries. The cache is private to the user
who builds (it is read back with pickle: do not share a cache folder with others).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from .namespace import INDICATORS_TTL

PACKAGE_DIR = Path(__file__).resolve().parent

#: Modules that do not change what is extracted or how a document's triples read.
NOT_EXTRACTION = frozenset({
    "__main__.py", "bench.py", "build.py", "cache.py", "cli.py", "description.py", "evaluate.py",
    "explain.py", "formats.py", "output.py", "parallel.py", "query.py", "report.py", "store.py", "viz.py",
})
#: Data files that only the page or the dataset description read.
NOT_EXTRACTION_DATA = frozenset({"viz_style.json", "viz_template.html", "dataset.json", "bench_samples.json"})


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """SHA-256 (first 16 hex) over the extraction code and data, computed once per process.

    Covered: every kg/**/*.py except NOT_EXTRACTION (the extractors, the pipeline,
    reading, metadata, numbers, the fact records and the triples they become), every
    file of kg/data except NOT_EXTRACTION_DATA, and ontology/indicators.ttl.
    """
    files = [p for p in PACKAGE_DIR.rglob("*.py")
             if p.name not in NOT_EXTRACTION or p.parent != PACKAGE_DIR]
    files += [p for p in (PACKAGE_DIR / "data").rglob("*") if p.is_file() and p.name not in NOT_EXTRACTION_DATA]
    files = sorted(f for f in files if "__pycache__" not in f.parts)
    digest = hashlib.sha256()
    for path in [*files, INDICATORS_TTL]:
        name = path.relative_to(PACKAGE_DIR.parent).as_posix()
        digest.update(name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
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
