"""A reference page of the envkg ontology and its indicator vocabulary, as Markdown or HTML.

    >>> text = render(load_reference(), "html")      # doctest: +SKIP

Everything on the page comes from ontology/envkg.ttl and ontology/indicators.ttl read
with rdflib: labels in zh and en, comments, superclasses and superproperties (the
alignments with PROV-O, SOSA, SKOS, QUDT, …), domains, ranges and units. The layout
lives in the Jinja templates kg/data/ontology_doc.{md,html}.j2; HTML is autoescaped and
self-contained (inline CSS, no scripts, nothing fetched). Same files, same page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from .errors import KgError
from .files import write_atomically
from .namespace import EK, INDICATOR_SCHEME, INDICATORS_TTL, ONTOLOGY_TTL, bind_prefixes

FORMATS = ("md", "html")
ONTOLOGY = URIRef("https://w3id.org/envkg/ontology")
QUDT_SYMBOL = URIRef("http://qudt.org/schema/qudt/symbol")


@dataclass(frozen=True)
class Term:
    """One class, property or individual as the page shows it."""

    curie: str
    iri: str
    label_en: str
    label_zh: str
    comment_en: str
    comment_zh: str
    parents: tuple[str, ...] = ()
    domain: str = ""
    range: str = ""
    characteristics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Indicator:
    key: str
    iri: str
    label_zh: str
    label_en: str
    unit: str
    unit_code: str
    alt_labels: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Reference:
    title_en: str
    title_zh: str
    description_en: str
    description_zh: str
    iri: str
    version_iri: str
    version: str
    license: str
    classes: tuple[Term, ...]
    object_properties: tuple[Term, ...]
    datatype_properties: tuple[Term, ...]
    individuals: tuple[Term, ...]
    alignments: tuple[tuple[str, str, str], ...]
    scheme: str
    scheme_label_en: str
    scheme_label_zh: str
    indicators: tuple[Indicator, ...] = field(default=())


def load_reference(ontology_path: Path = ONTOLOGY_TTL, indicators_path: Path = INDICATORS_TTL) -> Reference:
    """Read both ontology files into the page's records, everything sorted."""
    onto = _parse(ontology_path)
    vocab = _parse(indicators_path)
    own = str(EK._NS)

    def ours(kind):
        return sorted((t for t in onto.subjects(RDF.type, kind) if isinstance(t, URIRef) and str(t).startswith(own)),
                      key=lambda t: _curie(onto, t).lower())

    classes = tuple(_term(onto, c, parents=RDFS.subClassOf) for c in ours(OWL.Class))
    objects = tuple(_term(onto, p, parents=RDFS.subPropertyOf) for p in ours(OWL.ObjectProperty))
    datatypes = tuple(_term(onto, p, parents=RDFS.subPropertyOf) for p in ours(OWL.DatatypeProperty))
    individuals = tuple(_term(onto, i, parents=RDF.type) for i in ours(OWL.NamedIndividual))
    alignments = tuple(sorted(
        (_curie(onto, s), "subclass of" if p == RDFS.subClassOf else "subproperty of", _curie(onto, o))
        for p in (RDFS.subClassOf, RDFS.subPropertyOf) for s, o in onto.subject_objects(p)
        if isinstance(o, URIRef) and str(s).startswith(own) and not str(o).startswith(own)))
    return Reference(
        title_en=_text(onto, ONTOLOGY, DCTERMS.title, "en"), title_zh=_text(onto, ONTOLOGY, DCTERMS.title, "zh"),
        description_en=_text(onto, ONTOLOGY, DCTERMS.description, "en"),
        description_zh=_text(onto, ONTOLOGY, DCTERMS.description, "zh"),
        iri=str(ONTOLOGY), version_iri=str(onto.value(ONTOLOGY, OWL.versionIRI) or ""),
        version=str(onto.value(ONTOLOGY, OWL.versionInfo) or ""),
        license=str(onto.value(ONTOLOGY, DCTERMS.license) or ""),
        classes=classes, object_properties=objects, datatype_properties=datatypes, individuals=individuals,
        alignments=alignments, scheme=str(INDICATOR_SCHEME),
        scheme_label_en=_text(vocab, INDICATOR_SCHEME, SKOS.prefLabel, "en"),
        scheme_label_zh=_text(vocab, INDICATOR_SCHEME, SKOS.prefLabel, "zh"),
        indicators=tuple(_indicators(vocab)),
    )


