"""Score a graph's facts against gold facts, by the rules of the gold GUIDE ("Scoring").

A predicted fact matches a gold fact of the same `doc` and `type` when:

- observation: same area (compared without the suffixes 省/市/区/县), year, indicator,
  value (within 1e-6), unit, and `of` (empty for a level);
- target: as observation, plus the same comparator;
- award: same recipient or one of `recipient_alt` (compared without quotes, brackets,
  spaces and the suffixes 省/市/区/县), and award names (without spaces, quotes and
  brackets) where one contains the other or their difflib similarity is at least 0.8;
- plan: same title after the same normalisation.

Each gold fact matches at most one prediction and each prediction at most one gold fact.
Matching is greedy but deterministic: all candidate pairs are ranked by how exact they
are (award: equal names before containment before similarity, recipient before
recipient_alt), then by gold order, then by prediction order.

Coverage: a gold file lists the documents it covers (every doc with at least one gold
fact). Predictions for documents that have no gold fact at all are ignored, not counted
as spurious; a prediction of any type for a covered document that matches nothing is
spurious. Text is compared after Unicode NFKC (so µ/μ, full-width brackets and digits,
Ⅴ/V compare equal).
"""
from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.query import load_query, run_query
from kg.store import Store

TYPES = ("observation", "target", "award", "plan")
REQUIRED = {
    "observation": ("area", "year", "indicator", "value", "unit"),
    "target": ("area", "year", "indicator", "value", "unit", "comparator"),
    "award": ("recipient", "award", "year"),
    "plan": ("title", "issuer", "year"),
}
CONTRACT_QUERIES = {"observation": "observations", "target": "targets", "award": "awards", "plan": "plans"}
SIMILARITY = 0.8
TOLERANCE = 1e-6

_SUFFIXES = "省市区县"
_QUOTES = "“”‘’\"'「」《》"
_BRACKETS = "()（）【】[]"
_STRIP = re.compile("[" + re.escape(_QUOTES + _BRACKETS) + r"\s]")


# -- reading gold and predictions ---------------------------------------------------

