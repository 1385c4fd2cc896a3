"""Helpers shared by the extractors: the sentence text, clauses, fact years, areas named in a clause,
and regexes for quick prechecks."""
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


def named_group(pattern: str, name: str) -> str:
    """The regex of the group (?P<name>…) of `pattern`: a necessary part of it, quicker to look for
    than a whole pattern that starts with a lazy repetition."""
    start = pattern.index(f"(?P<{name}>")
    depth, position = 0, start
    while True:
        char = pattern[position]
        if char == "\\":
            position += 2
            continue
        if char == "[":  # a class: brackets inside it do not count
            position = pattern.index("]", position + 2) + 1
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        position += 1
        if depth == 0:
            return pattern[start:position]


def trie_pattern(words) -> str:
    """A regex matching exactly `words`, built as a trie of their characters: searching it for any
    of hundreds of words is about ten times faster than searching their alternation."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branches(node: dict) -> str:
        parts = [re.escape(char) + branches(child) for char, child in sorted(node.items()) if char]
        if not parts:
            return ""
        body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        return f"(?:{body})?" if "" in node else body

    return branches(trie)
