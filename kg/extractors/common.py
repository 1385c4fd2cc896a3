"""Helpers shared by the extractors: the sentence text, clauses, fact years, areas named in a clause."""
from __future__ import annotations

import re

from ..facts import Area

CLAUSE_BREAK = re.compile(r"[,;:。!?]")


def sentence_text(doc) -> str:
    """The sentence Doc's text as kg.nlp.sentence_doc stored it (Doc.text rebuilds it token by token)."""
    stored = doc._.sentence_text if doc.has_extension("sentence_text") else None
    return doc.text if stored is None else stored


def clause_start(text: str, position: int) -> int:
    """Where the clause containing `position` begins (after the last , ; : before it)."""
    start = 0
    for match in CLAUSE_BREAK.finditer(text, 0, position):
        start = match.end()
    return start


def clause_end(text: str, position: int) -> int:
    match = CLAUSE_BREAK.search(text, position)
    return match.start() if match else len(text)


def part_year(context) -> int | None:
    """The year facts of this sentence's part refer to: report year or plan year."""
    info = context.info
    if context.part == "plan":
        return info.plan_year or info.report_year
    return info.report_year


def area_in(doc, start: int, end: int, context) -> Area | None:
    """The last area named between two offsets of the sentence, resolved near the document's area."""
    found = None
    for span in doc.spans.get("areas", []):
        if span.start_char >= start and span.end_char <= end:
            area = context.gazetteer.resolve(span.text, context.info.area)
            if area is not None:
                found = area
    return found
