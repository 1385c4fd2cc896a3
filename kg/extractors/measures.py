"""Observations and targets: an indicator mention bound to the value that follows it.

For each indicator mention the extractor reads the text up to the next mention:
  level   "细颗粒物(PM2.5)平均浓度为23微克/立方米"          (a level verb, then a value)
  list    "分别为21、18.2微克/立方米", "为92.5%、95.3%"     (one fact per value, in order)
  from-to "PM2.5浓度从18降至16微克/立方米"                   (the year before, then the year)
  change  "环境信访总量下降23.1个百分点"                      (of = decrease)
  level + change  "为90.4%,同比提升6.6个百分点"                (change fields on the level)
  shared  "A、B、C连续三年实现100%"                            (mentions joined by 、 share a value)
  split   "饮用水水源地水质100%稳定达标"                      (subject, value, predicate)
In the plan part, and in summary sentences naming a later year, facts are targets,
with a comparator from 控制在/以内 (<=), 以上/不低于 (>=) or none (=).
Words and limits: kg/data/patterns/measures.json.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.util import filter_spans

from ..facts import Observation, Target
from ..patterns import alternation, load_patterns
from ..vocabulary import load_indicators
from .common import area_in, clause_start, part_year, sentence_text
from .quantities import quantities_of


@dataclass(frozen=True)
class Mention:
    key: str
    start: int
    end: int


@dataclass
class Reading:
    """A value read for one mention, before it becomes a fact."""

    values: list          # [(value, unit, year_offset)]; year_offset -1 for the "from" of from-to
    unit: str
    of: str = ""
    comparator: str = "="
    change: tuple | None = None   # (value, unit, direction)
    pattern: str = "level"
    value_start: int = 0
    value_end: int = 0


@lru_cache(maxsize=1)
def _rules():
    data = load_patterns("measures")
    change_words = data["change_down"] + data["change_up"]
    change = (r"(?:" + alternation(data["change_reference"]) + r"[0-9年度]*)?"
              + alternation(change_words, capture="word") + r"了?(?:约)?$")
    return {
        "data": data,
        "level_tail": re.compile(alternation(data["level_verbs"]) + r"*$"),
        "change_gap": re.compile("^" + change),
        "change_after": re.compile(r"^[,、]?\s*" + change),
        "from_to": re.compile(r"^" + alternation(data["from_to"]) + r"$"),
        "down": tuple(data["change_down"]),
        "le": tuple(data["comparator_le"]),
        "ge": tuple(data["comparator_ge"]),
        "bound_le": tuple(data["bound_le"]),
        "bound_ge": tuple(data["bound_ge"]),
        "increase_before": tuple(data["increase_before"]),
        "joiners": tuple(data["list_joiners"]),
        "share": re.compile(r"^" + alternation(data["share_value_joiners"])),
        "scope": re.compile(data["scope"]),
        "skipped_units": frozenset(data["value_units_skipped"]),
        "future": tuple(data["future_markers"]),
        "year_not_after": tuple(data["year_not_after"]),
        "split": [
            (entry["key"], re.compile(
                alternation(entry["subject"]) + data["split_filler"]
                + r"(?P<value>[0-9]+(?:\.[0-9]+)?)%" + r"(?:稳定|全部|均|得到|实现)?"
                + alternation(entry["predicate"])
            ))
            for entry in data["split_indicators"]
        ],
    }


def mentions(doc) -> list[Mention]:
    """Indicator mentions, longest match first; distractors hide what they cover."""
    spans = filter_spans(list(doc.spans.get("indicators", [])))
    return [Mention(span.id_, span.start_char, span.end_char) for span in spans]


def extract(doc) -> list[Observation]:
    context = doc._.context
    rules = _rules()
    indicators = load_indicators()
    text = sentence_text(doc)
    quantities = [q for q in quantities_of(doc) if q.unit not in rules["skipped_units"]]
    years = [q for q in quantities_of(doc) if q.unit == "year" and 1900 <= q.value <= 2100]
    found = mentions(doc)
    readings: dict[int, Reading] = {}
    for index in range(len(found) - 1, -1, -1):
        mention = found[index]
        if not mention.key:
            continue
        window_end = found[index + 1].start if index + 1 < len(found) else len(text)
        unit = indicators[mention.key].unit
        reading = _read(text, mention, window_end, quantities, unit, rules)
        if reading is None and index + 1 < len(found) and found[index + 1].key:
            shared = readings.get(index + 1)
            between = text[mention.end:found[index + 1].start]
            if shared and rules["share"].match(between) and shared.unit in _compatible(unit):
                reading = shared
        if reading is not None:
            readings[index] = reading
    facts = []
    seen = set()
    for index in sorted(readings):
        mention = found[index]
        reading = readings[index]
        marker = (mention.key, reading.value_start)
        if marker in seen:
            continue
        seen.add(marker)
        facts.extend(_facts(doc, mention, reading, years, context, rules))
    covered = {fact.indicator for fact in facts}
    facts.extend(_split_facts(doc, covered, years, context, rules))
    return facts


def _compatible(unit: str) -> set[str]:
    """Value units acceptable for a level of an indicator measured in `unit`."""
    return {unit, ""} if unit == "1" else {unit}


def _read(text, mention, window_end, quantities, unit, rules) -> Reading | None:
    data = rules["data"]
    after = [q for q in quantities if mention.end <= q.start < window_end]
    if not after:
        return None
    first = after[0]
    gap = text[mention.end:first.start]
    if len(gap) > data["gap_max"] or re.search(r"[,;:]", gap.rstrip(":")):
        return None
    gap_core = re.sub(r"[((][^()()]*[))]", "", gap).strip()
    if gap_core.endswith("从") and len(after) > 1:
        second = after[1]
        if rules["from_to"].match(text[first.end:second.start]) and second.unit in _compatible(unit):
            return Reading(values=[(first.value, -1), (second.value, 0)], unit=second.unit,
                           pattern="from-to", value_start=first.start, value_end=second.end)
    change = rules["change_gap"].match(gap_core)
    if change and first.unit in {"%", "pp"}:
        direction = "decrease" if change.group("word") in rules["down"] else "increase"
        return Reading(values=[(first.value, 0)], unit=first.unit, of=direction,
                       comparator=_comparator(gap_core, text[first.end:first.end + 2], rules),
                       pattern="change", value_start=first.start, value_end=first.end)
    if gap_core and not rules["level_tail"].search(gap_core) and not _only_skippable(gap_core):
        return None
    values = [first]
    for following in after[1:]:
        joiner = text[values[-1].end:following.start]
        if joiner not in rules["joiners"] or (following.unit and following.unit not in _compatible(unit)):
            break
        values.append(following)
    value_unit = values[-1].unit
    if value_unit == "" and all(q.value == 0 for q in values):
        value_unit = unit  # 保持为零: zero needs no unit
    if value_unit not in _compatible(unit):
        return None
    reading = Reading(values=[(q.value, 0) for q in values], unit=value_unit or unit, pattern="list" if len(values) > 1 else "level",
                      comparator=_comparator(gap_core, text[values[-1].end:values[-1].end + 2], rules),
                      value_start=first.start, value_end=values[-1].end)
    reading.change = _change_after(text, values[-1].end, window_end, after[len(values):], rules)
    if any(text[max(0, mention.start - len(w)):mention.start] == w for w in rules["increase_before"]):
        reading.of = "increase"
    return reading


def _only_skippable(gap: str) -> bool:
    """A gap like 连续三年 or 全年 that carries no verb but does not break the binding."""
    return bool(re.fullmatch(r"(?:连续[0-9一二两三四五六七八九十]+年|全年|年均|平均|均|已|分别|稳定|首次|继续)+(?:实现|达到|为|保持)?", gap))


def _comparator(gap: str, tail: str, rules) -> str:
    if tail.startswith(rules["bound_ge"]):
        return ">="
    if tail.startswith(rules["bound_le"]):
        return "<="
    found = [(len(word), bound) for bound, words in ((">=", rules["ge"]), ("<=", rules["le"]))
             for word in words if word in gap]
    return max(found)[1] if found else "="   # the longest word decides: 不高于 over 高于


def _change_after(text, position, window_end, rest, rules):
    limit = rules["data"]["change_search"]
    for quantity in rest:
        if quantity.start - position > limit:
            break
        between = text[position:quantity.start]
        match = rules["change_after"].match(between)
        if match and quantity.unit in {"%", "pp"}:
            direction = "down" if match.group("word") in rules["down"] else "up"
            return (quantity.value, quantity.unit, direction)
    return None


def _fact_year(text, mention_start, value_start, years, context, rules) -> tuple[int | None, bool]:
    """The year a value refers to and whether it is a target (a later year, or the plan part)."""
    base = part_year(context)
    start = clause_start(text, mention_start)
    stated = [(q.start, int(q.value)) for q in years
              if q.start < value_start and not text[max(0, q.start - 1):q.start].endswith(rules["year_not_after"])]
    named = [year for position, year in stated if position >= start]
    if context.part == "plan":
        later = [year for year in named if base and year >= base]
        return (later[-1] if later else base), True
    report = context.info.report_year
    future = [year for _, year in stated if report and year > report]
    if future:
        return future[-1], True
    past = [year for year in named if report and year <= report]
    return (past[-1] if past else base), False


def _facts(doc, mention, reading, years, context, rules):
    text = sentence_text(doc)
    year, is_target = _fact_year(text, mention.start, reading.value_start, years, context, rules)
    area = area_in(doc, clause_start(text, mention.start), mention.start, context) or context.info.area
    if area is None or year is None:
        return []
    scopes = _scopes(text, mention, len(reading.values), rules)
    facts = []
    for position, (value, year_offset) in enumerate(reading.values):
        fields = dict(
            year=year + year_offset, evidence=context.evidence, source=f"measures/{reading.pattern}",
            area=area, indicator=mention.key, value=float(value), unit=reading.unit, of=reading.of,
            scope=scopes[position] if position < len(scopes) else (scopes[0] if scopes else ""),
        )
        if reading.change and not reading.of:
            change_value, change_unit, direction = reading.change
            fields.update(change=float(change_value), change_unit=change_unit, direction=direction)
        if is_target:
            facts.append(Target(comparator=reading.comparator, **fields))
        elif year_offset == 0 or reading.pattern == "from-to":
            facts.append(Observation(**fields))
    return facts


def _scopes(text, mention, count, rules) -> list[str]:
    prefix = text[clause_start(text, mention.start):mention.start]
    if count > 1 and "、" in prefix:
        parts = [part for part in prefix.split("、") if part]
        if len(parts) == count:
            return parts
    match = None
    for match in rules["scope"].finditer(prefix):
        pass
    return [match.group()] if match else []


def _split_facts(doc, covered, years, context, rules):
    """'饮用水水源地水质100%稳定达标': subject, value and predicate around the number."""
    facts = []
    indicators = load_indicators()
    text = sentence_text(doc)
    for key, pattern in rules["split"]:
        if key in covered:
            continue
        match = pattern.search(text)
        if match is None or indicators[key].unit != "%":
            continue
        mention = Mention(key, match.start(), match.start("value"))
        reading = Reading(values=[(float(match.group("value")), 0)], unit="%", pattern="split",
                          value_start=match.start("value"), value_end=match.end())
        facts.extend(_facts(doc, mention, reading, years, context, rules))
    return facts
