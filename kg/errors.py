"""The errors envkg raises for bad input: each carries a one-line message for users."""


class KgError(Exception):
    """A problem the user can fix; the CLI prints it on one line and exits non-zero."""


class DocumentError(KgError):
    """A bulletin that cannot be read or understood; names the file and the reason."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class QueryError(KgError):
    """A query that cannot run: unknown name, malformed SPARQL, bad parameter."""


class GraphError(KgError):
    """A graph file that is missing or cannot be parsed."""
