"""The `kg` command line: argument parsing over the library, one call per command."""
import click


@click.group()
def cli():
    """envkg: build, query and explore a knowledge graph of environmental bulletins."""