def render(reference: Reference, fmt: str) -> str:
    """The page as Markdown ("md") or a self-contained HTML document ("html")."""
    if fmt not in FORMATS:
        raise KgError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    env = Environment(loader=PackageLoader("kg", "data"), autoescape=fmt == "html", undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    if fmt == "md":
        env.filters["cell"] = _md_cell
    return env.get_template(f"ontology_doc.{fmt}.j2").render(ref=reference)


def write_reference(fmt: str, out_path: Path | None = None) -> str:
    """Render the page; write it atomically to `out_path` when given. Returns the text."""
    text = render(load_reference(), fmt)
    if out_path is not None:
        write_atomically(Path(out_path), text)
    return text


# -- reading the graph ------------------------------------------------------------------

def _parse(path: Path) -> Graph:
    try:
        return bind_prefixes(Graph(bind_namespaces="core")).parse(path, format="turtle")
    except (OSError, SyntaxError, ValueError) as error:
        raise KgError(f"{path}: cannot read the ontology: {error}") from None


def _text(graph: Graph, subject, predicate, lang: str) -> str:
    values = sorted(str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal) and o.language == lang)
    return values[0] if values else ""


def _curie(graph: Graph, term) -> str:
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except ValueError:
            return f"<{term}>"
    return _expression(graph, term)


def _expression(graph: Graph, node) -> str:
    """A class or data range written briefly: A ∪ B, {"a", "b"}, xsd:string matching [0-9]{6}."""
    union = graph.value(node, OWL.unionOf)
    if union is not None:
        return " ∪ ".join(_curie(graph, m) for m in graph.items(union))
    one_of = graph.value(node, OWL.oneOf)
    if one_of is not None:
        return "{" + ", ".join(f'"{m}"' for m in graph.items(one_of)) + "}"
    base = graph.value(node, OWL.onDatatype)
    if base is not None:
        facets = [f"matching {graph.value(f, XSD.pattern)}" for f in graph.items(graph.value(node, OWL.withRestrictions))
                  if graph.value(f, XSD.pattern) is not None]
        return " ".join([_curie(graph, base), *facets])
    return "(anonymous)"


def _term(graph: Graph, term: URIRef, *, parents) -> Term:
    skip = {OWL.NamedIndividual, OWL.Class}
    characteristics = tuple(sorted(_curie(graph, t) for t in graph.objects(term, RDF.type)
                                   if t in (OWL.FunctionalProperty, OWL.TransitiveProperty)))
    return Term(
        curie=_curie(graph, term), iri=str(term),
        label_en=_text(graph, term, RDFS.label, "en"), label_zh=_text(graph, term, RDFS.label, "zh"),
        comment_en=_text(graph, term, RDFS.comment, "en"), comment_zh=_text(graph, term, RDFS.comment, "zh"),
        parents=tuple(sorted(_curie(graph, p) for p in graph.objects(term, parents) if p not in skip)),
        domain=" · ".join(sorted(_curie(graph, d) for d in graph.objects(term, RDFS.domain))),
        range=" · ".join(sorted(_curie(graph, r) for r in graph.objects(term, RDFS.range))),
        characteristics=characteristics,
    )


def _indicators(vocab: Graph) -> list[Indicator]:
    out = []
    for concept in vocab.subjects(RDF.type, EK.Indicator):
        unit = vocab.value(concept, EK.unit)
        out.append(Indicator(
            key=str(vocab.value(concept, SKOS.notation)), iri=str(concept),
            label_zh=_text(vocab, concept, SKOS.prefLabel, "zh"), label_en=_text(vocab, concept, SKOS.prefLabel, "en"),
            unit=_curie(vocab, unit) if unit is not None else "", unit_code=str(vocab.value(concept, EK.unitCode) or ""),
            alt_labels=tuple(sorted(str(a) for a in vocab.objects(concept, SKOS.altLabel) if a.language == "zh")),
            note=_text(vocab, concept, SKOS.scopeNote, "en"),
        ))
    return sorted(out, key=lambda i: i.key)


# -- output -----------------------------------------------------------------------------

def _md_cell(value) -> str:
    """Text for a Markdown table cell: pipes and HTML escaped, line breaks flattened."""
    text = " ".join(str(value).split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
