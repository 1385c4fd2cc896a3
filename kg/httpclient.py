"""One small HTTP call over urllib for the store clients (kg.push, kg.remote).

Failures become one-line KgErrors: an unreachable server names the URL and the reason,
a refused request names the HTTP status and the start of the server's answer.
"""
from __future__ import annotations

import html
import http.client
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import KgError

TIMEOUT_SECONDS = 60
_SHORT_BODY = 200


class StoreError(KgError):
    """A triple store that cannot be reached or refuses a request."""


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes


def check_url(url: str) -> None:
    """Refuse anything but an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError as error:
        raise StoreError(f"{url!r} is not a valid URL: {error}") from None
    if parts.scheme not in ("http", "https") or not parts.netloc or not parts.hostname:
        raise StoreError(f"{url!r} is not an http:// or https:// URL of a store")


def request(method: str, url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None,
            accept_status: tuple[int, ...] = ()) -> Response:
    """Send one request; a status >= 400 not in `accept_status` raises StoreError."""
    check_url(url)
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as answer:
            return Response(answer.status, answer.headers.get_content_type(), answer.read())
    except urllib.error.HTTPError as error:
        content = error.read()
        if error.code in accept_status:
            return Response(error.code, error.headers.get_content_type(), content)
        raise StoreError(f"{method} {url}: HTTP {error.code} {error.reason}: {short_text(content)}") from None
    except urllib.error.URLError as error:
        raise StoreError(f"cannot reach {url}: {error.reason}") from None
    except (TimeoutError, ConnectionError) as error:
        raise StoreError(f"cannot reach {url}: {error}") from None
    except (ValueError, http.client.HTTPException) as error:
        raise StoreError(f"{url}: {type(error).__name__}: {error}") from None


def short_text(body: bytes) -> str:
    """The start of a server's answer as one line: tags dropped, whitespace collapsed."""
    text = body.decode("utf-8", errors="replace")
    text = html.unescape(re.sub(r"<[^>]*>", " ", text))
    text = " ".join(text.split())
    return (text[:_SHORT_BODY] + "…") if len(text) > _SHORT_BODY else (text or "(empty answer)")
