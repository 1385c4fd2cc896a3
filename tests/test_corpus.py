"""The sentence corpus: sentences of other cities' bulletins with the facts a careful annotator finds.

tests/corpus/*.jsonl hold one entry a line:

    {"id": "obs-001", "text": "...", "area": "成都市", "year": 2023, "plan": false,
     "facts": [{"type": "observation", "area": ..., ...}], "note": "what the case tests"}

`area` is the document's area and `year` its report year (the plan year when `plan` is true).
Facts are in the gold format of ../shared/gold/GUIDE.md without `doc` and `evidence`, and are
matched by the GUIDE's scoring rules (kg.evaluate.match_quality). The corpus is written
independently of the extractor: an entry that fails shows what the extractor still misses.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kg.corpus import load_corpus, predict
from kg.evaluate import TYPES, describe, format_report, pair_facts, score
from kg.vocabulary import load_indicators

CORPUS = Path(__file__).parent / "corpus"
# Micro F1 over the whole corpus when the corpus was written, rounded down to 0.05:
# a regression guard, to be raised as the extractor improves.
MIN_MICRO_F1 = 0.95
MIN_ENTRIES = {"observations.jsonl": 55, "targets.jsonl": 30, "awards.jsonl": 40,
               "plans.jsonl": 20, "negatives.jsonl": 20}
CHANGE_UNITS = {"%", "pp"}
COMPARATORS = {"<=", ">=", "="}

ENTRIES = load_corpus(CORPUS)


@dataclass
class Outcome:
    predicted: list[dict]
    matched: list[tuple[dict, dict]] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    spurious: list[dict] = field(default_factory=list)
    error: str = ""


def match(gold: list[dict], predicted: list[dict]) -> Outcome:
    """One-to-one matching under the GUIDE rules: best pairs first, then gold order, then prediction order."""
    doc = {"doc": "<sentence>"}
    gold_done = pair_facts([{**g, **doc} for g in gold], [{**p, **doc} for p in predicted])
    pred_done = set(gold_done.values())
    return Outcome(
        predicted=predicted,
        matched=[(gold[i], predicted[j]) for i, j in sorted(gold_done.items())],
        missing=[g for i, g in enumerate(gold) if i not in gold_done],
        spurious=[p for j, p in enumerate(predicted) if j not in pred_done],
    )


@pytest.fixture(scope="session")
def outcomes(nlp, gazetteer):
    """entry id -> Outcome, computed once per entry on first use."""
    cache: dict[str, Outcome] = {}

    def run(entry: dict) -> Outcome:
        if entry["id"] not in cache:
            try:
                outcome = match(entry["facts"], predict(entry, nlp, gazetteer))
            except Exception as e:  # an extractor crash is a failed entry, not a broken test run
                outcome = match(entry["facts"], [])
                outcome.error = f"{type(e).__name__}: {e}"
            cache[entry["id"]] = outcome
        return cache[entry["id"]]

    return run


def show(fact: dict) -> str:
    if fact["type"] == "plan":
        return f"plan: 《{fact['title']}》 action={fact.get('action', '')!r}"
    return f"{fact['type']}: {describe(fact)}"


def diff(entry: dict, outcome: Outcome) -> str:
    part = "plan part" if entry["plan"] else "summary"
    lines = [f"{entry['id']} ({entry['_where']}; {entry['area']} {entry['year']} {part})",
             f"  text: {entry['text']}"]
    if entry.get("note"):
        lines.append(f"  note: {entry['note']}")
    if outcome.error:
        lines.append(f"  extractor raised {outcome.error}")
    for title, facts in (("missing", outcome.missing), ("spurious", outcome.spurious)):
        lines += [f"  {title}:"] + [f"    - {show(f)}" for f in facts]
    lines += ["  matched:"] + [f"    = {show(g)}" for g, _ in outcome.matched]
    return "\n".join(lines)


# -- the corpus itself --------------------------------------------------------------

def test_corpus_is_well_formed(gazetteer):
    indicators = load_indicators()
    problems = []
    ids = Counter(e.get("id") for e in ENTRIES)
    problems += [f"duplicate id {i}" for i, n in ids.items() if n > 1]
    for entry in ENTRIES:
        where = f"{entry['_where']} ({entry.get('id')})"
        for key, kind in (("id", str), ("text", str), ("area", str), ("year", int), ("plan", bool),
                          ("facts", list)):
            if not isinstance(entry.get(key), kind):
                problems.append(f"{where}: '{key}' must be a {kind.__name__}")
        if isinstance(entry.get("area"), str) and gazetteer.resolve(entry["area"]) is None:
            problems.append(f"{where}: document area {entry['area']} does not resolve in the gazetteer")
        for fact in entry.get("facts") or []:
            kind = fact.get("type")
            if kind not in TYPES:
                problems.append(f"{where}: fact type {kind!r}")
                continue
            if kind in ("observation", "target"):
                ind = indicators.get(fact.get("indicator"))
                if ind is None:
                    problems.append(f"{where}: unknown indicator {fact.get('indicator')!r}")
                    continue
                allowed = CHANGE_UNITS if fact.get("of") else {ind.unit}
                if fact.get("unit") not in allowed:
                    problems.append(f"{where}: unit {fact.get('unit')!r} of {ind.key} should be one of {allowed}")
                if fact.get("of") not in (None, "increase", "decrease"):
                    problems.append(f"{where}: of {fact.get('of')!r}")
                if kind == "target" and fact.get("comparator") not in COMPARATORS:
                    problems.append(f"{where}: comparator {fact.get('comparator')!r}")
                if not isinstance(fact.get("year"), int):
                    problems.append(f"{where}: year must be an int")
            elif kind == "award" and not (fact.get("recipient") and fact.get("award") and fact.get("year")):
                problems.append(f"{where}: an award needs recipient, award and year")
            elif kind == "plan" and not fact.get("title"):
                problems.append(f"{where}: a plan needs a title")
    files = Counter(e["_where"].split(":")[0] for e in ENTRIES)
    problems += [f"{name}: {files[name]} entries, expected at least {n}"
                 for name, n in MIN_ENTRIES.items() if files[name] < n]
    assert not problems, "\n".join(problems)


# -- one test per entry -------------------------------------------------------------

KNOWN_FAILURES = {
    line.strip() for line in (CORPUS / "known_failures.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
}


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_entry(entry, outcomes, request):
    if entry["id"] in KNOWN_FAILURES:
        request.applymarker(pytest.mark.xfail(strict=True, reason="listed in tests/corpus/known_failures.txt"))
    outcome = outcomes(entry)
    if outcome.error or outcome.missing or outcome.spurious:
        pytest.fail(diff(entry, outcome), pytrace=False)


# -- the whole corpus ---------------------------------------------------------------

def test_corpus_f1(outcomes, capsys):
    gold, predicted = [], []
    for entry in ENTRIES:
        gold += [{**f, "doc": entry["id"]} for f in entry["facts"]]
        predicted += [{**f, "doc": entry["id"]} for f in outcomes(entry).predicted]
    report = score(gold, predicted, documents=[e["id"] for e in ENTRIES])
    table = format_report(report)
    with capsys.disabled():
        print("\ncorpus scores\n" + table)
    assert report.micro.f1 >= MIN_MICRO_F1, f"micro F1 {report.micro.f1:.3f} fell below {MIN_MICRO_F1}\n{table}"
