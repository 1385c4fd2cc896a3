"""Plan documents: titles in 《》 naming a governance document, with the verb before them.

A title counts when its last word is a document head (规划, 方案, 办法, 条例 …) and the
text around it does not make it a film or book (摄制, 出版) or a mere citation (根据,
依据). Adjacent titles 《A》《B》 share the verb before the first. Words: plans.json.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..facts import PlanFact, Recipient
from ..patterns import alternation, load_patterns
from .common import clause_start, part_year, sentence_text

OPEN, CLOSE = "《", "》"


@lru_cache(maxsize=1)
def _rules():
    data = load_patterns("plans")
    return {
        "heads": tuple(data["title_heads"]),
        "not_heads": tuple(data["not_governance_heads"]),
        "qualifier": re.compile(data["trailing_qualifier"]),
        "not_governance": tuple(data["not_governance_context"]),
        "citation": tuple(data["citation_words"]),
        "action": re.compile(alternation(data["actions"], capture="action") + "$"),
        "skip": tuple(sorted(data["skip_before_title"], key=len, reverse=True)),
    }


def titles(text: str) -> list[tuple[int, int]]:
    """(start, end) of each outermost 《…》 title's inner text; nested 《》 stay inside."""
    found, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == OPEN:
            if depth == 0:
                start = index + 1
            depth += 1
        elif char == CLOSE and depth:
            depth -= 1
            if depth == 0:
                found.append((start, index))
    return found


def is_governance_title(title: str) -> bool:
    rules = _rules()
    core = title
    while True:
        stripped = rules["qualifier"].sub("", core)
        if stripped == core:
            break
        core = stripped
    return core.endswith(rules["heads"]) and not core.endswith(rules["not_heads"])


def action_before(text: str, start: int) -> str:
    """The verb phrase directly before a title (skipping 我市-like words), or ""."""
    rules = _rules()
    before = text[clause_start(text, start):start].rstrip()
    changed = True
    while changed:
        changed = False
        for word in rules["skip"]:
            if before.endswith(word):
                before, changed = before[: -len(word)], True
    match = rules["action"].search(before)
    return match.group("action") if match else ""


def extract(doc) -> list[PlanFact]:
    return extract_text(sentence_text(doc), doc._.context)


def extract_text(text: str, context) -> list[PlanFact]:
    """The plans of one (folded) sentence; they need no Doc."""
    if OPEN not in text:
        return []  # no title
    rules = _rules()
    facts = []
    previous_end, previous_action = -2, ""
    for start, end in titles(text):
        title = context.evidence.text[start:end].strip()
        lead = text[clause_start(text, start - 1):start - 1]
        chained = text[previous_end + 1:start - 1].strip() == "" and previous_end > 0
        action = previous_action if chained else action_before(text, start - 1)
        previous_end, previous_action = end, action
        if not title or not is_governance_title(text[start:end].strip()):
            continue
        if any(word in lead for word in rules["not_governance"]):
            continue
        if not chained and any(word in lead for word in rules["citation"]):
            continue
        facts.append(PlanFact(
            year=part_year(context), evidence=context.evidence, source="plans/title-in-brackets",
            title=title, issuer=_issuer(title, context), action=action,
        ))
    return facts


ORGANISATION_AT_START = re.compile(r"^(?P<area>[\u4e00-\u9fff]{2,10}?[省市区县])(?P<org>人民政府|生态环境局|生态环境厅)")


def _issuer(title: str, context) -> Recipient:
    """The body a title names at its start (广州市人民政府…), else the document's area."""
    info = context.info
    match = ORGANISATION_AT_START.match(title)
    if match and context.gazetteer.candidates(match.group("area")):
        return Recipient(name=match.group(), kind="organisation")
    if info.area is not None:
        return Recipient(name=info.area.name, kind="area", area=info.area)
    return Recipient(name=info.issuer, kind="organisation")
