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
from .common import CLAUSE_BREAK, named_group, part_year, sentence_text

QUOTES = "“”\"'‘’「」『』"


@lru_cache(maxsize=1)
def _rules():
    data = load_patterns("awards")
    return {
        "data": data,
        "trigger": re.compile(alternation(data["triggers"], capture="trigger") + f"(?!{data['not_trigger_after']})"),
        # a clause can hold an award only where the sentence holds a trigger (whatever follows it)
        # or the award part of the rating pattern: both are looked for once per sentence first
        "trigger_anywhere": re.compile(alternation(data["triggers"])),
        "rating_award_anywhere": re.compile(named_group(data["rating_without_verb"], "award")),
        "object_verbs": frozenset(data["object_verbs"]),
        "object_joiner": data["object_joiner"],
        "conferring_body": re.compile(data["conferring_body"]),
        "conferred_by": re.compile(data["conferred_by_prefix"]),
        "anaphoric": re.compile(data["anaphoric_award"]),
        "rating_name": re.compile(data["rating_name"]),
        "list_tail": re.compile(data["award_list_tail"]),
        "respectively": data["respectively"],
        "leveled": frozenset(data["leveled_triggers"]),
        "trigger_heads": data["trigger_heads"],
        "not_award_before": tuple(data["not_award_before"]),
        "not_recipient_starts": tuple(data["not_recipient_starts"]),
        "generic": frozenset(data["generic_awards"]),
        "strong_heads": tuple(data["strong_heads"]),
        "listed_count_tail": re.compile(data["listed_count_tail"]),
        "recipient_note": re.compile(data["recipient_note"]),
        "enumerator": re.compile(data["enumerator"]),
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
        "relative_clause_verbs": tuple(data["relative_clause_verbs"]),
        "levels": data["levels"],
        "award_end": re.compile(data["award_end"]),
        "split": tuple(data["split_awards"]),
        "title_suffixes": tuple(data["title_suffixes"]),
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
    return extract_text(sentence_text(doc), doc._.context)


def extract_text(text: str, context) -> list[AwardFact]:
    """The awards of one (folded) sentence; they need no Doc."""
    if context.part != "summary" or not _could_match(text):
        return []
    facts = []
    spans = clauses(text)
    for index, (start, end) in enumerate(spans):
        previous = text[spans[index - 1][0]:spans[index - 1][1]] if index else ""
        for part in _conferrals(text[start:end]):
            facts.extend(_clause_awards(part, previous, context, facts[-1].award if facts else ""))
    return facts


def _could_match(text: str) -> bool:
    """False only when no clause of the sentence has a trigger or a rating, so `_clause_awards` finds nothing."""
    rules = _rules()
    return bool(rules["trigger_anywhere"].search(text) or rules["rating_award_anywhere"].search(text))


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


def _clause_awards(clause: str, previous: str, context, last_award: str = "") -> list[AwardFact]:
    rules = _rules()
    match = rules["trigger"].search(clause)
    if match is None:
        rating = rules["rating"].search(clause)
        if rating is None:
            return []
        return _facts([rating.group("award")], _recipients(rating.group("recipient"), "", context),
                      context, "awards/rating-without-verb")
    pre, award_text = clause[:match.start()], rules["conferred_by"].sub("", clause[match.end():])
    pre = rules["conferring_body"].sub("", pre)
    if pre.rstrip().endswith(rules["not_award_before"]) or pre.strip().startswith(rules["not_recipient_starts"]):
        return []  # 力争入选…, 将47家企业纳入…: not an honour conferred
    source = "awards/" + ("weak-verb" if match.group("trigger") in rules["weak"] else "verb")
    if match.group("trigger") in rules["object_verbs"]:
        named, rest = _object_recipients(award_text, context)
        if named:
            return _facts(_acceptable_names(rest), named, context, "awards/object")
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
    names = _acceptable_names(award_text)
    if match.group("trigger") in rules["leveled"] and not any(_level(name) for name in names):
        names = []  # 新增省级…示范区2个、示范乡镇9个 are honours; 新增监测微站120个 is not
    heads = rules["trigger_heads"].get(match.group("trigger"))
    if heads:  # 纳入…试点 is a designation; 纳入管理单位87家 is not
        names = [name for name in names if _clean(name)[0].strip(QUOTES).endswith(tuple(heads))]
    if prefix:
        names = [prefix + name for name in names]
    recipients = _recipients(pre, previous, context)
    if not names and last_award and recipients and rules["anaphoric"].match(award_text.strip()):
        names, source = [last_award], "awards/anaphora"  # 新郑市、登封市同时获此殊荣
    return _facts(names, recipients, context, source, paired=rules["respectively"] in clause)


def _acceptable_names(award_text: str) -> list[str]:
    return [name for name in _award_names(award_text) if _acceptable(_clean(name)[0])]


def _object_recipients(text: str, context) -> tuple[list[tuple[Recipient, None]], str]:
    """授予江宁区“…”称号, 命名吴中区、相城区为…: recipients named right after the verb, and the rest."""
    rules = _rules()
    quoted = re.search(f"[{QUOTES}]|{rules['object_joiner']}", text)
    head = text[:quoted.start()] if quoted else ""
    if 2 <= len(head) <= 30 and not re.search(r"[0-9]", head):  # 授予余杭经济技术开发区“…”称号
        rest = text[quoted.start():]
        rest = rest[len(rules["object_joiner"]):] if rest.startswith(rules["object_joiner"]) else rest
        return [(_named(part, context), None) for part in re.split("[、和及]", head) if part], rest
    found, position = [], 0
    while True:
        recipient, length = _leading_recipient(text[position:], context)
        if recipient is None:
            break
        found.append((recipient, None))
        position += length
        if position < len(text) and text[position] in "、和及":
            position += 1
            continue
        break
    rest = text[position:]
    if rest.startswith(rules["object_joiner"]):
        rest = rest[len(rules["object_joiner"]):]
    return (found, rest) if found and rest else ([], text)


def _leading_recipient(text: str, context) -> tuple[Recipient | None, int]:
    rules = _rules()
    for pronoun in rules["bureau_pronouns"]:
        if text.startswith(pronoun):
            return _bureau(context), len(pronoun)
    for pronoun in rules["area_pronouns"]:
        if text.startswith(pronoun):
            return _area(context), len(pronoun)
    for length in range(min(len(text), 12), 1, -1):
        area = context.gazetteer.resolve(text[:length], context.info.area)
        if area is not None:
            return Recipient(name=area.name, kind="area", area=area), length
    return None, 0


def _strip_adverbs(pre: str) -> str:
    return _rules()["adverbs"].sub("", pre.strip())


def _award_names(award_text: str) -> list[str]:
    """The honours named after the verb: cut at 并/且, split lists whose parts are honours."""
    rules = _rules()
    award_text = rules["award_end"].split(award_text, maxsplit=1)[0]
    award_text = rules["list_tail"].sub("", award_text)
    award_text = re.sub(r"([”』」])([“『「])", r"\1、\2", award_text)  # “A”“B”: two honours
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
    """Ends in a head word, before any bracketed qualifier: 示范区(县)."""
    return re.sub(r"[((][^()()]*[))]$", "", name.strip(QUOTES)).endswith(_rules()["heads"])


def _valid(name: str, raw: str = "") -> bool:
    """An honour ends in a head word, or is a quoted name followed by 称号 (“中国天然氧吧”称号)."""
    core = name.strip(QUOTES)
    titled = raw.rstrip().endswith(_rules()["title_suffixes"]) and name[-1:] in QUOTES
    return 2 <= len(core) <= 80 and core not in _rules()["generic"] and (_has_head(core) or titled)


def _acceptable(name: str) -> bool:
    """The words after the verb name an honour, not money, coverage or praise (a quoted name, an
    evaluation's rating or a name ending in a strong head is an honour whatever words it holds:
    攻坚战成效考核优秀, 优秀环境行政处罚案卷)."""
    rules = _rules()
    core = name.strip(QUOTES)
    quoted = name[:1] in QUOTES and name[-1:] in QUOTES
    exempt = quoted or rules["rating_name"].search(core) or core.endswith(rules["strong_heads"])
    rejected = not exempt and any(word in core for word in rules["reject"])
    return not rejected and not rules["anaphoric"].match(core) \
        and not re.match(r"^[0-9.]+(?:条|个|项|家|次|万|亿|件|名)", core)


def _facts(names, recipients, context, source, paired: bool = False) -> list[AwardFact]:
    """Each honour for each recipient; with 分别 and as many honours as recipients, in order."""
    facts = []
    if paired and len(names) == len(recipients) > 1:
        pairs = [(name, [recipient]) for name, recipient in zip(names, recipients)]
    else:
        pairs = [(name, recipients) for name in names]
    for raw, receiving in pairs:
        name, count_after = _clean(raw)
        if not _valid(name, raw):
            continue
        level = _level(raw)
        name = _unquoted(name)
        for recipient, count in receiving or [(_default_recipient(name, context), None)]:
            facts.append(AwardFact(
                year=part_year(context), evidence=context.evidence, source=source,
                recipient=recipient, award=name, level=level, count=count or count_after,
            ))
    return facts


def _unquoted(name: str) -> str:
    """“全省文明单位” -> 全省文明单位: one name for an honour however a bulletin quotes it whole."""
    inner = name[1:-1]
    whole = len(name) > 2 and name[0] in QUOTES and name[-1] in QUOTES and not any(q in inner for q in QUOTES)
    return inner if whole else name


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
    subject = rules["recipient_note"].sub("", subject).strip(" ")  # (以下简称…), (园区、社区) go; (EOD) stays
    subject = rules["enumerator"].sub("", subject)  # (1)张家港保税区
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
    if len(parts) > 1:  # 瓶窑镇、径山镇、鸬鸟镇3个镇: named, so no count
        parts[-1] = rules["listed_count_tail"].sub("", parts[-1])
    for part in parts:
        part = part.strip()
        if not part or re.match(r"^(?:合计|累计|共)", part):
            continue
        owner, counted = _owned_count(part, context)
        if owner is not None:
            found.append((owner, _int(counted.group("count"))))
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


def _owned_count(part: str, context):
    """"我局2个案例", "长沙市生态环境局1个集体": counted things of a named owner -> (owner, match)."""
    counted = _rules()["counted"]
    for index in range(1, len(part)):
        match = counted.match(part[index:])
        if match:
            return _owner(part[:index].removesuffix("新增"), context), match  # 全县新增4家单位
    return None, None


def _owner(text: str, context) -> Recipient | None:
    """The recipient a possessor names: a pronoun, an area or an organisation; None for anything else."""
    rules = _rules()
    if text in rules["bureau_pronouns"]:
        return _bureau(context)
    if text in rules["area_pronouns"]:
        return _area(context)
    if text.endswith(rules["organisation_suffixes"]) or context.gazetteer.resolve(text, context.info.area):
        return _named(text, context)
    return None


def _area_chain(name: str, context) -> Recipient | None:
    """"湖北省十堰市", "我省大兴安岭地区呼玛县": areas named from the larger to the smaller -> the last."""
    rules = _rules()
    rest = next((name[len(p):] for p in rules["area_pronouns"] if name.startswith(p)), name)
    last, position = None, 0
    while position < len(rest):
        for length in range(min(len(rest) - position, 12), 1, -1):
            area = context.gazetteer.resolve(rest[position:position + length], last or context.info.area)
            if area is not None:
                last, position = area, position + length
                break
        else:
            return None
    if last is None or rest == name and len(rest) == len(last.name):
        return None
    return Recipient(name=last.name, kind="area", area=last)


def _named(name: str, context) -> Recipient:
    rules = _rules()
    owner, mark, owned = name.rpartition("的")
    if mark and owner and owned:  # 我市的…案例 -> the city; 局拍摄的微电影《守护》 -> the film
        possessor = _owner(owner, context)
        if possessor is not None:
            return possessor
        if owner.endswith(rules["relative_clause_verbs"]):
            return _named(owned, context)
    if name.startswith(rules["bureau_pronouns"]):  # 我局, 局机关第一党支部: the bureau (GUIDE)
        return _bureau(context)
    if name in rules["area_pronouns"]:
        return _area(context)
    chain = _area_chain(name, context)
    if chain is not None:
        return chain
    titled = re.search(r"《(?P<title>[^《》]+)》", name)
    if titled:  # 生态环境警示片《守护敕勒川》: the work, by its title
        return Recipient(name=titled.group("title"), kind="entity")
    area = context.gazetteer.resolve(name, context.info.area)
    if area is not None:
        return Recipient(name=area.name, kind="area", area=area)
    area = context.info.area
    if area and name[:1] in "省市县区" and area.name.endswith(name[0]) and name.endswith(rules["organisation_suffixes"]):
        name = area.name + name[1:]  # 市生态环境局 in 太原市's report: 太原市生态环境局
    kind = "organisation" if name.endswith(rules["organisation_suffixes"]) else "entity"
    return Recipient(name=name, kind=kind)
