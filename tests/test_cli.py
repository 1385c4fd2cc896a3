"""The `kg` commands end to end through click's CliRunner: clean stdout, one-line errors."""
import csv
import io
import json
import shutil

import pytest
from click.testing import CliRunner

from kg.cli import cli

OBSERVATION_COLUMNS = ["doc", "area", "year", "indicator", "value", "unit", "of", "scope", "evidence"]


@pytest.fixture(scope="module")
def built(tmp_path_factory, seeds_dir):
    out = tmp_path_factory.mktemp("cli")
    result = CliRunner().invoke(cli, ["build", str(seeds_dir), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out / "graph.ttl"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_every_command_has_help():
    for name, command in cli.commands.items():
        assert command.help, f"kg {name} has no help text"
        result = run(name, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output


def test_build_prints_a_summary(built):
    assert built.is_file()
    result = run("build", built.parent.parent / "missing-folder", "-o", built.parent)
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("Error:") and "missing-folder" in result.stderr
    assert "Traceback" not in result.output


def test_build_summary_counts(tmp_path, seeds_dir):
    shutil.copy(seeds_dir / "002_d9a362fbed6fc341.txt", tmp_path)
    result = run("build", tmp_path, "-o", tmp_path / "out")
    assert result.exit_code == 0
    for row in ("documents", "sentences", "observation facts", "target facts", "award facts", "triples"):
        assert row in result.stderr
    assert result.stdout == ""


def test_build_with_nothing_readable_fails(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run("build", tmp_path, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "empty.txt: empty file" in result.stderr
    assert "nothing was built" in result.stderr


def test_query_observations_csv(built):
    result = run("query", "observations", "--graph", built, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == OBSERVATION_COLUMNS
    records = [dict(zip(rows[0], row)) for row in rows[1:]]
    assert {"doc": "001_15eb9a7c720f71b1.txt", "area": "济南市", "year": "2023", "indicator": "pm25",
            "value": "38", "unit": "μg/m3", "of": ""}.items() <= next(
        r for r in records if r["doc"].startswith("001") and r["indicator"] == "pm25").items()
    assert all(len(r["year"]) == 4 for r in records)


def test_query_engines_agree(built):
    outputs = {engine: run("query", "awards", "--graph", built, "--format", "json", "--engine", engine).stdout
               for engine in ("oxigraph", "rdflib")}
    assert json.loads(outputs["oxigraph"]) == json.loads(outputs["rdflib"])
    assert json.loads(outputs["oxigraph"])["head"]["vars"] == ["doc", "recipient", "award", "year", "evidence"]


def test_query_inline_and_params(built):
    result = run("query", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--graph", built, "--format", "csv")
    assert result.exit_code == 0 and int(result.stdout.splitlines()[1]) > 1000
    result = run("query", "awards-of-area", "--graph", built, "--param", "area=广州市", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert "从化区" in result.stdout and "济南" not in result.stdout


@pytest.mark.parametrize("args, message", [
    (["query", "no-such-query"], "no-such-query"),
    (["query", "-e", "SELECT WHERE {"], "syntax"),
    (["query", "awards-of-area", "--param", "nokey"], "KEY=VALUE"),
    (["query", "observations", "--graph", "/nonexistent/graph.ttl"], "/nonexistent/graph.ttl"),
    (["eval", "--gold", "/nonexistent/gold.jsonl"], "gold.jsonl"),
    (["explain", "--sentence", "没有地名的句子"], "--area"),
])
def test_errors_are_one_line(built, args, message):
    if "--graph" not in args and args[0] == "query":
        args = args + ["--graph", str(built)]
    if args[0] == "eval":
        args = args + ["--graph", str(built)]
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1


def test_corrupt_graph(tmp_path):
    broken = tmp_path / "graph.ttl"
    broken.write_text("<a> <b> .", encoding="utf-8")
    result = run("query", "observations", "--graph", broken)
    assert result.exit_code == 2 and str(broken) in result.stderr


def test_query_list(built):
    result = run("query", "--list")
    assert result.exit_code == 0
    for name in ("observations", "targets", "awards", "plans", "awards-of-area", "indicator-across-areas",
                 "targets-vs-results"):
        assert name in result.stdout


def test_eval_meets_the_bar_on_seeds(built, gold_path):
    result = run("eval", "--gold", gold_path, "--graph", built, "--misses", "--by-doc")
    assert result.exit_code == 0, result.stderr
    micro = next(line for line in result.stdout.splitlines() if line.lower().startswith("micro"))
    assert float(micro.split()[-1]) >= 0.80


def test_viz_writes_an_offline_page(built, tmp_path):
    page = tmp_path / "graph.html"
    result = run("viz", "--graph", built, "-o", page, "--type", "award")
    assert result.exit_code == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert "vis-network" in html or "vis.Network" in html
    assert 'src="http' not in html and 'href="http' not in html


def test_explain_sentence():
    result = run("explain", "--sentence", "2023年,成都市PM2.5平均浓度为31微克/立方米,同比下降2.2%。")
    assert result.exit_code == 0, result.stderr
    assert "pm25 31 μg/m3" in result.stdout and "measures/level" in result.stdout


def test_explain_file(seeds_dir):
    result = run("explain", seeds_dir / "003_14e99ec946930a51.txt")
    assert result.exit_code == 0
    assert "赣州市" in result.stdout and "plans/title-in-brackets" in result.stdout
