"""Observations and targets: an indicator mention bound to the value that follows it.

For each indicator mention the extractor reads the text up to the next mention:
  level   "细颗粒物(PM2.5)平均浓度为23微克/立方米"          (a level verb, then a value)
  list    "分别为21、18.2微克/立方米", "为92.5%、95.3%"     (one fact per value, in order)
  respectively "PM2.5、PM10浓度分别为49、88微克/立方米"     (mentions bound to values in order;
          also "昼间、夜间达标率", where 昼间 borrows the head of the mention after it)
  subjects "海淀区、朝阳区PM2.5浓度分别为31、33"             (areas bound to values in order)
  from-to "PM2.5浓度从18降至16微克/立方米"                   (the year before, then the year;
          or the years named: "从2015年的96…降至2023年的45…")
  change  "环境信访总量下降23.1个百分点"                      (of = decrease)
  level + change  "为90.4%,同比提升6.6个百分点"                (change fields on the level)
  shared  "A、B、C连续三年实现100%"                            (mentions joined by 、 share a value)
  split   "饮用水水源地水质100%稳定达标"                      (subject, value, predicate)
  bracketed "水质优良(达到或好于Ⅲ类)比例为85.7%"              (a note inside the indicator's name)
  elided  "国考断面水质优良率为100%,省考断面为98.6%"          (the next clause continues the indicator)
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
from ..numbers import has_number
from ..patterns import alternation, load_patterns
from ..vocabulary import load_indicators
from .common import area_in, clause_end, clause_start, part_year, sentence_text, trie_pattern
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
    years: tuple = ()     # a year named for each value (from-to with years), else empty


@lru_cache(maxsize=1)
def _rules():
    data = load_patterns("measures")
    change_words = data["change_down"] + data["change_up"]
    change = (alternation(data["change_fillers"]) + "?"
              + r"(?:" + alternation(data["change_reference"]) + r"[0-9年度]*)?"
              + alternation(change_words, capture="word") + r"了?(?:约)?$")
    return {
        "data": data,
        "level_tail": re.compile(alternation(data["level_verbs"]) + r"*$"),
        "skippable_gap": re.compile("(?:" + "|".join(data["skippable_gap"]) + ")+"
                                    + alternation(data["skippable_gap_verbs"]) + "?"),
        "change_gap": re.compile("^" + change),
        "change_after": re.compile(r"^[,、]?\s*" + change),
        "from_to": re.compile(r"^" + alternation(data["from_to"]) + r"$"),
        "from_words": tuple(data["from_words"]),
        "named_year": re.compile(data["named_year"]),
        "level_only": re.compile(r"^[,]?\s*" + alternation(data["level_verbs"]) + r"$"),
        "period_end": re.compile(data["period_end"]),
        "whole_area": tuple(data["whole_area_words"]),
        "partial_period": re.compile(data["partial_period"]),
        "elided_subject_not": re.compile(data["elided_subject_not"]),
        "increase_gap": tuple(data["increase_gap"]),
        "past_frame": re.compile(data["past_frame"]),
        "listed_areas_tail": re.compile(data["listed_areas_tail"]),
        "elided": re.compile(r"\s*(?P<subject>[^,;:]{2,12}?)" + alternation(data["level_verbs"]) + r"$"),
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


_WHITESPACE = re.compile(r"\s")
_SHORT_BRACKETS = re.compile(r"\([^()]{1,12}\)")


def could_match(text: str) -> bool:
    """False only when `extract` cannot find a fact in this (folded) sentence, so that no Doc need
    be made for it: every fact needs a number, and an indicator's surface form (in the text, or in
    the text without its short brackets as `_with_bracketed` reads it) or a split pattern. A text
    with whitespace is always read (the indicator ruler matches tokens, across spaces)."""
    if not has_number(text):
        return False
    if _WHITESPACE.search(text) or _label_regex().search(text):
        return True
    if "(" in text and _label_regex().search(_SHORT_BRACKETS.sub("", text)):
        return True
    return "%" in text and any(pattern.search(text) for _, pattern in _rules()["split"])  # split: "…100%稳定达标"


def mentions(doc) -> list[Mention]:
    """Indicator mentions, longest match first; distractors hide what they cover.

    A qualifier listed before a mention borrows its head: in "昼间、夜间达标率" 昼间 is a
    mention of the indicator labelled 昼间达标率.
    """
    spans = filter_spans(list(doc.spans.get("indicators", [])))
    text = sentence_text(doc)
    found = _with_bracketed([Mention(span.id_, span.start_char, span.end_char) for span in spans], text)
    found = [Mention(_medium_key(text, m.key, m.start), m.start, m.end) for m in found]
    return sorted(found + _elliptic_mentions(text, found), key=lambda m: m.start)


@lru_cache(maxsize=1)
def _label_regex() -> re.Pattern:
    """Every indicator surface form, the longest at each position (a trie: fast to search)."""
    return re.compile(trie_pattern(_labels()))


def _with_bracketed(found: list[Mention], text: str) -> list[Mention]:
    """Mentions interrupted by a bracketed note, 水质优良(达到或好于Ⅲ类)比例 or 治理(管控)率, found in
    the text without its short brackets and mapped back; they replace the mentions they cover."""
    kept, positions = [], []
    last = 0
    for match in _SHORT_BRACKETS.finditer(text):
        kept.append(text[last:match.start()])
        positions.extend(range(last, match.start()))
        last = match.end()
    if not kept:
        return found
    kept.append(text[last:])
    positions.extend(range(last, len(text)))
    stripped = "".join(kept)
    for match in _label_regex().finditer(stripped):
        start, end = positions[match.start()], positions[match.end() - 1] + 1
        if end - start == match.end() - match.start():
            continue  # no bracket inside: the ruler has it
        covered = [m for m in found if start <= m.start and m.end <= end]
        if any(m.start < end and start < m.end for m in found if m not in covered):
            continue
        found = [m for m in found if m not in covered] + [Mention(_labels()[match.group()], start, end)]
    return sorted(found, key=lambda m: m.start)


def _medium_key(text: str, key: str, start: int) -> str:
    """A generic water-quality wording about another medium: 地下水…水质优良比例 is groundwater's."""
    before = text[clause_start(text, start):start]
    for rule in _rules()["data"]["medium_override"]:
        if key in rule["from"] and any(word in before for word in rule["medium"]):
            return rule["to"]
    return key


