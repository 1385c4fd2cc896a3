"""Pattern files: the words and regexes extractors use, kept as data in kg/data/patterns/."""
from __future__ import annotations

import importlib.resources
import json
import re
from functools import cache


@cache
def load_patterns(name: str) -> dict:
    """A pattern file of kg/data/patterns/ (JSON), e.g. load_patterns("awards")."""
    source = importlib.resources.files("kg").joinpath("data", "patterns", f"{name}.json")
    with source.open(encoding="utf-8") as handle:
        return json.load(handle)


def alternation(words, *, capture: str | None = None) -> str:
    """A regex alternation of literal words, longest first."""
    body = "|".join(re.escape(word) for word in sorted(set(words), key=lambda w: (-len(w), w)))
    return f"(?P<{capture}>{body})" if capture else f"(?:{body})"
