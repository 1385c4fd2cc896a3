"""kg push and kg query --endpoint against real triple stores on loopback: the Oxigraph server
(the `oxigraph` PyPI package's binary) and Virtuoso open source (Debian's virtuoso-opensource).

Each store gets the seeds graph through `kg push`; then every named query runs there with
the parameters it declares (values taken from the seeds) and its rows must equal, row for
row and term for term, what the embedded engine gives. The only normalisation is the one
kg.store applies to every engine: a number in canonical lexical form (Virtuoso and
Oxigraph both write 23 for 23.0 already) and every xsd integer type as xsd:integer
(Virtuoso stores xsd:nonNegativeInteger as xsd:integer). Language tags, gYear literals,
strings and IRIs are compared as they are. `.ci/run` installs both servers; a missing
binary fails these tests.
"""
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from storecheck import assert_same_results

from kg.cli import cli
from kg.httpclient import StoreError
from kg.push import push_graph, read_graph
from kg.remote import RemoteStore
from kg.store import open_store

VIRTUOSO_INI = Path(__file__).parent / "fixtures" / "virtuoso.ini"
SEEDS_GRAPH_IRI = "https://w3id.org/envkg/graph/seeds"
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"no answer from {url} within {seconds} s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def binary(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} not found: .ci/run installs it (see the README, Stores)"
    return path


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """An Oxigraph server (read-write) on a free port: yields its base URL."""
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen([binary("oxigraph"), "serve", "--location", str(location),
                                "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/query?query=ASK%7B%7D", process, 30)
        yield base
    finally:
        stop(process)


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """Virtuoso open source on free ports with anonymous SPARQL updates allowed: yields its base URL.

    Uploads go through /sparql-graph-crud, which runs as the SPARQL user; granting that
    user SPARQL_UPDATE (through isql as dba, whose password is dba in a fresh database)
    is what lets the Graph Store Protocol write.
    """
    folder = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.read_text(encoding="utf-8").format(sql_port=sql_port, http_port=http_port),
                   encoding="utf-8")
    process = subprocess.Popen([binary("virtuoso-t"), "+foreground", "+configfile", str(ini)], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_until_up(f"{base}/sparql?query=ASK%7B%7D", process, 90)
        grant = subprocess.run([binary("isql-vt"), f"127.0.0.1:{sql_port}", "dba", "dba",
                                'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
                               capture_output=True, text=True, timeout=60)
        assert grant.returncode == 0, grant.stdout + grant.stderr
        yield base
    finally:
        stop(process)


@pytest.fixture(scope="session")
def embedded(seeds_graph):
    return open_store(seeds_graph, "oxigraph")


# -- Oxigraph server -------------------------------------------------------------------

def test_oxigraph_default_graph_push_and_every_query(oxigraph_server, seeds_graph, embedded):
    result = CliRunner().invoke(cli, ["push", "--endpoint", f"{oxigraph_server}/store", "--graph",
                                      str(seeds_graph), "--replace"])
    assert result.exit_code == 0, result.output
    n = embedded.triple_count()
    assert result.stderr.strip() == (f"uploaded {n} triples; replaced {oxigraph_server}/store?default, "
                                     f"which now holds {n}")
    assert_same_results(embedded, RemoteStore(f"{oxigraph_server}/query"))


def test_oxigraph_named_graph_post_then_put(oxigraph_server, seeds_graph, embedded):
    endpoint = f"{oxigraph_server}/store"
    n = embedded.triple_count()
    first = push_graph(seeds_graph, endpoint, into=SEEDS_GRAPH_IRI, replace=True)
    again = push_graph(seeds_graph, endpoint, into=SEEDS_GRAPH_IRI)  # POST of the same triples: a no-op
    assert (first.uploaded, first.stored, again.stored) == (n, n, n)
    assert_same_results(embedded, RemoteStore(f"{oxigraph_server}/query", default_graph=SEEDS_GRAPH_IRI))


def test_kg_query_endpoint_option(oxigraph_server, seeds_graph):
    push_graph(seeds_graph, f"{oxigraph_server}/store", into=SEEDS_GRAPH_IRI, replace=True)
    args = ["query", "indicator-timeline", "--param", "area=深圳市", "--param", "indicator=pm25", "--format", "csv"]
    remote = CliRunner().invoke(cli, [*args, "--endpoint", f"{oxigraph_server}/query",
                                      "--default-graph", SEEDS_GRAPH_IRI])
    local = CliRunner().invoke(cli, [*args, "--graph", str(seeds_graph)])
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout
    assert "2021,18,μg/m3" in remote.stdout


def test_push_adds_to_a_graph_that_holds_other_triples(oxigraph_server, seeds_graph, tmp_path, embedded):
    extra = tmp_path / "extra.ttl"
    extra.write_text('<urn:x:a> <urn:x:b> "c" .\n_:b <urn:x:b> "blank" .\n', encoding="utf-8")
    endpoint, graph = f"{oxigraph_server}/store", "urn:envkg:test:mixed"
    push_graph(extra, endpoint, into=graph, replace=True)
    report = push_graph(seeds_graph, endpoint, into=graph)
    assert (report.uploaded, report.expected, report.stored) == (embedded.triple_count(),) + (
        embedded.triple_count() + 2,) * 2
    assert len(read_graph(f"{endpoint}?graph={graph}")) == embedded.triple_count() + 2


def test_push_to_a_wrong_url_names_the_status(oxigraph_server, seeds_graph):
    result = CliRunner().invoke(cli, ["push", "--endpoint", f"{oxigraph_server}/nothing-here",
                                      "--graph", str(seeds_graph)])
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and line.startswith("Error: ")
    assert "HTTP 404" in line and "Graph Store endpoint" in line


def test_push_to_a_read_only_store_is_refused(tmp_path, seeds_graph):
    location = tmp_path / "ro"
    subprocess.run([binary("oxigraph"), "load", "--location", str(location), "--file", str(seeds_graph)],
                   check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen([binary("oxigraph"), "serve-read-only", "--location", str(location),
                                "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", process, 30)
        with pytest.raises(StoreError, match=r"refused the upload: .*HTTP 403"):
            push_graph(seeds_graph, f"http://127.0.0.1:{port}/store", replace=True)
    finally:
        stop(process)


def test_push_to_an_unreachable_store(seeds_graph):
    port = free_port()  # nothing listens there
    result = CliRunner().invoke(cli, ["push", "--endpoint", f"http://127.0.0.1:{port}/store",
                                      "--graph", str(seeds_graph)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: cannot reach http://127.0.0.1:{port}/store?default")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("url", ["ftp://example.org/store", "localhost:7878/store", "not a url"])
def test_push_refuses_a_url_that_is_not_http(seeds_graph, url):
    with pytest.raises(StoreError, match="not an http:// or https:// URL"):
        push_graph(seeds_graph, url)


def test_push_of_a_missing_graph(tmp_path):
    result = CliRunner().invoke(cli, ["push", "--endpoint", "http://127.0.0.1:9/store",
                                      "--graph", str(tmp_path / "none.ttl")])
    assert result.exit_code == 2 and "none.ttl: graph file not found" in result.stderr


# -- Virtuoso --------------------------------------------------------------------------

def test_virtuoso_named_graph_push_and_every_query(virtuoso_server, seeds_graph, embedded):
    endpoint = f"{virtuoso_server}/sparql-graph-crud"
    n = embedded.triple_count()
    report = push_graph(seeds_graph, endpoint, into=SEEDS_GRAPH_IRI, replace=True)
    assert (report.uploaded, report.stored) == (n, n)
    again = push_graph(seeds_graph, endpoint, into=SEEDS_GRAPH_IRI)
    assert again.stored == n
    assert_same_results(embedded, RemoteStore(f"{virtuoso_server}/sparql", default_graph=SEEDS_GRAPH_IRI))
