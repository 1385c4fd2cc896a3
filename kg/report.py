"""Summaries for people: the table `kg build` prints at the end."""
from __future__ import annotations

from rich.table import Table

from .build import FACT_TYPES, BuildReport


def summary_table(report: BuildReport) -> Table:
    table = Table(title="envkg build", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("documents", str(report.documents))
    table.add_row("skipped documents", str(len(report.problems)))
    table.add_row("sentences", str(report.sentences))
    for kind in FACT_TYPES:
        table.add_row(f"{kind} facts", str(report.facts.get(kind, 0)))
    table.add_row("triples", str(report.triples))
    return table
