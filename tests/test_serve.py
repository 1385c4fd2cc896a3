"""kg serve: a read-only SPARQL 1.1 Protocol endpoint with an offline query page."""
import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from storecheck import assert_same_results

from kg.errors import GraphError
from kg.query import list_queries
from kg.remote import RemoteStore
from kg.serve import ServeError, make_server
from kg.store import open_store


@pytest.fixture(scope="module")
def server(seeds_graph):
    srv = make_server(seeds_graph, port=0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def call(url, *, data=None, headers=None, method=None):
    """(status, content type, body text) of one request."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as answer:
            return answer.status, answer.headers.get_content_type(), answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read().decode("utf-8")


def get(server, query, accept="application/sparql-results+json"):
    return call(f"{server.url}sparql?" + urlencode({"query": query}), headers={"Accept": accept})


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def test_every_named_query_matches_kg_query(server, seeds_graph):
    assert_same_results(open_store(seeds_graph, "oxigraph"), RemoteStore(f"{server.url}sparql"))


def test_get_post_form_and_post_query_agree(server, seeds_graph):
    triples = open_store(seeds_graph).triple_count()
    status, kind, body = get(server, COUNT)
    assert (status, kind) == (200, "application/sparql-results+json")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(triples)
    form = call(f"{server.url}sparql", data=urlencode({"query": COUNT}).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"})
    direct = call(f"{server.url}query", data=COUNT.encode(), headers={"Content-Type": "application/sparql-query"})
    assert form[2] == direct[2] == body


def test_formats_follow_the_accept_header(server):
    query = 'SELECT ?label WHERE { eki:pm25 skos:prefLabel ?label FILTER(LANG(?label) = "zh") }'
    status, kind, body = get(server, query, "text/csv")
    assert (status, kind, body) == (200, "text/csv", "label\r\n细颗粒物(PM2.5)浓度\r\n")
    assert get(server, query, "text/tab-separated-values")[2] == '?label\n"细颗粒物(PM2.5)浓度"@zh\n'
    assert get(server, query, "application/sparql-results+xml")[1] == "application/sparql-results+xml"
    assert get(server, query, "text/html;q=0.9, */*;q=0.1")[1] == "application/sparql-results+json"
    assert get(server, query, "image/png")[0] == 406


def test_construct_and_ask(server):
    status, kind, body = get(server, "CONSTRUCT WHERE { eki:pm25 ek:unitCode ?u }", "*/*")
    assert (status, kind) == (200, "text/turtle")
    assert '"μg/m3"' in body
    nt = get(server, "CONSTRUCT WHERE { eki:pm25 ek:unitCode ?u }", "application/n-triples")[2]
    assert nt == '<https://w3id.org/envkg/indicator/pm25> <https://w3id.org/envkg/ontology#unitCode> "μg/m3" .\n'
    assert json.loads(get(server, "ASK { eki:pm25 a ek:Indicator }")[2])["boolean"] is True


def test_updates_are_refused(server):
    before = get(server, COUNT)[2]
    update = "DELETE WHERE { ?s ?p ?o }"
    assert call(f"{server.url}sparql", data=urlencode({"update": update}).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    assert call(f"{server.url}update", data=update.encode(),
                headers={"Content-Type": "application/sparql-update"})[0] == 403
    assert call(f"{server.url}store?default", data=b"<urn:a> <urn:b> <urn:c> .",
                headers={"Content-Type": "text/turtle"}, method="PUT")[0] == 403
    assert get(server, update)[0] == 400  # an update is not a query
    assert get(server, COUNT)[2] == before


def test_bad_requests(server):
    status, kind, body = get(server, "SELECT WHERE {")
    assert (status, kind) == (400, "text/plain") and body.startswith("syntax error")
    assert call(f"{server.url}nothing")[0] == 404
    assert call(f"{server.url}sparql?" + urlencode({"query": COUNT, "default-graph-uri": "urn:x"}))[0] == 400
    assert call(f"{server.url}sparql", data=b"x", headers={"Content-Type": "text/plain"})[0] == 415


def test_query_page_is_offline_and_lists_the_named_queries(server):
    status, kind, page = call(server.url)
    assert (status, kind) == (200, "text/html")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert "@import" not in page and "cdn" not in page.lower()
    block = re.search(r'<script id="envkg-queries" type="application/json">(.*?)</script>', page, re.DOTALL)
    embedded = json.loads(block.group(1))
    assert [q["name"] for q in embedded] == [q.name for q in list_queries()]
    assert "<" not in block.group(1)  # "<" is written \u003c, so no text can close the script block
    assert page.count("</script>") == 2
    head = call(server.url, method="HEAD")
    assert (head[0], head[1], head[2]) == (200, "text/html", "")


def test_port_in_use_and_missing_graph(server, seeds_graph, tmp_path):
    port = server.server_address[1]
    with pytest.raises(ServeError, match=f"port {port} on 127.0.0.1 is in use"):
        make_server(seeds_graph, port=port)
    with pytest.raises(GraphError, match="none.ttl: graph file not found"):
        make_server(tmp_path / "none.ttl", port=0)


def test_kg_serve_command(seeds_graph):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-c", "from kg.cli import cli; cli()", "serve", "--graph",
                                str(seeds_graph), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(100):
            try:
                status, _, body = call(f"{url}sparql?" + urlencode({"query": "ASK { eki:pm25 ?p ?o }"}))
                break
            except OSError:
                time.sleep(0.1)
        assert (status, json.loads(body)["boolean"]) == (200, True)
    finally:
        process.terminate()
        _, err = process.communicate(timeout=30)
    assert f"serving {seeds_graph} at {url}" in err


@pytest.mark.parametrize("value", ['"} . ?s ?p ?o {', "' OR 1=1", '广州市"@zh } UNION { ?s ?p ?o', "a\nb\\", "从化区"])
def test_remote_parameters_are_data(server, value):
    from kg.query import load_query, run_query

    result = run_query(RemoteStore(f"{server.url}sparql"), load_query("awards"), {"recipient": value})
    assert [row[1] for row in result.rows] == ([value] if value == "从化区" else [])


@pytest.mark.parametrize("length, status", [("abc", 400), ("-1", 400), (None, 411)])
def test_bad_content_length_is_refused(server, length, status):
    import http.client

    connection = http.client.HTTPConnection(server.server_address[0], server.server_address[1], timeout=10)
    connection.putrequest("POST", "/sparql")
    connection.putheader("Content-Type", "application/sparql-query")
    if length is not None:
        connection.putheader("Content-Length", length)
    connection.endheaders()
    answer = connection.getresponse()
    assert answer.status == status
    connection.close()
