"""Sentence corpora: annotated sentences of bulletins, extracted and scored by the gold rules.

A corpus is a folder of JSONL files, one entry a line:

    {"id": "obs-001", "text": "...", "area": "成都市", "year": 2023, "plan": false,
     "facts": [{"type": "observation", "area": ..., ...}], "note": "what the case tests"}

`area` is the document's area and `year` its report year (the plan year when `plan` is true).
Facts are in the gold format of GUIDE.md without `doc` and `evidence`. Each entry is scored as
a document of its own (doc = entry id, evidence = entry text), so `kg.evaluate.score` and
`format_report` serve corpora and bulletins alike.
"""
from __future__ import annotations

import json
from pathlib import Path

from spacy.language import Language

from .errors import KgError
from .evaluate import REQUIRED, Report, check_fact, score
from .extract import extract_sentence
from .facts import AwardFact, Observation, PlanFact, Target
from .gazetteer import Gazetteer


def load_corpus(folder: Path | str) -> list[dict]:
    """Every entry of the folder's *.jsonl files, in file and line order, with `_where` = file:line."""
    folder = Path(folder)
    if not folder.is_dir():
        raise KgError(f"{folder}: not a folder of corpus *.jsonl files")
    entries = []
    for path in sorted(folder.glob("*.jsonl")):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise KgError(f"{path}: cannot read the corpus file: {error}") from None
        for lineno, line in enumerate(lines, 1):
            if line.strip():
                entries.append(_entry(line, f"{path}:{lineno}", f"{path.name}:{lineno}"))
    if not entries:
        raise KgError(f"{folder}: no corpus entries (*.jsonl) found")
    return entries


# A corpus fact is a gold fact without doc and evidence; plans need only their title.
CORPUS_REQUIRED = {**REQUIRED, "plan": ("title",)}


def _entry(line: str, where: str, short: str) -> dict:
    """One corpus line checked: KgError naming file:line for anything the scorer could trip on."""
    try:
        entry = json.loads(line)
    except json.JSONDecodeError as e:
        raise KgError(f"{where}: not valid JSON: {e.msg}") from None
    if not isinstance(entry, dict):
        raise KgError(f"{where}: an entry must be a JSON object")
    for key, kind in (("id", str), ("text", str), ("area", str), ("year", int), ("facts", list)):
        if not isinstance(entry.get(key), kind) or isinstance(entry.get(key), bool):
            raise KgError(f"{where}: an entry needs '{key}' ({kind.__name__})")
    if not isinstance(entry.get("plan", False), bool):
        raise KgError(f"{where}: 'plan' must be true or false")
    for number, fact in enumerate(entry["facts"], 1):
        check_fact(fact, f"{where}: fact {number}", CORPUS_REQUIRED)
    entry["_where"] = short
    return entry


def gold_format(record) -> dict:
    """A kg.facts record as a gold-format dict (without doc and evidence)."""
    if isinstance(record, Observation):  # Target is an Observation too
        fact = {"type": "target" if isinstance(record, Target) else "observation",
                "area": record.area.name, "year": record.year, "indicator": record.indicator,
                "value": record.value, "unit": record.unit}
        if isinstance(record, Target):
            fact["comparator"] = record.comparator
        for key in ("of", "scope"):
            if getattr(record, key):
                fact[key] = getattr(record, key)
        return fact
    if isinstance(record, AwardFact):
        return {"type": "award", "recipient": record.recipient.name, "award": record.award, "year": record.year}
    if isinstance(record, PlanFact):
        return {"type": "plan", "title": record.title, "action": record.action, "year": record.year,
                "issuer": record.issuer.name}
    return {"type": getattr(record, "kind", type(record).__name__)}


def predict(entry: dict, nlp: Language, gazetteer: Gazetteer) -> list[dict]:
    """The extractor's facts for one entry, in gold format."""
    area = gazetteer.resolve(entry["area"])
    if area is None:
        raise KgError(f"{entry.get('_where', entry['id'])}: area {entry['area']} is not in the gazetteer")
    extraction = extract_sentence(entry["text"], nlp, gazetteer, area=area, year=entry["year"],
                                  plan=bool(entry.get("plan")))
    return [gold_format(r) for r in extraction.facts]


def as_document(entry: dict, facts: list[dict]) -> list[dict]:
    """Facts tagged with the entry as their document and its text as their evidence."""
    return [{**f, "doc": entry["id"], "evidence": entry["text"]} for f in facts]


def score_corpus(entries: list[dict], nlp: Language, gazetteer: Gazetteer) -> Report:
    """Extract every entry and score all of them together (micro over entries)."""
    gold, predicted = [], []
    for entry in entries:
        gold += as_document(entry, entry["facts"])
        predicted += as_document(entry, predict(entry, nlp, gazetteer))
    return score(gold, predicted, documents=[e["id"] for e in entries])