def load_gold(path: Path | str) -> list[dict]:
    """Read a gold JSONL file; KgError naming file:line for a line that is not a valid fact."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise KgError(f"{path}: gold file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise KgError(f"{path}: cannot read the gold file: {e}") from None
    facts = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            fact = json.loads(line)
        except json.JSONDecodeError as e:
            raise KgError(f"{where}: not valid JSON: {e.msg} (column {e.colno})") from None
        check_fact(fact, where)
        if not isinstance(fact.get("doc"), str) or not fact["doc"]:
            raise KgError(f"{where}: 'doc' (the file name) is missing")
        facts.append(fact)
    return facts


def check_fact(fact, where: str, required: dict[str, tuple[str, ...]] = REQUIRED) -> None:
    """KgError naming `where` unless `fact` is a fact of the gold format with the `required` fields."""
    if not isinstance(fact, dict):
        raise KgError(f"{where}: a fact must be a JSON object")
    kind = fact.get("type")
    if kind not in TYPES:
        raise KgError(f"{where}: type {kind!r} is not one of {', '.join(TYPES)}")
    missing = [k for k in required[kind] if k not in fact]
    if missing:
        raise KgError(f"{where}: a {kind} fact needs {', '.join(missing)}")
    if kind in ("observation", "target") and not _is_number(fact["value"]):
        raise KgError(f"{where}: value {fact['value']!r} is not a number")
    if "year" in fact and not _is_year(fact["year"]):
        raise KgError(f"{where}: year {fact['year']!r} is not a four-digit year")


def predictions_from_store(store: Store) -> list[dict]:
    """Every fact in the graph, in the gold format, from the four contract queries."""
    facts: list[dict] = []
    for kind, name in CONTRACT_QUERIES.items():
        for row in run_query(store, load_query(name)).records():
            facts.append(_fact(kind, row))
    return facts


def _fact(kind: str, row: dict[str, str | None]) -> dict:
    fact: dict[str, Any] = {"doc": row["doc"], "type": kind}
    if kind in ("observation", "target"):
        fact.update(area=row["area"], year=int(row["year"]), indicator=row["indicator"],
                    value=float(row["value"]), unit=row["unit"])
        if kind == "target":
            fact["comparator"] = row["comparator"]
        for key in ("of", "scope"):
            if row.get(key):
                fact[key] = row[key]
    elif kind == "award":
        fact.update(recipient=row["recipient"], award=row["award"], year=int(row["year"]))
    else:
        fact.update(title=row["title"], issuer=row["issuer"], year=int(row["year"]), action=row["action"] or "")
    fact["evidence"] = row["evidence"] or ""
    return fact


# -- matching rules -----------------------------------------------------------------

def strip_suffix(name: str) -> str:
    """An area name without its 省/市/区/县 suffix: 广州市 -> 广州."""
    name = unicodedata.normalize("NFKC", str(name)).strip()
    return name[:-1] if len(name) > 1 and name[-1] in _SUFFIXES else name


def normalise_text(text: str) -> str:
    """Text without spaces, quotes and brackets (award names, plan titles)."""
    return _STRIP.sub("", unicodedata.normalize("NFKC", str(text)))


def normalise_recipient(name: str) -> str:
    """A recipient without quotes, brackets, spaces and the 省/市/区/县 suffix."""
    return strip_suffix(normalise_text(name))


def award_similarity(gold: str, predicted: str) -> float:
    """1.0 for equal normalised names, 0.99 when one contains the other, else the difflib ratio."""
    g, p = normalise_text(gold), normalise_text(predicted)
    if not g or not p:
        return 0.0
    if g == p:
        return 1.0
    if g in p or p in g:
        return 0.99
    return difflib.SequenceMatcher(None, g, p, autojunk=False).ratio()


def match_quality(gold: dict, predicted: dict) -> float:
    """How well `predicted` matches `gold`: 0 when it does not match, higher is more exact."""
    if gold.get("doc") != predicted.get("doc") or gold.get("type") != predicted.get("type"):
        return 0.0
    kind = gold["type"]
    if kind in ("observation", "target"):
        same = (
            strip_suffix(gold["area"]) == strip_suffix(predicted.get("area", ""))
            and _year(gold) == _year(predicted)
            and gold["indicator"] == predicted.get("indicator")
            and _is_number(predicted.get("value"))
            and abs(float(gold["value"]) - float(predicted["value"])) <= TOLERANCE
            and _unit(gold["unit"]) == _unit(predicted.get("unit", ""))
            and (gold.get("of") or "") == (predicted.get("of") or "")
            and (kind == "observation" or gold.get("comparator") == predicted.get("comparator"))
        )
        if not same:
            return 0.0
        # all matches are equal under the rules; prefer the closer one when several qualify
        closer = (gold["area"] == predicted.get("area")) + ((gold.get("scope") or "") == (predicted.get("scope") or ""))
        return 1.0 + closer / 100
    if kind == "award":
        recipient = normalise_recipient(predicted.get("recipient", ""))
        if recipient == normalise_recipient(gold["recipient"]):
            who = 1.0
        elif recipient in {normalise_recipient(r) for r in gold.get("recipient_alt") or []}:
            who = 0.5
        else:
            return 0.0
        sim = award_similarity(gold["award"], predicted.get("award", ""))
        return sim + who / 10 if sim >= SIMILARITY else 0.0
    if kind == "plan":
        g, p = normalise_text(gold["title"]), normalise_text(predicted.get("title", ""))
        return 1.0 if g and g == p else 0.0
    return 0.0


def _year(fact: dict) -> int | None:
    try:
        return int(fact.get("year"))
    except (TypeError, ValueError):
        return None


def _unit(unit: str) -> str:
    return unicodedata.normalize("NFKC", str(unit)).strip()


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_year(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999) or (
        isinstance(value, str) and re.fullmatch(r"\d{4}", value) is not None)


# -- scoring ------------------------------------------------------------------------

@dataclass
class Counts:
    gold: int = 0
    predicted: int = 0
    tp: int = 0

    @property
    def fp(self) -> int:
        return self.predicted - self.tp

    @property
    def fn(self) -> int:
        return self.gold - self.tp

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Scores per type and micro-averaged, per document, and the unmatched facts."""

    by_type: dict[str, Counts]
    micro: Counts
    by_doc: dict[str, dict[str, Counts]]
    matches: list[tuple[dict, dict]] = field(default_factory=list)
    misses: list[dict] = field(default_factory=list)      # gold facts no prediction matched
    spurious: list[dict] = field(default_factory=list)    # predictions that matched no gold fact
    ignored: int = 0                                      # predictions for documents the gold does not cover


def pair_facts(gold: list[dict], predicted: list[dict]) -> dict[int, int]:
    """One-to-one matching, best pairs first, then gold order, then prediction order: {gold index: prediction index}."""
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for j, p in enumerate(predicted):
        by_key[(p.get("doc"), p.get("type"))].append(j)
    pairs = sorted(
        (-q, i, j)
        for i, g in enumerate(gold)
        for j in by_key.get((g["doc"], g["type"]), [])
        if (q := match_quality(g, predicted[j])) > 0
    )
    gold_done: dict[int, int] = {}
    pred_done: set[int] = set()
    for _, i, j in pairs:
        if i not in gold_done and j not in pred_done:
            gold_done[i] = j
            pred_done.add(j)
    return gold_done


