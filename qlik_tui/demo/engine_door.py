"""The simulated Engine behind a front door: the WebSocket handshake, session limits, and
the message loop of one socket.

The stdlib HTTP server reads the upgrade request like any other; the front door (the QSEoW
proxy or the Cloud tenant) checks its own rules (session, CSRF token, Origin, Bearer) and,
when they pass, asks `Engine.upgrade` for a 101 whose `upgrade` callable takes the raw
socket over. From there `websockets`' sans-I/O protocol with its synchronous connection
speaks WebSocket in the handler's thread: one implementation of the framing on both sides,
and no second port to keep in step with the first.
"""

from __future__ import annotations

import base64
import binascii
import json
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.protocol import State
from websockets.server import ServerProtocol
from websockets.sync.connection import Connection
from websockets.utils import accept_key

from .engine_rpc import Docs, EngineConversation
from .http_server import SimRequest, SimResponse

MAX_PARALLEL_SESSIONS = 5  # per user, as Qlik licenses them
MAX_MESSAGE = 4 * 1024 * 1024  # bytes of one request message
ENGINE_DATA = "engineData"


def is_upgrade(req: SimRequest) -> bool:
    """A request asking to become a WebSocket."""
    return (req.header("upgrade") or "").strip().lower() == "websocket"


def handshake_problem(req: SimRequest) -> str | None:
    """What makes this an invalid WebSocket opening handshake (RFC 6455 4.2.1), or None."""
    if req.method != "GET":
        return "a WebSocket upgrade must be a GET"
    if "upgrade" not in [t.strip().lower() for t in (req.header("connection") or "").split(",")]:
        return "Connection: Upgrade is missing"
    if (req.header("sec-websocket-version") or "").strip() != "13":
        return "Sec-WebSocket-Version must be 13"
    try:
        key = base64.b64decode(req.header("sec-websocket-key") or "", validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 16:
        return "Sec-WebSocket-Key must be 16 bytes in base64"
    return None


def app_in_path(inner: str) -> str | None:
    """The app id of `/app/<id>` ('' for engineData or a bare /app/), None for other paths."""
    if inner in ("/app", "/app/"):
        return ""
    if not inner.startswith("/app/"):
        return None
    rest = inner[len("/app/") :].strip("/")
    if "/" in rest:
        return None
    return "" if rest == ENGINE_DATA else rest


@dataclass
class Identity:
    """Who the front door let in, and which of its sessions carries the socket."""

    user_id: str
    user_directory: str
    session: str  # the proxy session / tenant session id (attaching is per session and app)


@dataclass
class _Live:
    identity: Identity
    app_key: str
    conversation: EngineConversation
    connection: Connection | None = None


@dataclass
class Engine:
    """Engine sessions of one site: limits, attaching, and every live socket (to close them)."""

    max_sessions: int = MAX_PARALLEL_SESSIONS
    _live: list[_Live] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    opened: int = 0  # sockets accepted (tests read it)
    refused: int = 0  # sockets refused for too many sessions

    def live_count(self, user_id: str | None = None) -> int:
        """Open engine sockets (of one user)."""
        with self._lock:
            return sum(1 for s in self._live if user_id is None or s.identity.user_id == user_id)

    def upgrade(self, req: SimRequest, identity: Identity, app_id: str, docs: Docs) -> SimResponse:
        """The 101 answer that starts an Engine session for `identity` (the front door said yes)."""
        problem = handshake_problem(req)
        if problem:
            return SimResponse.text(400, f"Bad WebSocket handshake: {problem}")
        key = req.header("sec-websocket-key") or ""
        headers = [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Accept", accept_key(key))]
        response = SimResponse(101, b"", headers)
        response.upgrade = lambda sock: self._serve(sock, identity, app_id, docs)
        return response

    def close_all(self) -> None:
        """Close every live socket (a server stopping)."""
        with self._lock:
            live = [s.connection for s in self._live if s.connection is not None]
        for connection in live:
            try:
                connection.close(1001, "server stopping")
            except Exception:  # a socket already gone is fine
                pass

    def _register(self, identity: Identity, app_id: str, docs: Docs) -> tuple[_Live | None, str]:
        app_key = app_id.lower() or ENGINE_DATA
        with self._lock:
            holder = next(
                (s for s in self._live if s.identity.session == identity.session and s.app_key == app_key and app_id), None
            )
            conversation = EngineConversation(docs, app_id or None)
            if holder is not None:
                # The proxy routes a session's second socket to the same Engine session.
                conversation.attached_doc = holder.conversation.app
                state = "SESSION_ATTACHED"
            else:
                users = {(s.identity.session, s.app_key) for s in self._live if s.identity.user_id == identity.user_id}
                if len(users) >= self.max_sessions:
                    self.refused += 1
                    return None, ""
                state = "SESSION_CREATED"
            live = _Live(identity, app_key, conversation)
            self._live.append(live)
            self.opened += 1
            return live, state

    def _serve(self, sock: socket.socket, identity: Identity, app_id: str, docs: Docs) -> None:
        protocol = ServerProtocol(state=State.OPEN, max_size=MAX_MESSAGE)
        connection = Connection(sock, protocol, ping_interval=None, close_timeout=2)
        live, state = self._register(identity, app_id, docs)
        try:
            if live is None:
                _notify(connection, "OnMaxParallelSessionsExceeded", {"severity": "fatal"})
                connection.close(1008, "too many parallel sessions")
                return
            live.connection = connection
            _notify(
                connection,
                "OnAuthenticationInformation",
                {"userId": identity.user_id, "userDirectory": identity.user_directory, "mustAuthenticate": False},
            )
            _notify(connection, "OnConnected", {"qSessionState": state})
            for message in connection:
                connection.send(json.dumps(live.conversation.answer(message), ensure_ascii=False))
        except ConnectionClosed:
            pass
        finally:
            if live is not None:
                with self._lock:
                    if live in self._live:
                        self._live.remove(live)
            connection.close()


def _notify(connection: Connection, method: str, params: dict[str, Any]) -> None:
    connection.send(json.dumps({"jsonrpc": "2.0", "method": method, "params": params}))
