"""Extractors: one module per kind of fact, each a function from a sentence Doc to facts."""
