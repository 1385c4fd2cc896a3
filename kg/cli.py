"""The `kg` command line: argument parsing over the library, one call per command.

Library errors (KgError) become one-line messages and a non-zero exit; data goes to
stdout, progress and summaries to stderr.
"""
from __future__ import annotations

from pathlib import Path

import click

from .errors import KgError

DEFAULT_SEEDS = Path("seeds")
DEFAULT_OUT = Path("out")
DEFAULT_GRAPH = DEFAULT_OUT / "graph.ttl"


class KgGroup(click.Group):
    """Turns a KgError raised by any command into a clean one-line error (exit 2)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KgError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(2)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


graph_option = click.option("--graph", "graph_path", type=click.Path(path_type=Path), default=DEFAULT_GRAPH,
                            show_default=True, help="The graph file (Turtle) built by `kg build`.")
area_option = click.option("--area", help="The area, overriding what is detected, e.g. 广州市.")
year_option = click.option("--year", type=click.IntRange(1900, 2100), help="The report year, overriding detection.")


@click.group(cls=KgGroup)
@click.version_option(package_name="envkg")
def cli():
    """envkg: build, query and explore a knowledge graph of Chinese environmental bulletins."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Folder for graph.ttl.")
@area_option
@year_option
@click.option("-j", "--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes for extraction (the output does not depend on it).")
@click.option("--format", "formats", default="ttl", show_default=True, metavar="LIST",
              help="Graph formats, comma-separated: ttl,nt,nq,jsonld (Turtle is always written).")
@click.option("--no-cache", is_flag=True, help="Extract every document again; do not read or write the cache.")
@click.option("--cache-dir", type=click.Path(path_type=Path), help="Extraction cache folder [default: OUT/.cache].")
def build(paths, out_dir, area, year, workers, formats, no_cache, cache_dir):
    """Extract facts from bulletins (files or folders; default seeds/) into OUT/graph.ttl and OUT/void.ttl."""
    from rich.console import Console
    from rich.progress import Progress

    from .build import build as run_build
    from .build import check_out_dir
    from .report import summary_table

    check_out_dir(out_dir)
    console = Console(stderr=True)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("extracting", total=None)
        report = run_build(
            paths or [DEFAULT_SEEDS], out_dir, area=area, year=year, workers=workers, formats=formats,
            cache=not no_cache, cache_dir=cache_dir,
            on_start=lambda total: progress.update(task, total=total),
            on_document=lambda name: progress.update(task, advance=1, description=name),
        )
    for problem in report.problems:
        click.echo(f"skipped {problem}", err=True)
    if report.graph_path is None:
        raise KgError("no document could be read: nothing was built")
    console.print(summary_table(report))
    console.print("wrote " + ", ".join(str(path) for path in report.files))


@cli.command()
@click.argument("name", required=False)
@click.option("-e", "--expression", help="A SPARQL query given on the command line.")
@graph_option
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True)
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True,
              help="The SPARQL engine.")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries with their parameters.")
@click.option("--endpoint", metavar="URL", help="Run on a remote SPARQL endpoint instead of the graph file.")
@click.option("--default-graph", metavar="IRI", help="With --endpoint: the named graph to query as default graph.")
def query(name, expression, graph_path, params, fmt, engine, list_queries, endpoint, default_graph):
    """Run a named query (queries/NAME.rq), a .rq file, or -e 'SPARQL' over the graph."""
    from . import query as queries
    from .remote import RemoteStore
    from .store import open_store

    if list_queries:
        click.echo(queries.format_query_list(queries.list_queries()))
        return
    if bool(name) == bool(expression):
        raise KgError("give a query NAME or FILE.rq, or -e 'SPARQL' (see `kg query --list`)")
    named = queries.inline_query(expression) if expression else queries.load_query(name)
    bindings = queries.parse_params(named, list(params))
    store = RemoteStore(endpoint, default_graph) if endpoint else open_store(graph_path, engine)
    result = queries.run_query(store, named, bindings)
    click.echo(queries.format_result(result, fmt), nl=False)


