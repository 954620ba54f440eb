"""A small threaded HTTP/1.1 server (keep-alive, optional TLS) that hands requests to a site.

The stdlib server is enough: the simulator must be real HTTP over loopback, start in a few
milliseconds inside a test, and add no dependency.
"""

from __future__ import annotations

import json
import socket
import ssl
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import IO, Any
from urllib.parse import unquote

SPOOL_ABOVE = 16 * 1024 * 1024  # request bodies bigger than this go to a temp file, not memory


@dataclass
class SimRequest:
    """One request as a site sees it. Query values are decoded with `unquote`, not
    `unquote_plus`: a client that encodes spaces as '+' gets '+' back, as QRS filters would."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    cookies: dict[str, str]
    body: bytes
    scheme: str
    host: str
    client_host: str
    body_file: IO[bytes] | None = None  # a big body (then `body` is b""), spooled to a temp file
    body_size: int = 0

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The first query value named `name` (case-insensitive, as QRS treats them)."""
        for key, value in self.query:
            if key.lower() == name.lower():
                return value
        return default

    def args(self, name: str) -> list[str]:
        """Every query value named `name`."""
        return [v for k, v in self.query if k.lower() == name.lower()]

    def header(self, name: str) -> str | None:
        """A request header, case-insensitive."""
        return self.headers.get(name.lower())

    def json(self) -> Any:
        """The body parsed as JSON (ValueError if it is not)."""
        return json.loads(self.body.decode("utf-8"))

    @property
    def origin(self) -> str:
        """scheme://host[:port] as the client addressed us."""
        return f"{self.scheme}://{self.host}"


@dataclass
class SimResponse:
    """What a site answers; `body` may be bytes or an iterable of byte chunks."""

    status: int
    body: bytes | Iterable[bytes] = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    length: int | None = None
    # A 101 answer hands the socket over: called in the handler's thread once the headers
    # are out, it owns the connection (a WebSocket) until it returns.
    upgrade: Callable[[socket.socket], None] | None = None

    @classmethod
    def json(cls, status: int, doc: Any, headers: list[tuple[str, str]] | None = None) -> SimResponse:
        """A JSON response."""
        data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        return cls(status, data, [("Content-Type", "application/json; charset=utf-8"), *(headers or [])])

    @classmethod
    def text(cls, status: int, text: str, content_type: str = "text/plain; charset=utf-8") -> SimResponse:
        """A text (or HTML) response."""
        return cls(status, text.encode("utf-8"), [("Content-Type", content_type)])


Site = Callable[[SimRequest], SimResponse]


def parse_query(raw: str) -> list[tuple[str, str]]:
    """Split a query string into (key, value) pairs, percent-decoding without '+' -> ' '."""
    pairs = []
    for part in raw.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        pairs.append((unquote(key), unquote(value)))
    return pairs


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Buffer writes so headers and a small body leave in one segment: unbuffered, they go
    # in two, and the client's delayed ACK adds ~40 ms to every keep-alive request.
    wbufsize = 256 * 1024
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # the simulator is quiet
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body_file = None
        if length > SPOOL_ABOVE:  # an uploaded app: to disk as it arrives
            body_file = tempfile.TemporaryFile(prefix="qlik-sim-body-")
            _copy_exactly(self.rfile, body_file, length)
        body = self.rfile.read(length) if length and body_file is None else b""
        path, _, raw_query = self.path.partition("?")
        cookies: dict[str, str] = {}
        for header in self.headers.get_all("Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(header)
            except Exception:  # a malformed cookie header is ignored, as browsers' are
                continue
            cookies.update({k: m.value for k, m in jar.items()})
        request = SimRequest(
            method=self.command,
            path=unquote(path),
            query=parse_query(raw_query),
            headers={k.lower(): v for k, v in self.headers.items()},
            cookies=cookies,
            body=body,
            scheme=self.server.scheme,
            host=self.headers.get("Host", f"{self.server.server_address[0]}:{self.server.server_address[1]}"),
            client_host=self.client_address[0],
            body_file=body_file,
            body_size=length if body_file is not None else len(body),
        )
        try:
            response = self.server.site(request)
        except Exception as exc:  # a simulator bug must show as a 500, not kill the thread
            response = SimResponse.json(500, {"errors": [{"code": "SIM-500", "title": f"simulator error: {exc!r}"}]})
        finally:
            if body_file is not None:
                body_file.close()
        self._write(response)

    def _write(self, response: SimResponse) -> None:
        self.log_request(response.status)
        if response.upgrade is not None:
            self._switch(response)
            return
        self.send_response_only(response.status)
        self.send_header("Server", self.version_string())
        if not any(name.lower() == "date" for name, _ in response.headers):  # a site may run its own clock
            self.send_header("Date", self.date_time_string())
        body = response.body
        if isinstance(body, (bytes, bytearray)):
            length: int | None = len(body)
        else:
            length = response.length
        for name, value in response.headers:
            self.send_header(name, value)
        if length is None:
            # Unknown size: stream it and close (HTTP/1.0-style end of body).
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        if self.command == "HEAD":
            return
        try:
            if isinstance(body, (bytes, bytearray)):
                self.wfile.write(body)
            else:
                for chunk in body:
                    self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True

    def _switch(self, response: SimResponse) -> None:
        """Answer 101 (no body, no Content-Length) and run the new protocol on the raw socket."""
        assert response.upgrade is not None
        self.send_response_only(101)
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        self.close_connection = True  # whatever happens next, this is no HTTP connection any more
        try:
            self.wfile.flush()
            response.upgrade(self.connection)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            pass

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle


def _copy_exactly(source: Any, target: IO[bytes], length: int) -> None:
    """`length` bytes from the socket to `target`, a megabyte at a time (fewer if the client hangs up)."""
    left = length
    while left > 0:
        chunk = source.read(min(left, 1024 * 1024))
        if not chunk:
            break
        target.write(chunk)
        left -= len(chunk)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256  # many clients connect at once in tests and benchmarks

    def __init__(self, address: tuple[str, int], site: Site, tls: ssl.SSLContext | None) -> None:
        super().__init__(address, _Handler)
        self.site = site
        self.tls = tls
        self.scheme = "https" if tls else "http"

    def get_request(self) -> tuple[Any, Any]:
        # Wrap per connection and hand-shake in the handler's thread, so a client that
        # connects and stalls cannot block the accept loop.
        sock, address = self.socket.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.tls:
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def handle_error(self, request: Any, client_address: Any) -> None:  # clients that hang up are normal
        pass


class RunningServer:
    """A site served on 127.0.0.1 in a background thread; use as a context manager."""

    def __init__(self, site: Site, *, port: int = 0, tls: ssl.SSLContext | None = None, host: str = "127.0.0.1") -> None:
        self._server = _Server((host, port), site, tls)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="qlik-sim", daemon=True
        )
        self._thread.start()

    @property
    def port(self) -> int:
        """The port actually bound (useful with port 0)."""
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """scheme://127.0.0.1:port"""
        return f"{self._server.scheme}://{self._server.server_address[0]}:{self.port}"

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
