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
from .evaluate import Report, score
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
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as e:
                raise KgError(f"{path}:{lineno}: not valid JSON: {e.msg}") from None
            if not isinstance(entry, dict) or not {"id", "text", "area", "year", "facts"} <= entry.keys():
                raise KgError(f"{path}:{lineno}: an entry needs id, text, area, year and facts")
            entry["_where"] = f"{path.name}:{lineno}"
            entries.append(entry)
    if not entries:
        raise KgError(f"{folder}: no corpus entries (*.jsonl) found")
    return entries


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