@cli.command()
@graph_option
@click.option("-o", "--out", "out_path", type=click.Path(path_type=Path), default=DEFAULT_OUT / "graph.html",
              show_default=True)
@click.option("--area", help="Only facts of this area (name or code) and the areas within it, e.g. 广州市.")
@click.option("--year", type=click.IntRange(1900, 2100), help="Only facts of this year.")
@click.option("--type", "fact_type", type=click.Choice(["observation", "target", "award", "plan"]),
              help="Only facts of this type.")
@click.option("--indicator", help="Only facts of this indicator key, e.g. pm25.")
@click.option("--query", "query_name", metavar="NAME|FILE.rq",
              help="Draw what a SELECT or CONSTRUCT query returns (a named query or a .rq file; see README).")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A parameter of --query (repeatable).")
def viz(graph_path, out_path, area, year, fact_type, indicator, query_name, params):
    """Draw the graph as an interactive HTML page that opens offline."""
    from .viz import draw

    page = draw(graph_path, out_path, area=area, year=year, fact_type=fact_type, indicator=indicator,
                query=query_name, params=list(params))
    click.echo(f"wrote {page.path} ({page.nodes} nodes, {page.edges} edges)", err=True)


@cli.command()
@graph_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def stats(graph_path, fmt):
    """Network figures: degree and betweenness of areas and awards, components, shared awards and indicators."""
    from .stats import graph_stats

    click.echo(graph_stats(graph_path, fmt), nl=False)


@cli.command()
@graph_option
@click.option("-o", "--out", "out_path", type=click.Path(path_type=Path), default=DEFAULT_OUT / "report.html",
              show_default=True)
def report(graph_path, out_path):
    """Write a self-contained HTML report: indicators, targets against results, honours, plans, charts."""
    from .report_page import write_report

    written = write_report(graph_path, out_path)
    click.echo(f"wrote {written.path} ({written.areas} areas, {written.figures} facts)", err=True)


@cli.command(name="eval")
@click.option("--gold", "gold_path", type=click.Path(path_type=Path), help="Gold facts (JSONL) of built bulletins.")
@click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path),
              help="Instead of --gold: a folder of annotated sentences (*.jsonl), extracted and scored here.")
@graph_option
@click.option("--misses", is_flag=True, help="List missed and spurious facts with their sentences.")
@click.option("--by-doc", is_flag=True, help="Add figures per document (per entry for --corpus).")
def evaluate(gold_path, corpus_dir, graph_path, misses, by_doc):
    """Score facts against gold facts: precision, recall, F1 per type.

    With --gold, the facts of the built graph; with --corpus, the extractor's facts of each
    annotated sentence (see tests/corpus/).
    """
    from .evaluate import format_report

    if bool(gold_path) == bool(corpus_dir):
        raise KgError("give --gold FILE (to score the built graph) or --corpus DIR (to score a sentence corpus)")
    if corpus_dir:
        from .corpus import load_corpus, score_corpus
        from .gazetteer import load_gazetteer
        from .nlp import build_pipeline

        gazetteer = load_gazetteer()
        report = score_corpus(load_corpus(corpus_dir), build_pipeline(gazetteer), gazetteer)
    else:
        from .evaluate import load_gold, predictions_from_store, score
        from .store import open_store

        report = score(load_gold(gold_path), predictions_from_store(open_store(graph_path)))
    click.echo(format_report(report, misses=misses, by_doc=by_doc))


@cli.command()
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--sentence", help="Explain one sentence instead of a file.")
@area_option
@year_option
@click.option("--plan", is_flag=True, help="Read --sentence as part of a plan.")
@click.option("--all", "all_sentences", is_flag=True, help="Show sentences without facts too.")
def explain(file, sentence, area, year, plan, all_sentences):
    """Show each sentence's facts and the component and pattern that produced each."""
    from .build import resolve_area_option
    from .explain import explain_file, explain_sentence, format_explanation
    from .gazetteer import load_gazetteer

    if bool(file) == bool(sentence):
        raise KgError("give a FILE or --sentence 'TEXT'")
    gazetteer = load_gazetteer()
    area_override = resolve_area_option(area, gazetteer)
    if sentence:
        extraction = explain_sentence(sentence, gazetteer, area=area_override, year=year, plan=plan)
    else:
        extraction = explain_file(file, gazetteer, area=area_override, year=year)
    click.echo(format_explanation(extraction, all_sentences=all_sentences))