@lru_cache(maxsize=1)
def _labels() -> dict[str, str]:
    """Surface form -> indicator key."""
    return {form: ind.key for ind in load_indicators().values() for form in ind.surface_forms}


def _elliptic_mentions(text: str, found: list[Mention]) -> list[Mention]:
    labels = _labels()
    taken = [(m.start, m.end) for m in found]
    extra = []
    for mention in found:
        if not mention.key:
            continue
        surface = text[mention.start:mention.end]
        position = mention.start
        while position > 0 and text[position - 1] in "、和及与":
            joiner = position - 1
            best = None
            for cut in range(1, len(surface) - 1):
                head = surface[cut:]
                for length in range(1, min(14, joiner) + 1):
                    start = joiner - length
                    key = labels.get(text[start:joiner] + head)
                    if key and not any(s < joiner and start < e for s, e in taken):
                        best = max(best or (0, 0, ""), (length, start, key))
            if best is None:
                break
            extra.append(Mention(best[2], best[1], joiner))
            taken.append((best[1], joiner))
            position = best[1]
    return extra


def extract(doc) -> list[Observation]:
    context = doc._.context
    rules = _rules()
    indicators = load_indicators()
    text = sentence_text(doc)
    quantities = [q for q in quantities_of(doc) if q.unit not in rules["skipped_units"]]
    years = [q for q in quantities_of(doc) if q.unit == "year" and 1900 <= q.value <= 2100]
    years += _period_ends(text, rules)
    found = mentions(doc)
    readings: dict[int, Reading] = _respectively(text, found, quantities, indicators, rules)
    for index in range(len(found) - 1, -1, -1):
        mention = found[index]
        if not mention.key or index in readings:
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
    facts.extend(_elided_facts(doc, found, readings, quantities, years, context, rules))
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
    from_to = _from_to(text, gap_core, after, unit, rules)
    if from_to is not None:
        return from_to
    if gap_core in rules["increase_gap"] and first.unit in _compatible(unit):  # 能力新增5万吨/年
        return Reading(values=[(first.value, 0)], unit=first.unit, of="increase", pattern="level",
                       value_start=first.start, value_end=first.end)
    change = rules["change_gap"].match(gap_core)
    if change and first.unit not in {"%", "pp"}:
        return _level_after_change(text, after, unit, rules)
    if change:
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


def _from_to(text, gap_core, after, unit, rules) -> Reading | None:
    """从18降至16, or with the years named: 从2015年的96…降至2023年的45…."""
    without_years = rules["named_year"].sub("", gap_core)
    if not without_years.endswith(rules["from_words"]) or len(after) < 2:
        return None
    first, second = after[0], after[1]
    between = text[first.end:second.start]
    if not rules["from_to"].match(rules["named_year"].sub("", between)):
        return None
    second_unit = unit if second.value == 0 and not second.unit else second.unit  # 降至0
    if second_unit not in _compatible(unit):
        return None
    named = (_named_year(gap_core, rules), _named_year(between, rules))
    return Reading(values=[(first.value, -1), (second.value, 0)], unit=second_unit, pattern="from-to",
                   value_start=first.start, value_end=second.end, years=named if any(named) else ())


