"""A small hostile HTTP server for tests: loopback only, bounded, stdlib only.

It reads one request head (and a Content-Length body), asks a `play` function what to do,
and does exactly that: send these bytes, sleep, close, or reset the connection. A test can
so play a lying Content-Length, a gzip bomb, a one-byte-a-second drip, broken chunking,
escape sequences in an error, or anything else a broken or malicious server might send.
"""

from __future__ import annotations

import socket
import socketserver
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from qlik_tui.core.auth.keys import GeneratedKeys

MAX_HEAD = 64 * 1024
MAX_BODY = 8 * 1024 * 1024
LIFETIME = 30.0  # no connection is served longer than this, whatever the script says


@dataclass
class Received:
    """One request as it arrived."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return self.target.partition("?")[0]


class Close:
    """Close the connection (FIN) at this point of the script."""


class Reset:
    """Reset the connection (RST, SO_LINGER 0) at this point of the script."""


Action = bytes | float | Close | Reset
Play = Callable[[Received], Iterable[Action]]


def answer(status: int, body: bytes = b"", headers: Iterable[tuple[str, str]] = (), *, length: int | None = None) -> bytes:
    """A whole HTTP/1.1 answer as bytes; `length` overrides Content-Length (to lie)."""
    lines = [f"HTTP/1.1 {status} X"]
    names = set()
    for name, value in headers:
        lines.append(f"{name}: {value}")
        names.add(name.lower())
    if "content-length" not in names and "transfer-encoding" not in names:
        lines.append(f"Content-Length: {len(body) if length is None else length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@dataclass
class HostileServer:
    """The running server: its URL and every request it received."""

    url: str
    received: list[Received] = field(default_factory=list)


def _read_request(sock: socket.socket) -> Received | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
        if len(data) > MAX_HEAD:
            return None
    head, _, rest = data.partition(b"\r\n\r\n")
    first, *lines = head.decode("latin-1").split("\r\n")
    method, target, _ = [*first.split(" "), "", ""][:3]
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = min(int(headers.get("content-length", "0") or 0), MAX_BODY)
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return Received(method, target, headers, rest[:length])


@contextmanager
def hostile_server(play: Play, *, tls: ssl.SSLContext | None = None) -> Iterator[HostileServer]:
    """Serve `play` on 127.0.0.1 (a free port) until the block ends."""
    server_box: list[HostileServer] = []

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            sock: socket.socket = self.request
            sock.settimeout(10)
            started = time.monotonic()
            try:
                if tls is not None:
                    sock = tls.wrap_socket(sock, server_side=True)
                while time.monotonic() - started < LIFETIME:
                    received = _read_request(sock)
                    if received is None:
                        return
                    server_box[0].received.append(received)
                    for action in play(received):
                        if time.monotonic() - started > LIFETIME:
                            return
                        if isinstance(action, bytes):
                            sock.sendall(action)
                        elif isinstance(action, float | int):
                            time.sleep(action)
                        elif isinstance(action, Reset):
                            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                            sock.close()
                            return
                        else:
                            return
            except (OSError, ssl.SSLError):
                return

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = Server(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    server_box.append(HostileServer(f"{'https' if tls else 'http'}://127.0.0.1:{port}"))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server_box[0]
    finally:
        server.shutdown()
        server.server_close()


def replies(*scripts: Iterable[Action]) -> Play:
    """A play that answers the n-th request with the n-th script (the last one repeats)."""
    items = [list(s) for s in scripts]
    count = [0]

    def play(_: Received) -> Iterable[Action]:
        n = min(count[0], len(items) - 1)
        count[0] += 1
        return items[n]

    return play


def hostile_profiles(folder: Path, keys: GeneratedKeys, url: str, extra: str = "") -> Path:
    """A profiles file whose QSEoW profile `h` and Cloud profile `c` point at `url`."""
    text = f"""default = "h"
[profiles.h]
type = "qseow"
url = "{url}"
virtual_proxy = "jwt"
key = "{keys.key_path}"
lifetime = "5m"
{extra}
[profiles.h.claims]
userDirectory = "LAB"
userId = "goran"

[profiles.c]
type = "cloud"
url = "{url}"
key = "{keys.key_path}"
key_id = "kid-1"
issuer = "https://issuer.example.com"
lifetime = "5m"
{extra}
[profiles.c.claims]
sub = "goran"
name = "Göran"
email = "goran@example.com"
email_verified = true
"""
    path = folder / "hostile-profiles.toml"
    path.write_text(text, encoding="utf-8")
    return path


def cloud_play(api: Play) -> Play:
    """A Qlik Cloud tenant that lets anyone log in; `api` plays every other request."""

    def play(req: Received) -> Iterable[Action]:
        if req.path == "/login/jwt-session":
            return [answer(200, b"", [("Set-Cookie", "eas.sid=s1; Path=/")])]
        if req.path == "/api/v1/csrf-token":
            return [answer(204, b"", [("qlik-csrf-token", "t1")])]
        return api(req)

    return play
