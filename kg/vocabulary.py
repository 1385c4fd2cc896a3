"""The indicator vocabulary, read from ontology/indicators.ttl (the one source of it).

Each indicator has a key (skos:notation), a unit code and the Chinese surface forms
the extractor matches: skos:prefLabel, skos:altLabel and skos:hiddenLabel in zh, folded like
the text and spelled in the variants of kg/data/patterns/label_variants.json.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from .namespace import EK, INDICATORS_TTL
from .patterns import load_patterns
from .text import fold

INDICATORS_FILE = INDICATORS_TTL


@dataclass(frozen=True)
class Indicator:
    key: str
    label_zh: str
    label_en: str
    unit: str
    surface_forms: tuple[str, ...]


@lru_cache(maxsize=4)
def load_indicators(path: Path = INDICATORS_FILE) -> dict[str, Indicator]:
    graph = Graph()
    graph.parse(path, format="turtle")
    found = {}
    for concept in graph.subjects(RDF.type, EK.Indicator):
        key = str(graph.value(concept, SKOS.notation))
        labels = {lit.language: str(lit) for lit in graph.objects(concept, SKOS.prefLabel)}
        labels_zh = {str(lit) for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
                     for lit in graph.objects(concept, prop) if lit.language == "zh"}
        unit = str(graph.value(concept, EK.unitCode))
        forms = labels_zh | concentration_forms(labels_zh, unit)
        found[key] = Indicator(
            key=key,
            label_zh=labels.get("zh", key),
            label_en=labels.get("en", key),
            unit=unit,
            surface_forms=tuple(sorted({variant for form in forms for variant in spelling_variants(form)})),
        )
    return dict(sorted(found.items()))


def spelling_variants(label: str) -> set[str]:
    """The label folded, with its class numerals and range marks in every style of label_variants.json."""
    rules = load_patterns("label_variants")
    folded = fold(label)
    numbered = {folded} | {folded.translate(str.maketrans(style)) for style in rules["numeral_styles"]}
    marks = rules["range_marks"]
    spelled = {form.replace("~", mark) for form in numbered for mark in marks} | numbered
    return spelled | {form.lower() for form in spelled}


def concentration_forms(labels: set[str], unit: str) -> set[str]:
    """For a pollutant measured as a concentration, each of its names with each concentration head:
    '细颗粒物(PM2.5)平均浓度' gives 细颗粒物, PM2.5 and 细颗粒物(PM2.5) with 年均浓度, 浓度, ..."""
    rules = load_patterns("label_variants")
    if unit not in rules["concentration_units"]:
        return set()
    heads = sorted(rules["concentration_heads"], key=len, reverse=True)
    names = set()
    for label in map(fold, labels):
        head = next((h for h in heads if label.endswith(h) and len(label) > len(h)), None)
        if head is None:
            continue
        name = label[: -len(head)]
        names.add(name)
        bracketed = re.fullmatch(r"(?P<outer>[^()]+)\((?P<inner>[^()]+)\)", name)
        if bracketed:
            names.update(bracketed.group("outer", "inner"))
    return {name + head for name in names for head in heads}
