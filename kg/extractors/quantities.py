"""The quantities component: numbers with their units as spans of the sentence Doc."""
from __future__ import annotations

from spacy.tokens import Doc

from ..numbers import find_quantities
from .common import sentence_text


def annotate(doc: Doc) -> Doc:
    spans = []
    for quantity in find_quantities(sentence_text(doc)):
        span = doc.char_span(quantity.start, quantity.end, label=quantity.unit or "NUMBER",
                             alignment_mode="expand")
        if span is not None:
            span._.quantity = quantity
            spans.append(span)
    doc.spans["quantities"] = spans
    return doc


def quantities_of(doc: Doc):
    """The Quantity records of a Doc, left to right."""
    return [span._.quantity for span in doc.spans.get("quantities", [])]
