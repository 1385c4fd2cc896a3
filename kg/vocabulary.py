"""The indicator vocabulary, read from ontology/indicators.ttl (the one source of it).

Each indicator has a key (skos:notation), a unit code and the Chinese surface forms
the extractor matches: skos:prefLabel, skos:altLabel and skos:hiddenLabel in zh.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from .namespace import EK, ONTOLOGY_DIR

INDICATORS_FILE = ONTOLOGY_DIR / "indicators.ttl"


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
        forms = {str(lit) for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
                 for lit in graph.objects(concept, prop) if lit.language == "zh"}
        found[key] = Indicator(
            key=key,
            label_zh=labels.get("zh", key),
            label_en=labels.get("en", key),
            unit=str(graph.value(concept, EK.unitCode)),
            surface_forms=tuple(sorted(forms)),
        )
    return dict(sorted(found.items()))
