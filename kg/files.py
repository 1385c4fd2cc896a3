"""Writing output files: atomically (a temporary file in the same folder, then os.replace)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import KgError

__all__ = ["write_atomically"]


def write_atomically(path: Path, text: str) -> None:
    """Write `text` (UTF-8, "\\n" line ends) to `path`, creating its folder; readers never see half a file."""
    path = Path(path)
    if path.is_dir():
        raise KgError(f"{path}: is a folder; give a file name to write")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as error:
        raise KgError(f"{path}: cannot write: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the outputs are for sharing
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise KgError(f"{path}: cannot write: {error.strerror or error}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
