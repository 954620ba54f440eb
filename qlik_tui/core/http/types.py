"""The request a user builds and the response they get back, free of any HTTP library."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union
from urllib.parse import parse_qsl, quote

from ..errors import RequestFailed
from ..json.lazy import lazy_loads
from ..json.parse import loads
from .timing import Timing

_NO_VALUE = object()
FILE_CHUNK = 1024 * 1024  # bytes read from disk at a time while a file body is sent


@dataclass(frozen=True)
class FileBody:
    """A request body sent from a file, streamed (a 2 GB .qvf is never held in memory).

    Every send opens the file again from the start, so a request re-sent after a 401 sends
    the same bytes. `size` is taken when the body is chosen: it is the Content-Length, and a
    file that changes size meanwhile ends the request with a message.
    """

    path: Path
    size: int
    label: str = ""  # how the user named it (-d @FILE), for messages

    @classmethod
    def of(cls, path: Path, label: str = "") -> FileBody:
        """The body for the regular file at `path` (OSError when it cannot be read)."""
        return cls(path, os.stat(path).st_size, label or str(path))

    async def chunks(self) -> AsyncIterator[bytes]:
        """The file's bytes, in chunks read off the event loop; exactly `size` of them."""
        try:
            handle = open(self.path, "rb")
        except OSError as exc:
            raise RequestFailed(f"{self.label}: cannot read the request body ({exc.strerror})", "check the file") from None
        try:
            left = self.size
            while left > 0:
                data = await asyncio.to_thread(handle.read, min(FILE_CHUNK, left))
                if not data:
                    raise RequestFailed(
                        f"{self.label}: the file shrank while it was being sent", "send it again once nothing writes to it"
                    )
                left -= len(data)
                yield data
        finally:
            handle.close()


RequestBody = Union[bytes, FileBody, None]  # noqa: UP007 - a runtime alias must work on 3.10


@dataclass(frozen=True)
class Request:
    """An API call as Qlik documents it: `/qrs/app/full`, `/api/v1/spaces` (no proxy prefix)."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    body: bytes | FileBody | None = None
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def build(
        cls,
        method: str,
        path: str,
        query: list[tuple[str, str]] | None = None,
        body: bytes | FileBody | None = None,
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
    saved: int | None = None  # bytes written to a download file instead of `body` (call -o)
    timing: Timing | None = None  # the phases of the last HTTP exchange (DNS, connect, TLS...)
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