def _named_year(text: str, rules) -> int | None:
    match = rules["named_year"].search(text)
    return int(match.group("year")) if match and match.group("year") else None  # 上年: the year before


def _level_after_change(text, after, unit, rules) -> Reading | None:
    """减少9天,降至15天: a change in the indicator's own unit, then its level."""
    if len(after) < 2 or after[1].unit not in _compatible(unit):
        return None
    first, second = after[0], after[1]
    if not rules["level_only"].match(text[first.end:second.start]):
        return None
    return Reading(values=[(second.value, 0)], unit=second.unit, comparator=_comparator(
        text[first.end:second.start], text[second.end:second.end + 2], rules),
        pattern="level", value_start=second.start, value_end=second.end)


def _respectively(text, found, quantities, indicators, rules) -> dict[int, Reading]:
    """Mentions joined by 、/和 whose values follow as a list of the same length, bound in order."""
    readings = {}
    groups, current = [], [0] if found else []
    for index in range(1, len(found)):
        if text[found[index - 1].end:found[index].start] in rules["joiners"] + ("以及",):
            current.append(index)
        else:
            groups.append(current)
            current = [index]
    groups.append(current)
    for group in groups:
        if len(group) < 2 or not all(found[i].key for i in group):
            continue
        last = found[group[-1]]
        window_end = found[group[-1] + 1].start if group[-1] + 1 < len(found) else len(text)
        bound = _read_list(text, last, window_end, quantities, [indicators[found[i].key].unit for i in group], rules)
        if bound:
            readings.update(zip(group, bound))
    return readings


def _read_list(text, last, window_end, quantities, units, rules) -> list[Reading] | None:
    after = [q for q in quantities if last.end <= q.start < window_end]
    if len(after) < len(units):
        return None
    gap = text[last.end:after[0].start]
    if len(gap) > rules["data"]["gap_max"] or re.search(r"[,;:]", gap):
        return None
    gap_core = re.sub(r"[((][^()()]*[))]", "", gap).strip()
    values = after[:1]
    for following in after[1:len(units)]:
        if text[values[-1].end:following.start] not in rules["joiners"]:
            return None
        values.append(following)
    if len(values) != len(units) or (len(after) > len(units)
                                     and text[values[-1].end:after[len(units)].start] in rules["joiners"]):
        return None
    change = rules["change_gap"].match(gap_core)
    direction = ("decrease" if change.group("word") in rules["down"] else "increase") if change else ""
    readings = []
    for position, (quantity, unit) in enumerate(zip(values, units)):
        value_unit = quantity.unit or next((q.unit for q in values[position + 1:] if q.unit), "")
        allowed = {"%", "pp"} if change else _compatible(unit)
        if value_unit not in allowed:
            return None
        tail = text[quantity.end:quantity.end + 2]
        readings.append(Reading(values=[(quantity.value, 0)], unit=value_unit or unit, of=direction,
                                comparator=_comparator(gap_core, tail, rules), pattern="respectively",
                                value_start=quantity.start, value_end=quantity.end))
    return readings


def _period_ends(text, rules) -> list:
    """到"十四五"末 names 2025: the last year of a five-year plan period, as a year quantity."""
    from ..numbers import Quantity

    return [Quantity(2005 + 5 * "一二三四五".index(m.group("n")) + 5, "year", m.start(), m.end(), m.end(), m.group())
            for m in rules["period_end"].finditer(text)]


def _only_skippable(gap: str) -> bool:
    """A gap like 连续三年 or 全年 that carries no verb but does not break the binding."""
    return _rules()["skippable_gap"].fullmatch(gap) is not None


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
        past = rules["past_frame"].match(text)
        if past and base:  # 上一年度,全市…达到98.9%: the past year's result, told in a plan
            year = int(past.group("year")) if past.group("year") else base - 1
            if year < base:
                return year, False
        later = [year for _, year in stated if base and year >= base]
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
    subjects = _subjects(doc, mention, len(reading.values), context, rules)
    if year is None or any(area is None for area, _ in subjects):
        return []
    if _within_part_of_year(text, mention.start, rules):
        return []
    facts = []
    for position, (value, year_offset) in enumerate(reading.values):
        area, scope = subjects[position]
        fields = dict(
            year=_value_year(reading, position, year, context), evidence=context.evidence,
            source=f"measures/{reading.pattern}", area=area, indicator=mention.key, value=float(value),
            unit=reading.unit, of=reading.of, scope=scope,
        )
        if reading.change and not reading.of:
            change_value, change_unit, direction = reading.change
            fields.update(change=float(change_value), change_unit=change_unit, direction=direction)
        if is_target:
            facts.append(Target(comparator=reading.comparator, **fields))
        elif year_offset == 0 or reading.pattern == "from-to":
            facts.append(Observation(**fields))
    return facts


