"""`kg explain`: each sentence with the facts found in it and the rule that found each."""
from __future__ import annotations

from .documents import read_document
from .extract import extract_document, extract_sentence
from .facts import AwardFact, Extraction, Fact, Observation, PlanFact, Target
from .gazetteer import Gazetteer
from .nlp import build_pipeline


def explain_file(path, gazetteer: Gazetteer, **overrides) -> Extraction:
    return extract_document(read_document(path), build_pipeline(gazetteer), gazetteer, **overrides)


def explain_sentence(text: str, gazetteer: Gazetteer, **options) -> Extraction:
    return extract_sentence(text, build_pipeline(gazetteer), gazetteer, **options)


def describe(fact: Fact) -> str:
    if isinstance(fact, Observation):
        change = f" change {fact.direction} {fact.change:g} {fact.change_unit}" if fact.change is not None else ""
        comparator = f"{fact.comparator} " if isinstance(fact, Target) else ""
        of = f" of={fact.of}" if fact.of else ""
        scope = f" scope={fact.scope}" if fact.scope else ""
        return (f"{fact.kind:<11} {fact.area.name} {fact.year} {fact.indicator} {comparator}{fact.value:g} "
                f"{fact.unit}{of}{scope}{change}")
    if isinstance(fact, AwardFact):
        count = f" count={fact.count}" if fact.count else ""
        return f"{fact.kind:<11} {fact.recipient.name} ← {fact.award} {fact.year}{count}"
    if isinstance(fact, PlanFact):
        return f"{fact.kind:<11} 《{fact.title}》 {fact.action or '-'} by {fact.issuer.name} {fact.year}"
    return repr(fact)


def format_explanation(extraction: Extraction, *, all_sentences: bool = False) -> str:
    info = extraction.info
    lines = [f"{extraction.name}: area {info.area.name if info.area else '?'}, issuer {info.issuer or '?'}, "
             f"report year {info.report_year}, plan year {info.plan_year or '-'}, "
             f"plan part from offset {info.plan_start if info.plan_start is not None else '-'}"]
    by_sentence: dict[int, list[Fact]] = {}
    for fact in extraction.facts:
        by_sentence.setdefault(fact.evidence.start, []).append(fact)
    for sentence in extraction.sentences:
        facts = by_sentence.get(sentence.start, [])
        if not facts and not all_sentences:
            continue
        lines.append(f"\n[{sentence.start}-{sentence.end}] {info.part_at(sentence.start)}: {sentence.text}")
        lines.extend(f"  {describe(fact)}    ({fact.source})" for fact in facts)
    return "\n".join(lines)
