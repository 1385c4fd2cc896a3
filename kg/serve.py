"""A read-only SPARQL 1.1 Protocol endpoint over a built graph, with an offline query page.

    >>> server = make_server(Path("out/graph.ttl"), port=7878)   # doctest: +SKIP
    >>> server.serve_forever()                                     # doctest: +SKIP

The graph is loaded into an in-memory pyoxigraph store; the standard library's
ThreadingHTTPServer answers on 127.0.0.1 only:

    GET  /                       the query page (kg/data/sparql_page.html; no network needed)
    GET  /sparql?query=…         a query (also /query)
    POST /sparql                 form-encoded query=… or an application/sparql-query body

SELECT and ASK answer in SPARQL results JSON (default), XML, CSV or TSV, CONSTRUCT and
DESCRIBE in Turtle (default), N-Triples or RDF/XML, chosen by the Accept header.
Updates are refused (403): the endpoint is read-only by construction. Oxigraph's own
server is not used because its YASGUI page fetches prefixes and vocabulary
suggestions from prefix.cc and lov.linkeddata.es while you type.
"""
from __future__ import annotations

import errno
import json
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from .errors import KgError
from .query import list_queries
from .store import PREFIXES, open_store

HOST = "127.0.0.1"
MAX_BODY = 1_000_000
RESULT_FORMATS = [  # the first is the default
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/csv", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
]
GRAPH_FORMATS = [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
]


class ServeError(KgError):
    """The endpoint cannot start (port in use, graph missing)."""


def query_page() -> bytes:
    """The query page with the named queries embedded as JSON."""
    template = resources.files("kg").joinpath("data/sparql_page.html").read_text(encoding="utf-8")
    named = [{"name": q.name, "title": q.title, "description": q.description, "sparql": q.sparql,
              "params": [{"name": p.name, "type": p.type, "required": p.required, "description": p.description}
                         for p in q.params]} for q in list_queries()]
    data = json.dumps(named, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    return template.replace("__ENVKG_QUERIES__", data).encode("utf-8")


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], store: ox.Store, graph_path: Path):
        self.store = store
        self.graph_path = graph_path
        self.page = query_page()
        super().__init__(address, SparqlHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"


def make_server(graph_path: Path | str, *, port: int = 7878) -> SparqlServer:
    """Load the graph and bind 127.0.0.1:`port` (0 picks a free port); call serve_forever() to run."""
    graph_path = Path(graph_path)
    store = open_store(graph_path, "oxigraph").native
    try:
        return SparqlServer((HOST, port), store, graph_path)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise ServeError(f"port {port} on {HOST} is in use: stop the other server or pick another "
                             "with --port") from None
        raise ServeError(f"cannot listen on {HOST}:{port}: {error.strerror or error}") from None


class SparqlHandler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "envkg-sparql"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class names it so)
        pass  # quiet: the CLI prints where it serves; requests are not logged

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path in ("/", "/index.html"):
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", self.server.page)
        elif url.path in ("/sparql", "/query"):
            params = parse_qs(url.query, keep_blank_values=True)
            if "update" in params:
                self._refuse_update()
            elif "query" not in params:
                self._send(HTTPStatus.OK, "text/html; charset=utf-8", self.server.page)
            else:
                self._answer(params)
        else:
            self._error(HTTPStatus.NOT_FOUND, f"no such page: {url.path}; the endpoint is /sparql")

    do_HEAD = do_GET

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path not in ("/sparql", "/query", "/update"):
            self._error(HTTPStatus.NOT_FOUND, f"no such endpoint: {url.path}; the endpoint is /sparql")
            return
        declared = self.headers.get("Content-Length")
        if declared is None:
            self._error(HTTPStatus.LENGTH_REQUIRED, "a POST needs a Content-Length")
            return
        if not declared.strip().isdigit():
            self._error(HTTPStatus.BAD_REQUEST, f"Content-Length {declared!r} is not a length")
            return
        length = int(declared)
        if length > MAX_BODY:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "query too long")
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(url.query, keep_blank_values=True)
        if kind == "application/sparql-query":
            params["query"] = [body]
        elif kind == "application/x-www-form-urlencoded":
            params.update(parse_qs(body, keep_blank_values=True))
        elif kind == "application/sparql-update":
            params["update"] = [body]
        else:
            self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                        "send application/sparql-query or a form with query=…")
            return
        if "update" in params or url.path == "/update":
            self._refuse_update()
        elif "query" not in params:
            self._error(HTTPStatus.BAD_REQUEST, "no query: send query=…")
        else:
            self._answer(params)

    def do_PUT(self) -> None:
        self._refuse_update()

    do_DELETE = do_PATCH = do_PUT

    # -- answering -------------------------------------------------------------------

    def _answer(self, params: dict[str, list[str]]) -> None:
        if len(params["query"]) != 1:
            self._error(HTTPStatus.BAD_REQUEST, "give exactly one query")
            return
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            self._error(HTTPStatus.BAD_REQUEST, "this endpoint has one graph: leave out default-graph-uri "
                        "and named-graph-uri")
            return
        try:
            result = self.server.store.query(params["query"][0], prefixes=PREFIXES)
        except SyntaxError as error:
            self._error(HTTPStatus.BAD_REQUEST, f"syntax error: {error}")
            return
        except (OSError, RuntimeError, ValueError) as error:
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {error}")
            return
        formats = GRAPH_FORMATS if isinstance(result, ox.QueryTriples) else RESULT_FORMATS
        media_type, fmt = _negotiate(self.headers.get("Accept", ""), formats)
        if fmt is None:
            offered = ", ".join(m for m, _ in formats)
            self._error(HTTPStatus.NOT_ACCEPTABLE, f"cannot answer in {self.headers.get('Accept')}; "
                        f"ask for one of {offered}")
            return
        self._send(HTTPStatus.OK, f"{media_type}; charset=utf-8", result.serialize(format=fmt))

    def _refuse_update(self) -> None:
        self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _negotiate(accept: str, formats: list) -> tuple[str, object | None]:
    """The format the Accept header prefers (by q value, then order); the first format for */*."""
    wanted = []
    for position, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        if not parts[0]:
            continue
        q = 1.0
        for p in parts[1:]:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        wanted.append((-q, position, parts[0].lower()))
    if not wanted:
        return formats[0][0], formats[0][1]
    for q, _, media in sorted(wanted):
        if q == 0:
            break
        for offered, fmt in formats:
            if media in (offered, "*/*") or (media.endswith("/*") and offered.startswith(media[:-1])):
                return offered, fmt
    return "", None