def _within_part_of_year(text: str, position: int, rules) -> bool:
    """A value of a season or an event (秋冬季攻坚期间, 亚运会期间) is not the year's value."""
    marks = list(rules["partial_period"].finditer(text, 0, position))
    return bool(marks) and "全年" not in text[marks[-1].end():position]


def _value_year(reading, position, year, context) -> int:
    """The year of one value: the clause's year plus the value's offset; in a from-to naming its
    years, the years named, an unnamed end being the part's year (由2021年的5.3%降至0)."""
    if not reading.years:
        return year + reading.values[position][1]
    first, second = reading.years
    end = second or part_year(context)
    return end if position == 1 else (first or end - 1)


def _subjects(doc, mention, count, context, rules) -> list[tuple]:
    """(area, scope) for each of `count` values: areas or scopes listed before the mention bind in
    order; otherwise the clause's area (or one carried from an earlier clause) and its scope."""
    text = sentence_text(doc)
    start = clause_start(text, mention.start)
    area = (area_in(doc, start, mention.start, context) or _carried_area(doc, start, context, rules)
            or context.info.area)
    prefix = text[start:mention.start]
    if count > 1 and "、" in prefix:
        bounds, position = [], start
        for part in prefix.split("、"):
            bounds.append((position, position + len(part)))
            position += len(part) + 1
        if len(bounds) == count:
            areas = [area_in(doc, begin, end, context) or _listed_area(text[begin:end], context, rules)
                     for begin, end in bounds]
            if all(areas):
                return [(found, "") for found in areas]
            return [(area, text[begin:end]) for begin, end in bounds]
    matches = list(rules["scope"].finditer(prefix))
    return [(area, matches[-1].group() if matches else "")] * count


def _listed_area(part: str, context, rules):
    """An area named in a list by a short form or abbreviation: 杭州, 穗 (in 穗、深两市)."""
    return context.gazetteer.resolve(rules["listed_areas_tail"].sub("", part.strip()), context.info.area)


def _carried_area(doc, start, context, rules):
    """The subject of an earlier clause of the sentence ("江宁区优良天数比率为80.8%,PM2.5浓度为28"):
    an area opening a clause, with no whole-area word (全市) after it."""
    text = sentence_text(doc)
    carried = None
    for span in doc.spans.get("areas", []):
        if span.end_char > start:
            break
        opening = text[clause_start(text, span.start_char):span.start_char]
        if not opening.strip(" 其中"):
            carried = span
    if carried is None or any(word in text[carried.end_char:start] for word in rules["whole_area"]):
        return None
    return context.gazetteer.resolve(carried.text, context.info.area)


def _elided_facts(doc, found, readings, quantities, years, context, rules):
    """"国考断面水质优良率为100%,省考断面为98.6%": a clause with no indicator of its own, naming an
    area or scope and a level, continues the indicator read in the clause before it."""
    text = sentence_text(doc)
    facts = []
    for index, reading in sorted(readings.items()):
        if reading.pattern not in ("level", "list"):
            continue
        clause = clause_end(text, reading.value_end)
        nxt = [q for q in quantities if q.start > clause]
        if clause >= len(text) or not nxt or any(clause < m.start < nxt[0].start for m in found):
            continue
        match = rules["elided"].match(text, clause + 1, nxt[0].start)
        unit = nxt[0].unit if nxt[0].unit or nxt[0].value else reading.unit
        if match is None or unit != reading.unit or clause_end(text, clause + 1) < nxt[0].start:
            continue
        subject_end = clause + 1 + len(match.group("subject"))
        if rules["elided_subject_not"].search(match.group("subject")):
            continue  # 小流域断面水质达标率…: another measure, not the same indicator
        if not (area_in(doc, clause + 1, subject_end, context) or rules["scope"].search(match.group("subject"))):
            continue
        mention = Mention(found[index].key, subject_end, subject_end)
        elided = Reading(values=[(nxt[0].value, 0)], unit=unit, pattern="elided", value_start=nxt[0].start,
                         value_end=nxt[0].end, comparator=reading.comparator)
        facts.extend(_facts(doc, mention, elided, years, context, rules))
    return facts


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
