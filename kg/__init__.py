"""envkg: Chinese environmental bulletins to an RDF knowledge graph.

The package reads as the pipeline: documents → text → nlp → extractors → facts →
graph → store / query / viz / evaluate, with cli.py on top.
"""

__version__ = "0.1.0"
