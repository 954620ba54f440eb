"""An Engine session: one WebSocket for one profile and app, opened with the profile's
sign-in, closed when its user leaves it.

    async with await EngineSession.open(connection, app_id) as engine:
        doc = await engine.open_doc(no_data=True)
        layout = await engine.call(doc, "GetAppLayout")

Notifications become events on the connection's EventBus (`ENGINE_NOTIFICATION`), next to
`ENGINE_CONNECTED`, `ENGINE_APP_OPENED` and `ENGINE_CLOSED`, so a token panel listening to
the connection sees the Engine too. A user has about five parallel Engine sessions: one
connection holds at most one live session per app (a second `open` for the same app is
refused until the first is closed).
"""

from __future__ import annotations

import asyncio
import ssl
import weakref
from dataclasses import dataclass
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidHandshake, InvalidStatus

from ... import __version__
from ..errors import RequestFailed
from ..events import ENGINE_APP_OPENED, ENGINE_CLOSED, ENGINE_CONNECTED, ENGINE_NOTIFICATION
from ..http.connection import Connection
from ..http.diagnose import from_exception, where
from .errors import APP_ALREADY_OPEN, EngineError, object_not_found, upgrade_refused
from .rpc import Notification, RpcChannel
from .target import EngineTarget, engine_target

GLOBAL = -1
ON_CONNECTED_WAIT = 2.0  # seconds to wait for OnConnected (every Engine sends it at once)
DEFAULT_MAX_MESSAGE = 256 * 1024 * 1024  # bytes; a 10,000-cell page is a few MB


class _connect_without_redirects(connect):
    """websockets' connect, refusing redirects: on an upgrade a redirect means a login page
    (not signed in, or a wrong prefix), and following it would carry the session cookie on."""

    def process_redirect(self, exc: Exception) -> Exception | str:
        return exc