@cli.command()
@click.option("--docs", default="1000,10000", show_default=True, metavar="N,N",
              help="Corpus sizes to build (the largest is also queried).")
@click.option("-j", "--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="Build workers.")
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=DEFAULT_OUT / "bench", show_default=True,
              help="Folder for the synthetic corpus and the builds (replaced).")
@click.option("--repeats", type=click.IntRange(1, 1000), default=20, show_default=True,
              help="Runs per query on Oxigraph (rdflib: a quarter, at least 3).")
@click.option("--rdflib-timeout", type=click.FloatRange(1), default=90, show_default=True,
              help="Seconds after which an rdflib query is given up.")
@click.option("--queries/--no-queries", default=True, show_default=True,
              help="Measure the named queries on the largest graph.")
def bench(docs, workers, folder, repeats, rdflib_timeout, queries):
    """Measure extraction speed, build time and memory, and query latency on a synthetic corpus."""
    import sys

    from .bench import BenchSettings, format_bench, run_bench

    try:
        sizes = tuple(sorted({int(part) for part in docs.split(",") if part.strip()}))
    except ValueError:
        raise KgError(f"--docs {docs}: give corpus sizes such as 1000,10000") from None
    if not sizes or sizes[0] < 1:
        raise KgError(f"--docs {docs}: give corpus sizes such as 1000,10000")
    settings = BenchSettings(sizes=sizes, workers=workers, folder=folder, repeats=repeats,
                             rdflib_repeats=max(3, repeats // 4), rdflib_timeout=rdflib_timeout,
                             seeds=DEFAULT_SEEDS, queries=queries)
    result = run_bench(settings, log=lambda line: click.echo(line, err=True))
    click.echo(format_bench(result, "kg " + " ".join(sys.argv[1:])))


@cli.command()
@graph_option
@click.pass_context
def validate(ctx, graph_path):
    """Check the graph against the SHACL shapes of ontology/shapes.ttl.

    Prints each violation (focus node, path, message, value, evidence sentence) and a
    count; exits 0 when the graph conforms, 1 when there are violations, 2 on errors.
    """
    from .validate import format_report, validate_graph

    report = validate_graph(graph_path)
    click.echo(format_report(report))
    if not report.conforms:
        ctx.exit(1)


@cli.command()
@graph_option
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="The port on 127.0.0.1 (0 picks a free one).")
def serve(graph_path, port):
    """Serve the graph read-only over the SPARQL 1.1 Protocol, with a query page, on 127.0.0.1."""
    from .serve import make_server

    server = make_server(graph_path, port=port)
    click.echo(f"serving {graph_path} at {server.url} (SPARQL endpoint {server.url}sparql); Ctrl-C stops",
               err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@cli.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The store's Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store.")
@graph_option
@click.option("--into", "graph_iri", metavar="GRAPH_IRI", help="A named graph to upload into (default: the default graph).")
@click.option("--replace", is_flag=True, help="Replace the target graph (PUT) instead of adding to it (POST).")
def push(endpoint, graph_path, graph_iri, replace):
    """Upload the graph into a triple store (SPARQL 1.1 Graph Store HTTP Protocol) and check the count."""
    from .push import push_graph

    click.echo(push_graph(graph_path, endpoint, into=graph_iri, replace=replace).summary(), err=True)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option("-o", "--out", "out_path", type=click.Path(path_type=Path), help="Write to FILE instead of stdout.")
def ontology(fmt, out_path):
    """Write a reference page of the ontology and the indicator vocabulary (Markdown or HTML)."""
    from .ontology_doc import write_reference

    text = write_reference(fmt, out_path)
    if out_path is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"wrote {out_path}", err=True)


def main():
    cli()
