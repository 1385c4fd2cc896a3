"""From one document's text to its facts: bulletin info, sentences, the spaCy pipeline."""
from __future__ import annotations

from spacy.language import Language

from .documents import Document
from .errors import DocumentError
from .facts import Area, Extraction
from .gazetteer import Gazetteer
from .metadata import read_bulletin_info
from .nlp import SentenceContext, sentence_doc
from .text import fold, sentences


def extract_text(name: str, sha256: str, text: str, nlp: Language, gazetteer: Gazetteer, *,
                 area: Area | None = None, year: int | None = None) -> Extraction:
    """Every fact of one document; DocumentError when its area or year cannot be found."""
    info = read_bulletin_info(text, gazetteer, area=area, year=year)
    if info.area is None:
        raise DocumentError(name, "no area (city or province) found in the title or opening; pass --area")
    if info.report_year is None:
        raise DocumentError(name, "no report year found in the title or opening; pass --year")
    spans = sentences(text)
    folded = fold(text)
    docs = (
        sentence_doc(nlp, folded[s.start:s.end], SentenceContext(
            info=info, evidence=s, part=info.part_at(s.start), gazetteer=gazetteer))
        for s in spans
    )
    facts = []
    for doc in nlp.pipe(docs):
        facts.extend(doc._.facts)
    return Extraction(name=name, sha256=sha256, info=info, sentences=tuple(spans), facts=tuple(facts))


def extract_document(document: Document, nlp: Language, gazetteer: Gazetteer, **overrides) -> Extraction:
    return extract_text(document.name, document.sha256, document.text, nlp, gazetteer, **overrides)