_live: weakref.WeakKeyDictionary[Connection, dict[str, EngineSession]] = weakref.WeakKeyDictionary()
_opening: weakref.WeakKeyDictionary[Connection, set[str]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class ObjectRef:
    """A handle the Engine gave for an object: its number, type and id."""

    handle: int
    type: str
    id: str
    generic_type: str = ""


def object_ref(result: dict[str, Any], obj_id: str = "") -> ObjectRef | None:
    """The qReturn of GetObject / CreateSessionObject..., None for the Engine's null-handle 'not found'."""
    ref = result.get("qReturn")
    if not isinstance(ref, dict) or not isinstance(ref.get("qHandle"), int) or isinstance(ref.get("qHandle"), bool):
        return None
    return ObjectRef(
        ref["qHandle"], str(ref.get("qType") or ""), str(ref.get("qGenericId") or obj_id), str(ref.get("qGenericType") or "")
    )


class EngineSession:
    """JSON-RPC calls to one app (or to engineData for global calls) over one WebSocket."""

    def __init__(self, connection: Connection, app_id: str | None, ws: ClientConnection) -> None:
        self.connection = connection
        self.app_id = app_id
        self.doc_handle: int | None = None
        self.session_state: str | None = None  # SESSION_CREATED / SESSION_ATTACHED
        self._connected = asyncio.Event()
        self.channel = RpcChannel(ws, self._notified, connection.timeout)

    @property
    def notifications(self) -> list[Notification]:
        """Every notification the Engine pushed so far (the latest 200)."""
        return self.channel.notifications

    @property
    def is_open(self) -> bool:
        """True while the WebSocket is open."""
        return self.channel.is_open

    @classmethod
    async def open(cls, connection: Connection, app_id: str | None = None, *, max_message: int | None = None) -> EngineSession:
        """Sign in as the profile and open the WebSocket to `app_id` (None: engineData)."""
        key = (app_id or "").lower()
        held = _live.setdefault(connection, {})
        opening = _opening.setdefault(connection, set())
        if (key in held and held[key].is_open) or key in opening:
            raise RequestFailed(
                f"an Engine session for {'app ' + app_id if app_id else 'engineData'} is already open on this profile",
                "close it first: Qlik allows a user only about five parallel Engine sessions",
            )
        opening.add(key)  # a second open while this one signs in is refused too
        try:
            session = await cls._connect(connection, app_id, max_message or connection.max_body or DEFAULT_MAX_MESSAGE)
        finally:
            opening.discard(key)
        held[key] = session
        return session

    @classmethod
    async def _connect(cls, connection: Connection, app_id: str | None, max_message: int) -> EngineSession:
        target = await engine_target(connection, app_id)
        try:
            ws = await open_socket(connection, target, max_message)
        except RequestFailed as exc:
            if exc.status != 401 or not hasattr(connection, "drop_session"):
                raise
            connection.drop_session()  # the HTTP session ended in between: sign in once more
            target = await engine_target(connection, app_id)
            ws = await open_socket(connection, target, max_message)
        session = cls(connection, app_id, ws)
        connection.events.emit(ENGINE_CONNECTED, target.shown_url)
        await session._wait_connected()
        return session

    def _notified(self, notification: Notification) -> None:
        if notification.method == "OnConnected" and isinstance(notification.params, dict):
            self.session_state = str(notification.params.get("qSessionState") or "")[:40]
            self._connected.set()
        self.connection.events.emit(ENGINE_NOTIFICATION, notification.describe())

    async def _wait_connected(self) -> None:
        """Wait briefly for OnConnected, and fail at once when the Engine refused the session."""
        waiter = asyncio.ensure_future(self._connected.wait())
        await asyncio.wait({waiter, self.channel.reader}, timeout=ON_CONNECTED_WAIT, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        if self.channel.closed is not None:
            raise self.channel.closed

    async def call(self, handle: int, method: str, params: Any = None) -> dict[str, Any]:
        """One JSON-RPC call on `handle`; its `result` object (EngineError for an error object)."""
        return await self.channel.call(handle, method, params)

    async def open_doc(self, app_id: str | None = None, *, no_data: bool = False) -> int:
        """OpenDoc (or the doc this session already holds); its handle."""
        doc_id = app_id or self.app_id
        if not doc_id:
            raise RequestFailed("no app to open", "give an app id")
        try:
            result = await self.call(GLOBAL, "OpenDoc", {"qDocName": doc_id, "qNoData": no_data})
        except EngineError as exc:
            if exc.code != APP_ALREADY_OPEN:
                raise
            # The proxy attached this socket to a session that already has the app open.
            result = await self.call(GLOBAL, "GetActiveDoc")
            held = object_ref(result)
            if held is not None and held.id.lower() != doc_id.lower():
                # ...but another app: taking it would show that app's data as this one's.
                raise EngineError(
                    f"this Engine session already holds another app ({held.id[:80]}), not {doc_id[:80]}",
                    exc.hint,
                    APP_ALREADY_OPEN,
                ) from None
        ref = object_ref(result)
        if ref is None:
            raise EngineError(f"the Engine opened {doc_id} but gave no handle", "the server is not a Qlik Engine, or broken")
        self.doc_handle = ref.handle
        self.connection.events.emit(ENGINE_APP_OPENED, f"{doc_id}{' without data' if no_data else ''}")
        return ref.handle

    async def get_object(self, doc: int, obj_id: str) -> ObjectRef:
        """A handle on object `obj_id` (a chart, sheet, master measure or dimension)."""
        for method in ("GetObject", "GetMeasure", "GetDimension"):
            ref = object_ref(await self.call(doc, method, {"qId": obj_id}), obj_id)
            if ref is not None:
                return ref
        raise object_not_found(obj_id)

    async def close(self) -> None:
        """Close the WebSocket (the Engine session ends with it)."""
        held = _live.get(self.connection, {})
        if held.get((self.app_id or "").lower()) is self:
            del held[(self.app_id or "").lower()]
        if self.channel.is_open:
            await self.channel.aclose()
            self.connection.events.emit(ENGINE_CLOSED, "closed by qlik-tui")

    async def __aenter__(self) -> EngineSession:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def open_socket(connection: Connection, target: EngineTarget, max_message: int = DEFAULT_MAX_MESSAGE) -> ClientConnection:
    """The WebSocket to `target`; a refused upgrade or a network failure as RequestFailed with a hint."""
    try:
        return await _connect_without_redirects(
            target.url,
            additional_headers=target.headers,
            origin=target.origin,  # type: ignore[arg-type]
            ssl=target.ssl,
            max_size=max_message,
            open_timeout=min(connection.timeout, 30.0),
            close_timeout=2.0,
            user_agent_header=f"qlik-tui/{__version__}",
            compression=None,
            ping_interval=None,  # the Engine needs no keep-alive pings; a session lives while it is used
        )
    except InvalidStatus as exc:
        body = bytes(exc.response.body or b"")
        raise upgrade_refused(exc.response.status_code, body, where(connection.profile), connection.profile.type) from None
    except InvalidHandshake as exc:
        cause = exc.__cause__
        if isinstance(cause, (ssl.SSLError, OSError)):  # TLS 1.3 reports a refused client certificate late
            raise _transport_error(cause, connection) from None
        if isinstance(cause, EOFError) and "X-Qlik-User" in target.headers:
            # The Engine port hangs up without a word when TLS 1.3 refuses the client certificate.
            raise _client_certificate_refused(connection) from None
        raise RequestFailed(
            f"{where(connection.profile)}: the WebSocket handshake failed ({str(exc)[:160]})",
            "the server or a proxy in between does not speak WebSocket there: check `url`",
        ) from None
    except (TimeoutError, OSError, ssl.SSLError) as exc:
        raise _transport_error(exc, connection) from None


def _client_certificate_refused(connection: Connection) -> RequestFailed:
    return RequestFailed(
        f"{where(connection.profile)}: the Engine ended the connection before answering: it wants a client certificate it trusts",
        "use client.pem and client_key.pem exported by the QMC of this site (client_cert, client_key)",
    )


def _transport_error(exc: BaseException, connection: Connection) -> RequestFailed:
    """A socket, TLS or timeout error on the way to the Engine, said as the HTTP side says it."""
    if isinstance(exc, TimeoutError):
        wrapped: httpx.HTTPError = httpx.ConnectTimeout(str(exc) or "timed out")
    else:
        wrapped = httpx.ConnectError(str(exc))
    wrapped.__cause__ = exc
    text = str(exc).lower()
    if "certificate required" in text or "alert bad certificate" in text or "alert unknown ca" in text:
        return _client_certificate_refused(connection)
    try:
        return from_exception(wrapped, connection.profile, connection.timeout)
    except Exception:
        return RequestFailed(
            f"{where(connection.profile)}: cannot open the Engine's WebSocket ({exc!r:.160})", "check `url` and the network"
        )
