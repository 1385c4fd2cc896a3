"""The spaCy pipeline: spacy.blank("zh") with envkg's gazetteer, pattern and extractor components.

Every component is registered here, in one place, with what it reads and writes:

  area_ruler       span_ruler over the area gazetteer        → doc.spans["areas"]
  indicator_ruler  span_ruler over the indicator vocabulary  → doc.spans["indicators"]
  quantities       numbers and units (kg.numbers)            → doc.spans["quantities"]
  measures         observations and targets                  → doc._.facts
  awards           honours and their recipients              → doc._.facts
  plans            plan documents in 《》                    → doc._.facts

Each sentence is one Doc; doc._.context carries the document around it. `sentence_facts`
makes no Doc for a sentence in which measures cannot find a fact (most sentences of a
bulletin): awards and plans read its text directly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from .extractors import awards, measures, plans, quantities
from .facts import BulletinInfo, Evidence
from .gazetteer import Gazetteer, load_gazetteer
from .patterns import load_patterns
from .vocabulary import load_indicators


@dataclass
class SentenceContext:
    """What an extractor knows about the sentence it reads."""

    info: BulletinInfo
    evidence: Evidence          # the sentence as written in the document, with offsets
    part: str                   # "summary" | "plan"
    gazetteer: Gazetteer


def _register_extensions() -> None:
    if not Doc.has_extension("context"):
        Doc.set_extension("context", default=None)
        Doc.set_extension("facts", default=None)
    if not Doc.has_extension("sentence_text"):
        Doc.set_extension("sentence_text", default=None)  # Doc.text, kept: rebuilding it is slow
        Span.set_extension("quantity", default=None)


def _fact_component(extract):
    def component(doc: Doc) -> Doc:
        if doc._.context is not None:
            doc._.facts.extend(extract(doc))
        return doc
    return component


@Language.factory("envkg_quantities", assigns=["doc.spans"])
def make_quantities(nlp, name):
    return quantities.annotate


@Language.factory("envkg_measures", requires=["doc.spans"], assigns=["doc._.facts"])
def make_measures(nlp, name):
    return _fact_component(measures.extract)


@Language.factory("envkg_awards", requires=["doc.spans"], assigns=["doc._.facts"])
def make_awards(nlp, name):
    return _fact_component(awards.extract)


@Language.factory("envkg_plans", assigns=["doc._.facts"])
def make_plans(nlp, name):
    return _fact_component(plans.extract)


def build_pipeline(gazetteer: Gazetteer | None = None) -> Language:
    """A fresh pipeline; building it reads the gazetteer, vocabulary and pattern files."""
    _register_extensions()
    gazetteer = gazetteer or load_gazetteer()
    nlp = spacy.blank("zh")
    area_ruler = nlp.add_pipe("span_ruler", name="area_ruler", config={
        "spans_key": "areas", "spans_filter": {"@misc": "spacy.first_longest_spans_filter.v1"}})  # 安吉县, not 吉县
    area_ruler.add_patterns([
        {"label": "AREA", "pattern": surface, "id": name} for surface, name in gazetteer.names()
    ])
    indicator_ruler = nlp.add_pipe("span_ruler", name="indicator_ruler", config={"spans_key": "indicators"})
    indicator_ruler.add_patterns(_indicator_patterns())
    nlp.add_pipe("envkg_quantities", name="quantities")
    nlp.add_pipe("envkg_measures", name="measures")
    nlp.add_pipe("envkg_awards", name="awards")
    nlp.add_pipe("envkg_plans", name="plans")
    return nlp


def _indicator_patterns() -> list[dict]:
    patterns = [
        {"label": "INDICATOR", "pattern": form, "id": indicator.key}
        for indicator in load_indicators().values()
        for form in indicator.surface_forms
    ]
    patterns += [
        {"label": "NOT_INDICATOR", "pattern": form, "id": ""}
        for form in load_patterns("measures")["distractors"]
    ]
    return patterns


def sentence_facts(nlp: Language, sentences: list[tuple[str, SentenceContext]], *, precheck: bool = True) -> list:
    """The facts of (folded) sentences with their contexts, in order; what `nlp` finds in each.

    With `precheck`, a sentence for which measures.could_match is false gets no Doc: the
    components after measures that need none (awards, plans) read its text, in pipeline order.
    The facts are the same either way (tests/test_precheck.py).
    """
    needs_doc = [not precheck or measures.could_match(text) for text, _ in sentences]
    docs = nlp.pipe(sentence_doc(nlp, text, context)
                    for (text, context), needed in zip(sentences, needs_doc) if needed)
    facts = []
    for (text, context), needed in zip(sentences, needs_doc):
        if needed:
            facts.extend(next(docs)._.facts)
        else:
            facts.extend(awards.extract_text(text, context))
            facts.extend(plans.extract_text(text, context))
    return facts


#: Texts that spaCy's "char" segmenter cuts into one token per character, no token with a space.
_CHARACTER_TOKENS = re.compile(r"\S*")


def _char_doc(nlp: Language, text: str) -> Doc:
    """nlp.make_doc(text) for a text without whitespace, built directly: the zh tokenizer's
    alignment of words to text (spacy.util.get_words_and_spaces) is quadratic in its length."""
    if getattr(nlp.tokenizer, "segmenter", None) != "char":
        return nlp.make_doc(text)
    return Doc(nlp.vocab, words=list(text), spaces=[False] * len(text))


def sentence_doc(nlp: Language, text: str, context: SentenceContext) -> Doc:
    """A Doc for one (folded) sentence, ready for the pipeline."""
    _register_extensions()
    doc = _char_doc(nlp, text) if _CHARACTER_TOKENS.fullmatch(text) else nlp.make_doc(text)
    doc._.context = context
    doc._.facts = []
    doc._.sentence_text = text
    return doc
