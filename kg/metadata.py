"""What a bulletin says about itself: its area, issuing body, years and plan part.

A title such as "深圳市生态环境局2022年工作总结和2023年工作计划", "2023年广州市生态环境保护
工作总结" or a first sentence "现将济南市生态环境局2023年度工作情况报告如下" is enough.
Words and patterns come from kg/data/patterns/bulletin.json.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .facts import Area, BulletinInfo
from .gazetteer import Gazetteer
from .patterns import alternation, load_patterns
from .text import fold, lines

TITLE_SEARCH_LINES = 15
AREA_SEARCH_CHARS = 3000


@lru_cache(maxsize=1)
def _patterns():
    data = load_patterns("bulletin")
    return data, re.compile(data["year"]), re.compile(data["issuer"]), re.compile(data["report_intro"])


def find_title(text: str) -> tuple[str, int]:
    """The report's title and the offset where it ends: a short early line naming a year and a report word."""
    data, year_re, _, intro_re = _patterns()
    candidates = lines(text)[:TITLE_SEARCH_LINES]
    for index, (offset, line) in enumerate(candidates):
        intro = intro_re.search(line)
        if intro:
            return intro.group("title"), offset + intro.end("title")
        if len(line) > 60 or any(word in line for word in data["not_title"]):
            continue
        if year_re.search(line) and any(word in line for word in data["title_words"]):
            end = offset + len(line)
            if index + 1 < len(candidates):
                next_offset, next_line = candidates[index + 1]
                continued = line.endswith(tuple(data["title_continues"])) or (
                    next_line.startswith(tuple(data["title_continues"])) and len(next_line) <= 30)
                if continued:  # "…2024年工作总结" / "和2025年工作计划" on the next line
                    line, end = line + next_line, next_offset + len(next_line)
            return line, end
    match = intro_re.search(text[:2000])
    if match:
        return match.group("title"), match.end("title")
    return "", 0


def find_area(title: str, text: str, gazetteer: Gazetteer, issuer: str = "") -> Area | None:
    """The area named in the title, else in the issuing body's name (the smallest of a chain:
    杭州市余杭区 -> 余杭区; a branch bureau's county: 湖州市生态环境局安吉分局 -> 安吉县); else the
    prefecture or province most named early on."""
    for naming in (title, issuer):
        named = _named_area(naming, gazetteer)
        if named is not None:
            return named
    counts = Counter()
    for surface, _ in _surface_matches(text[:AREA_SEARCH_CHARS], gazetteer):
        area = gazetteer.resolve(surface)
        if area is not None and area.level != "county":
            counts[area] += 1
    return counts.most_common(1)[0][0] if counts else None


def _named_area(naming: str, gazetteer: Gazetteer) -> Area | None:
    chosen, chosen_end = None, 0
    for surface, start in _surface_matches(naming, gazetteer):
        area = gazetteer.resolve(surface, chosen)
        if area is None:
            continue
        if chosen is not None and chosen not in gazetteer.ancestors(area):
            break
        chosen, chosen_end = area, start + len(surface)
    if chosen is None:
        return None
    data = _patterns()[0]
    office = re.search(data["branch_office"], naming) or re.match(data["branch_after_area"], naming[chosen_end:])
    if office:  # 湖州市生态环境局德清分局, 上饶市婺源生态环境局: reports on 德清县, 婺源县
        chosen = gazetteer.child_named(chosen, office.group("branch")) or chosen
    return chosen


def _surface_matches(text: str, gazetteer: Gazetteer):
    """Gazetteer names in a text, longest first at each position, left to right."""
    names = _name_regex(gazetteer)
    for match in names.finditer(text):
        yield match.group(), match.start()


@lru_cache(maxsize=4)
def _name_regex(gazetteer: Gazetteer) -> re.Pattern:
    return re.compile(alternation(surface for surface, _ in gazetteer.names()))


def find_plan_start(text: str, title_end: int, report_year: int | None = None) -> tuple[int | None, int | None]:
    """Offset and year of the heading that opens the plan part, if any (a heading naming the report
    year or an earlier one, 二、2023年重点工作, is still the summary)."""
    data, year_re, _, _ = _patterns()
    for offset, line in lines(text):
        if offset < title_end or len(line) > data["heading_max_length"]:
            continue
        if any(word in line for word in data["plan_heading_words"]) and not any(
            word in line for word in data["plan_heading_not"]
        ):
            year = year_re.search(line)
            if year and report_year and int(year.group(1)) <= report_year:
                continue
            return offset, int(year.group(1)) if year else None
    return None, None


def read_bulletin_info(text: str, gazetteer: Gazetteer, *, area: Area | None = None,
                       year: int | None = None) -> BulletinInfo:
    """Detect title, area, issuer, report year and plan part; `area`/`year` override."""
    data, year_re, _, _ = _patterns()
    folded = fold(text)
    title, title_end = find_title(folded)
    named_issuer = _named_issuer(title, gazetteer) or _named_issuer(folded[:500], gazetteer)
    detected_area = area or find_area(title, folded, gazetteer, issuer=named_issuer)

    title_years = [int(y) for y in year_re.findall(title)]
    report_year = year or (title_years[0] if title_years else most_common_year(folded))
    all_plan = bool(title) and any(w in title for w in data["plan_only_words"]) and not any(
        w in title for w in data["summary_words"]
    )
    plan_start, plan_year = (0, None) if all_plan else find_plan_start(folded, title_end, report_year)
    if plan_start is not None and plan_year is None:
        later = [y for y in title_years if report_year and y > report_year]
        plan_year = later[0] if later else (report_year if all_plan else (report_year + 1 if report_year else None))

    if named_issuer and (area is None or area.name in named_issuer):
        issuer = named_issuer
    elif detected_area is not None:
        issuer = bureau_name(detected_area)
    else:
        issuer = ""
    return BulletinInfo(
        area=detected_area, issuer=issuer, title=title, report_year=report_year,
        plan_year=plan_year, plan_start=plan_start, all_plan=all_plan,
    )


def bureau_name(area: Area) -> str:
    """The usual name of an area's ecology and environment bureau: 广州市生态环境局, 浙江省生态环境厅."""
    return area.name + _patterns()[0]["bureau_suffix"][area.level]


def _named_issuer(text: str, gazetteer: Gazetteer) -> str:
    """The first bureau name in a text that starts with an area's name, e.g. 济南市生态环境局."""
    _, _, issuer_re, _ = _patterns()
    for match in issuer_re.finditer(text):
        candidate = match.group("issuer")
        for _surface, start in _surface_matches(candidate, gazetteer):
            return candidate[start:]
    return ""


def most_common_year(text: str) -> int | None:
    _, year_re, _, _ = _patterns()
    years = Counter(int(y) for y in year_re.findall(text[:AREA_SEARCH_CHARS]))
    return years.most_common(1)[0][0] if years else None