def score(gold: Iterable[dict], predicted: Iterable[dict], documents: Iterable[str] = ()) -> Report:
    """Match predictions to gold facts (see the module docstring) and count.

    Predictions count for the documents the gold covers, plus `documents` (those known to have
    no gold facts, whose every prediction is spurious).
    """
    gold = list(gold)
    covered = {g["doc"] for g in gold} | set(documents)
    all_predicted = list(predicted)
    preds = [p for p in all_predicted if p.get("doc") in covered]

    gold_done = pair_facts(gold, preds)
    pred_done = set(gold_done.values())

    by_type = {t: Counts() for t in TYPES}
    by_doc: dict[str, dict[str, Counts]] = {doc: {t: Counts() for t in TYPES} for doc in covered}
    for i, g in enumerate(gold):
        for bucket in (by_type, by_doc[g["doc"]]):
            bucket[g["type"]].gold += 1
            bucket[g["type"]].tp += i in gold_done
    for p in preds:
        kind = p.get("type")
        if kind in TYPES:
            by_type[kind].predicted += 1
            by_doc[p["doc"]][kind].predicted += 1
    micro = Counts(
        gold=sum(c.gold for c in by_type.values()),
        predicted=sum(c.predicted for c in by_type.values()),
        tp=sum(c.tp for c in by_type.values()),
    )
    return Report(
        by_type=by_type,
        micro=micro,
        by_doc=dict(sorted(by_doc.items())),
        matches=[(gold[i], preds[j]) for i, j in sorted(gold_done.items())],
        misses=[g for i, g in enumerate(gold) if i not in gold_done],
        spurious=[p for j, p in enumerate(preds) if j not in pred_done],
        ignored=len(all_predicted) - len(preds),
    )


# -- the report as text -------------------------------------------------------------

def format_report(report: Report, misses: bool = False, by_doc: bool = False) -> str:
    """A plain-text table of the scores; optionally every miss and spurious fact, and per-document rows."""
    from kg.query import display_width

    def table(header: list[str], rows: list[list[str]]) -> list[str]:
        widths = [max(display_width(x) for x in col) for col in zip(header, *rows)]
        out = []
        for k, row in enumerate([header] + rows):
            cells = [c + " " * (w - display_width(c)) if n == 0 else " " * (w - display_width(c)) + c
                     for n, (c, w) in enumerate(zip(row, widths))]
            out.append("  ".join(cells).rstrip())
            if k == 0:
                out.append("  ".join("-" * w for w in widths))
        return out

    def figures(label: str, c: Counts) -> list[str]:
        return [label, str(c.gold), str(c.predicted), str(c.tp), str(c.fp), str(c.fn),
                _pct(c.precision, c.predicted), _pct(c.recall, c.gold), _pct(c.f1, c.gold + c.predicted)]

    header = ["type", "gold", "predicted", "tp", "fp", "fn", "P", "R", "F1"]
    rows = [figures(t, report.by_type[t]) for t in TYPES] + [figures("micro", report.micro)]
    lines = table(header, rows)
    if report.ignored:
        lines.append(f"({report.ignored} predictions for documents without gold facts were ignored)")
    if by_doc:
        lines.append("")
        doc_rows = []
        for doc, counts in report.by_doc.items():
            total = Counts(sum(c.gold for c in counts.values()), sum(c.predicted for c in counts.values()),
                           sum(c.tp for c in counts.values()))
            doc_rows.append(figures(doc, total))
        lines += table(["doc"] + header[1:], doc_rows)
    if misses:
        for title, facts in (("missed (gold facts not found)", report.misses),
                             ("spurious (predictions matching no gold fact)", report.spurious)):
            lines += ["", f"{title}: {len(facts)}"]
            groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
            for f in facts:
                groups[(f.get("doc", ""), f.get("type", ""))].append(f)
            for (doc, kind), group in sorted(groups.items(), key=lambda kv: (kv[0][0], TYPES.index(kv[0][1])
                                                                               if kv[0][1] in TYPES else 9)):
                lines.append(f"  {doc}  {kind}")
                for f in group:
                    lines.append(f"    {describe(f)}")
                    lines.append(f"      evidence: {_oneline(f.get('evidence', ''))}")
    return "\n".join(lines) + "\n"


def describe(fact: dict) -> str:
    """One line naming a fact's matching fields."""
    kind = fact.get("type")
    if kind in ("observation", "target"):
        value = fact.get("value")
        value = f"{value:g}" if isinstance(value, float) else str(value)
        cmp_ = f"{fact.get('comparator', '')} " if kind == "target" else ""
        extra = "".join(f" {k}={fact[k]}" for k in ("of", "scope") if fact.get(k))
        return f"{fact.get('area')} {fact.get('year')} {fact.get('indicator')} {cmp_}{value} {fact.get('unit')}{extra}"
    if kind == "award":
        alt = f" (or {', '.join(fact['recipient_alt'])})" if fact.get("recipient_alt") else ""
        return f"{fact.get('recipient')}{alt}: {fact.get('award')} {fact.get('year')}"
    if kind == "plan":
        return f"《{fact.get('title')}》 {fact.get('issuer')} {fact.get('action', '')} {fact.get('year')}".replace("  ", " ")
    return json.dumps(fact, ensure_ascii=False)


def _pct(value: float, denominator: int) -> str:
    return f"{value:.3f}" if denominator else "-"


def _oneline(text: str) -> str:
    return " ".join(str(text).split())
