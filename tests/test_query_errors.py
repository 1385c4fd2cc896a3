"""`kg query` refuses bad queries, names, graphs and parameters with one line and exit status 2."""
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kg.cli import cli

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRAPH = os.path.join(REPO, "tests", "fixtures", "mini.ttl")


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("graphs")
    corrupt = folder / "corrupt.ttl"
    corrupt.write_text("@prefix ek: <https://w3id.org/envkg/ontology#> .\nek:a ek:b", encoding="utf-8")
    binary = folder / "binary.ttl"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    return {"corrupt": corrupt, "binary": binary, "missing": folder / "missing.ttl", "folder": folder}


CASES = [
    (["-e", "SELECT ?x WHERE { ?x ?p "], "good", "syntax error"),
    (["-e", "this is not sparql"], "good", "syntax error"),
    (["no-such-query"], "good", "no-such-query"),
    (["observations"], "missing", "graph file not found"),
    (["observations"], "corrupt", "cannot parse the graph"),
    (["observations"], "binary", "cannot"),
    (["observations"], "folder", "not a file"),
    (["observations", "--param", "year=20x3"], "good", "year"),
    (["observations", "--param", "colour=red"], "good", "colour"),
    (["observations", "--param", "year"], "good", "KEY=VALUE"),
    (["awards-of-area"], "good", "area"),
    ([], "good", "give a query NAME"),
]


def _graph(graphs, which):
    return GRAPH if which == "good" else str(graphs[which])


@pytest.mark.parametrize("args, which, message", CASES)
def test_cli_runner(graphs, args, which, message):
    result = CliRunner().invoke(cli, ["query", *args, "--graph", _graph(graphs, which)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and message in line


@pytest.mark.parametrize("args, which, message", CASES[:7])
def test_subprocess(graphs, args, which, message):
    done = subprocess.run([sys.executable, "-m", "kg", "query", *args, "--graph", _graph(graphs, which)],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": REPO}, timeout=120)
    assert done.returncode == 2
    assert done.stdout == "" and "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("Error: ") and message in line
