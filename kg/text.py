"""Text preparation: a length-preserving fold of full-width forms, and sentence spans.

Extractors match patterns on the folded text, which has exactly the length of the
original, so every offset found there is an offset into the document as decoded.
"""
from __future__ import annotations

import re
from functools import cache, lru_cache

from .facts import Evidence

_SPECIAL_FOLDS = {
    "\u3000": " ",   # ideographic space
    "\u00a0": " ",   # no-break space
    "\u00b5": "μ",   # micro sign → Greek mu
    "\u2236": ":",   # ratio
    "\u2014": "—",
    "\uff5e": "~",   # full-width tilde
    "\u301c": "~",   # wave dash
    "\u2212": "-",   # minus sign
    "\u2013": "-",   # en dash
    "³": "3",
    "²": "2",
}

SENTENCE_END = re.compile(r"[。！？!?；;]+|\n+")


@cache
def fold_table(keep: str = "") -> dict[int, str]:
    """The translation table of `fold`, leaving the characters of `keep` as they are."""
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
    table.update({ord(k): v for k, v in _SPECIAL_FOLDS.items()})
    for char in keep:
        table.pop(ord(char), None)
    return table


@lru_cache(maxsize=2)  # a document is folded twice in a row: for its bulletin info, then for its sentences
def fold(text: str) -> str:
    """Full-width ASCII to ASCII and odd spaces to spaces, one character for one."""
    return text.translate(fold_table())


def sentences(text: str) -> list[Evidence]:
    """Split a document into sentences at 。！？；and line ends, trimmed, with offsets."""
    spans = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        end = match.end() if match.group().strip() else match.start()
        spans.append((start, end))
        start = match.end()
    spans.append((start, len(text)))
    found = []
    for begin, end in spans:
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        if end > begin:
            found.append(Evidence(text=text[begin:end], start=begin, end=end))
    return found


def lines(text: str) -> list[tuple[int, str]]:
    """The non-empty lines of a text with their start offsets, stripped."""
    found = []
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            found.append((offset + line.index(stripped[0]), stripped))
        offset += len(line) + 1
    return found
