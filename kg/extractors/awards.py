"""Awards: an honour, title, rating or designation conferred on a recipient.

In each clause of a summary sentence, a conferring verb (获评, 荣获, 入选, 成功创建 …)
splits the clause into the recipient before it and the honour after it:
  "从化区、增城区成功创建国家生态文明建设示范区"   two recipients, one honour
  "局机关荣获全市首批“模范机关”和…先进集体"          a bureau pronoun, two honours
  "4个支部被评为“示范党支部”"                        counted recipients: the bureau, count 4
  "在2022年度…考核中获评优秀"                        the evaluation names the honour
  "国家低碳城市试点评估获得优良等次"                  so does an evaluation as subject
  "组队参加省第四届环境应急大比武,取得团体二等奖"      and a contest taken part in
  "…项目中期评估优秀"                                a rating stated without a verb
With no recipient named, the honour's words decide between the bureau (先进集体, 科学
技术奖) and the document's area. An honour must end in a head word (奖, 称号, 示范区,
试点, 案例 …) and contain no reject word (万元, 报道, 批复 …). Plans to win something
(the plan part) are not awards. Words: kg/data/patterns/awards.json.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..facts import AwardFact, Recipient
from ..numbers import parse_number
from ..patterns import alternation, load_patterns
from .common import CLAUSE_BREAK, part_year, sentence_text

QUOTES = "“”\"'‘’「」『』"


@lru_cache(maxsize=1)
def _rules():
    data = load_patterns("awards")
    return {
        "data": data,
        "trigger": re.compile(alternation(data["triggers"], capture="trigger")),
        "weak": frozenset(data["weak_triggers"]),
        "heads": tuple(data["heads"]),
        "reject": tuple(data["reject_words"]),
        "evaluation_subject": re.compile(data["evaluation_subject"]),
        "in_evaluation": re.compile(data["in_evaluation"]),
        "took_part": re.compile(data["took_part"]),
        "rating": re.compile(data["rating_without_verb"]),
        "adverbs": re.compile("(?:" + "|".join(data["adverbs"]) + ")+$"),
        "leading_verb": re.compile("^" + alternation(data["leading_verbs"])),
        "creating_verb": re.compile("^" + alternation(data["creating_verbs"])),
        "accompaniment": re.compile(data["accompaniment"]),
        "bureau_pronouns": tuple(data["bureau_pronouns"]),
        "area_pronouns": tuple(data["area_pronouns"]),
        "counted": re.compile(data["counted"]),
        "count_after": re.compile(data["count_after_award"]),
        "bureau_nouns": tuple(data["bureau_nouns"]),
        "bureau_award_words": tuple(data["bureau_award_words"]),
        "organisation_suffixes": tuple(data["organisation_suffixes"]),
        "levels": data["levels"],
        "award_end": re.compile(data["award_end"]),
        "split": tuple(data["split_awards"]),
        "strip_suffix": tuple(sorted(data["strip_award_suffix"], key=len, reverse=True)),
    }


def clauses(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in CLAUSE_BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if e > s]


def extract(doc) -> list[AwardFact]:
    context = doc._.context
    if context.part != "summary":
        return []
    text = sentence_text(doc)
    facts = []
    spans = clauses(text)
    for index, (start, end) in enumerate(spans):
        previous = text[spans[index - 1][0]:spans[index - 1][1]] if index else ""
        for part in _conferrals(text[start:end]):
            facts.extend(_clause_awards(part, previous, context))
    return facts


def _conferrals(clause: str) -> list[str]:
    """A clause with several verbs ("4个支部被评为A、12个支部被评为B") split at the 、 before each."""
    triggers = list(_rules()["trigger"].finditer(clause))
    cuts = []
    for match in triggers[1:]:
        cut = clause.rfind("、", cuts[-1] if cuts else 0, match.start())
        if cut > triggers[0].end():
            cuts.append(cut)
    bounds = [0] + [cut + 1 for cut in cuts] + [len(clause) + 1]
    return [clause[bounds[i]:bounds[i + 1] - 1] for i in range(len(bounds) - 1)]


def _clause_awards(clause: str, previous: str, context) -> list[AwardFact]:
    rules = _rules()
    match = rules["trigger"].search(clause)
    if match is None:
        rating = rules["rating"].search(clause)
        if rating is None:
            return []
        return _facts([rating.group("award")], _recipients(rating.group("recipient"), "", context),
                      context, "awards/rating-without-verb")
    pre, award_text = clause[:match.start()], clause[match.end():]
    source = "awards/" + ("weak-verb" if match.group("trigger") in rules["weak"] else "verb")
    prefix = ""
    subject = _strip_adverbs(pre)
    evaluation = rules["in_evaluation"].search(pre)
    contest = rules["took_part"].search(previous) if not subject else None
    if evaluation:
        prefix, pre, source = evaluation.group("name"), pre[:evaluation.start()], "awards/in-evaluation"
    elif rules["evaluation_subject"].search(subject):
        prefix, pre, source = subject, "", "awards/evaluation-subject"
    elif contest:
        prefix, source = contest.group("name"), "awards/took-part"
    names = [name for name in _award_names(award_text) if _acceptable(_clean(name)[0])]
    if prefix:
        names = [prefix + name for name in names]
    return _facts(names, _recipients(pre, previous, context), context, source)


def _strip_adverbs(pre: str) -> str:
    return _rules()["adverbs"].sub("", pre.strip())


def _award_names(award_text: str) -> list[str]:
    """The honours named after the verb: cut at 并/且, split lists whose parts are honours."""
    rules = _rules()
    award_text = rules["award_end"].split(award_text, maxsplit=1)[0]
    parts, current = [], ""
    for piece in re.split("(" + "|".join(map(re.escape, rules["split"])) + ")", award_text):
        if piece in rules["split"]:
            if current and _has_head(_clean(current)[0]):
                parts.append(current)
                current = ""
            else:
                current += piece
            continue
        current += piece
    if current:
        parts.append(current)
    return [part for part in parts if part]


def _clean(name: str) -> tuple[str, int | None]:
    """An honour's name without a trailing count, parenthetical or 称号; and the count."""
    rules = _rules()
    name = re.sub(r"[((][^()()]*[))]$", "", name.strip())
    count = None
    counted = rules["count_after"].search(name)
    if counted and counted.start() > 0:
        count = _int(counted.group("count"))
        name = name[:counted.start()]
    for suffix in rules["strip_suffix"]:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            name = name[: -len(suffix)]
            break
    return name.strip(), count


