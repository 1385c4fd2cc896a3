"""From one document's text to its facts: bulletin info, sentences, the spaCy pipeline."""
from __future__ import annotations

from spacy.language import Language

from .documents import Document
from .errors import DocumentError, KgError
from .facts import Area, BulletinInfo, Evidence, Extraction
from .gazetteer import Gazetteer
from .metadata import bureau_name, find_area, most_common_year, read_bulletin_info
from .nlp import SentenceContext, sentence_facts
from .text import fold, sentences

#: Longer runs without a sentence end (。！？； or a line break) are no prose (flattened tables,
#: junk) and are not read: number reading slows down quadratically on them.
MAX_SENTENCE_CHARS = 2000


def extract_text(name: str, sha256: str, text: str, nlp: Language, gazetteer: Gazetteer, *,
                 area: Area | None = None, year: int | None = None) -> Extraction:
    """Every fact of one document; DocumentError when its area or year cannot be found."""
    info = read_bulletin_info(text, gazetteer, area=area, year=year)
    if info.area is None:
        raise DocumentError(name, "no area (city or province) found in the title or opening; pass --area")
    if info.report_year is None:
        raise DocumentError(name, "no report year found in the title or opening; pass --year")
    read = document_sentences(text, info, gazetteer)
    return Extraction(name=name, sha256=sha256, info=info, sentences=tuple(context.evidence for _, context in read),
                      facts=tuple(sentence_facts(nlp, read)))


def document_sentences(text: str, info: BulletinInfo, gazetteer: Gazetteer) -> list[tuple[str, SentenceContext]]:
    """The sentences of a document that are read, each folded and with its context."""
    folded = fold(text)
    return [
        (folded[s.start:s.end], SentenceContext(info=info, evidence=s, part=info.part_at(s.start), gazetteer=gazetteer))
        for s in sentences(text) if s.end - s.start <= MAX_SENTENCE_CHARS
    ]


def extract_document(document: Document, nlp: Language, gazetteer: Gazetteer, **overrides) -> Extraction:
    return extract_text(document.name, document.sha256, document.text, nlp, gazetteer, **overrides)


def extract_sentence(text: str, nlp: Language, gazetteer: Gazetteer, *, area: Area | None = None,
                     year: int | None = None, plan: bool = False) -> Extraction:
    """Facts of one sentence read as part of a bulletin of `area` and `year` (plan part if `plan`).

    Area and year default to those the sentence names itself.
    """
    area = area or find_area(text, text, gazetteer)
    year = year or most_common_year(fold(text))
    if area is None:
        raise KgError("no area in the sentence: pass --area, e.g. --area 广州市")
    if year is None:
        raise KgError("no year in the sentence: pass --year, e.g. --year 2023")
    info = BulletinInfo(area=area, issuer=bureau_name(area), title="", report_year=year,
                        plan_year=year if plan else None, plan_start=0 if plan else None, all_plan=plan)
    evidence = Evidence(text=text, start=0, end=len(text))
    facts = sentence_facts(nlp, [(fold(text), SentenceContext(info, evidence, info.part_at(0), gazetteer))])
    return Extraction(name="<sentence>", sha256="", info=info, sentences=(evidence,), facts=tuple(facts))
