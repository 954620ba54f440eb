"""The request a user builds and the response they get back, free of any HTTP library."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote

from ..errors import RequestFailed
from ..json.lazy import lazy_loads
from ..json.parse import loads

_NO_VALUE = object()


@dataclass(frozen=True)
class Request:
    """An API call as Qlik documents it: `/qrs/app/full`, `/api/v1/spaces` (no proxy prefix)."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def build(
        cls,
        method: str,
        path: str,
        query: list[tuple[str, str]] | None = None,
        body: bytes | None = None,
        headers: list[tuple[str, str]] | None = None,
    ) -> Request:
        """Normalise method and path; a `?a=b` in the path joins the query parameters."""
        path = path.strip() or "/"
        if not path.startswith("/"):
            path = "/" + path
        path, _, raw_query = path.partition("?")
        # A '#' would start a URL fragment, which is never sent: the xrfkey query after it went too.
        path = path.replace("#", "%23")
        pairs = parse_qsl(raw_query, keep_blank_values=True) if raw_query else []
        return cls(method.strip().upper(), path, tuple(pairs + list(query or [])), body, tuple(headers or []))

    def query_string(self) -> str:
        """key=value&... percent-encoded with %20 for spaces (QRS does not read '+')."""
        return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in self.query)

    @property
    def is_read(self) -> bool:
        """GET, HEAD and OPTIONS change nothing (Cloud wants CSRF on everything else)."""
        return self.method in ("GET", "HEAD", "OPTIONS")

    def label(self) -> str:
        """METHOD /path?query, for history and messages (no secrets are ever in it)."""
        qs = self.query_string()
        return f"{self.method} {self.path}" + (f"?{qs}" if qs else "")


@dataclass
class Response:
    """What came back: status, headers, timing, and the body (parsed as JSON on demand)."""

    method: str
    url: str  # with the xrfkey removed
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    elapsed: float
    pages: int = 1
    error: RequestFailed | None = None
    lazy: bool = False  # big lists stay as bytes (core.json.lazy): for readers that take any Sequence
    _json: Any = field(default=_NO_VALUE, repr=False)

    @property
    def ok(self) -> bool:
        """2xx and nothing wrong with the body."""
        return 200 <= self.status < 300 and self.error is None

    def header(self, name: str) -> str | None:
        """First header named `name` (case-insensitive)."""
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case ('' when absent)."""
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    @property
    def looks_like_json(self) -> bool:
        """Declared JSON, or undeclared but starting like JSON."""
        if "json" in self.content_type:
            return True
        head = self.body[:64].lstrip()
        return not self.content_type and head[:1] in (b"{", b"[")

    @property
    def is_html(self) -> bool:
        """An HTML page (a login page, an error page...)."""
        head = self.body[:256].lstrip().lower()
        return "html" in self.content_type or head.startswith(b"<!doctype html") or head.startswith(b"<html")

    def json(self) -> Any:
        """The body as JSON (parsed once); ValueError if it is not JSON."""
        if self._json is _NO_VALUE:
            # any depth (JsonTooDeep, a ValueError, past parse.MAX_DEPTH); big bodies piecewise
            self._json = (lazy_loads if self.lazy else loads)(self.body) if self.body else None
        return self._json

    def text(self) -> str:
        """The body decoded as UTF-8 (undecodable bytes replaced)."""
        return self.body.decode("utf-8", errors="replace")