def _has_head(name: str) -> bool:
    return name.strip(QUOTES).endswith(_rules()["heads"])


def _valid(name: str) -> bool:
    core = name.strip(QUOTES)
    return 2 <= len(core) <= 80 and _has_head(core)


def _acceptable(name: str) -> bool:
    """The words after the verb name an honour, not money, coverage or praise."""
    core = name.strip(QUOTES)
    return not any(word in core for word in _rules()["reject"]) \
        and not re.match(r"^[0-9.]+(?:条|个|项|家|次|万|亿|件|名)", core)


def _facts(names, recipients, context, source) -> list[AwardFact]:
    facts = []
    for raw in names:
        name, count_after = _clean(raw)
        if not _valid(name):
            continue
        level = _level(raw)
        for recipient, count in recipients or [(_default_recipient(name, context), None)]:
            facts.append(AwardFact(
                year=part_year(context), evidence=context.evidence, source=source,
                recipient=recipient, award=name, level=level, count=count or count_after,
            ))
    return facts


def _level(name: str) -> str:
    for level, words in _rules()["levels"]:
        if any(word in name for word in words):
            return level
    return ""


def _int(text: str) -> int | None:
    value = parse_number(text)
    return int(value) if value is not None else None


def _bureau(context) -> Recipient:
    return Recipient(name=context.info.issuer, kind="organisation")


def _area(context) -> Recipient:
    area = context.info.area
    return Recipient(name=area.name, kind="area", area=area)


def _default_recipient(award: str, context) -> Recipient:
    if any(word in award for word in _rules()["bureau_award_words"]):
        return _bureau(context)
    return _area(context)


def _recipients(pre: str, previous: str, context) -> list[tuple[Recipient, int | None]]:
    """Who the clause says receives the honour, with a count where recipients are only counted."""
    rules = _rules()
    pre = pre.rsplit("并", 1)[-1]
    if rules["accompaniment"].match(pre):
        pre = ""
    subject = _strip_adverbs(rules["leading_verb"].sub("", _strip_adverbs(pre)))
    subject = re.sub(r"[((][^()()]*[))]", "", subject).strip(" ")
    if not subject:
        if previous and rules["creating_verb"].match(previous) and len(previous) <= 40:
            named = rules["creating_verb"].sub("", previous).strip()
            if named:
                return [(Recipient(name=named, kind="entity"), None)]
        return []
    if subject in rules["bureau_pronouns"]:
        return [(_bureau(context), None)]
    if subject in rules["area_pronouns"]:
        return [(_area(context), None)]
    found = []
    parts = subject.split("、")
    joined = re.split(r"和|与|及", subject)
    if len(joined) > 1 and all(_is_listed_name(part, context) for part in joined):
        parts = [piece for part in joined for piece in part.split("、")]
    for part in parts:
        part = part.strip()
        if not part or re.match(r"^(?:合计|累计|共)", part):
            continue
        counted = rules["counted"].match(part) or re.match(r"^.*等(?P<count>[0-9]+)(?:个|家)(?P<noun>.*)$", part)
        if counted:
            noun = counted.group("noun")
            recipient = _bureau(context) if any(w in noun for w in rules["bureau_nouns"]) else _area(context)
            found.append((recipient, _int(counted.group("count"))))
            continue
        found.append((_named(part, context), None))
    return found


def _is_listed_name(part: str, context) -> bool:
    """A part of a 和-list that stands on its own: an area, an organisation, or 'X的Y'."""
    part = part.strip()
    return bool(part) and ("的" in part or part.endswith(_rules()["organisation_suffixes"])
                           or context.gazetteer.resolve(part, context.info.area) is not None)


def _named(name: str, context) -> Recipient:
    rules = _rules()
    area = context.gazetteer.resolve(name, context.info.area)
    if area is not None:
        return Recipient(name=area.name, kind="area", area=area)
    for prefix_len in range(min(len(name), 8), 1, -1):
        area = context.gazetteer.resolve(name[:prefix_len], context.info.area)
        if area is not None and area.level == "county" and not name.endswith(rules["organisation_suffixes"]):
            return Recipient(name=area.name, kind="area", area=area)
    if name.startswith("市") and name.endswith(rules["organisation_suffixes"]) and context.info.area:
        name = context.info.area.name + name[1:]
    kind = "organisation" if name.endswith(rules["organisation_suffixes"]) else "entity"
    return Recipient(name=name, kind=kind)
