"""JSON-RPC 2.0 over one Engine WebSocket: request ids, handles, answers matched to calls,
notifications passed on.

Every request carries `jsonrpc`, a fresh integer `id`, the `handle` of the object it is
for (-1: Global), `method`, `params` and `delta: false` (whole answers, never patches).
Answers come back in any order, matched by `id`; messages with a `method` and no `id` are
notifications (OnConnected, OnAuthenticationInformation, OnMaxParallelSessionsExceeded...).
Every message is hostile: its size is capped by the WebSocket layer, its nesting by the
parser, and each call by a time limit.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from .errors import EngineClosed, EngineError, TooManySessions, engine_error

THREAD_PARSE_CHARS = 256 * 1024  # bigger messages are parsed off the event loop (a TUI keeps turning)
MAX_NOTIFICATIONS = 200  # kept per session; older ones are dropped
MAX_SESSIONS_EXCEEDED = "OnMaxParallelSessionsExceeded"
MESSAGE_TOO_BIG = 1009  # the WebSocket close code for a message over max_size


@dataclass(frozen=True)
class Notification:
    """A message the Engine pushed on its own: its method and params."""

    method: str
    params: Any

    def describe(self) -> str:
        """'OnConnected qSessionState=SESSION_CREATED' style text (params shortened)."""
        if isinstance(self.params, dict):
            shown = " ".join(f"{k}={v}" for k, v in list(self.params.items())[:6] if not isinstance(v, (dict, list)))
        else:
            shown = ""
        return f"{self.method} {shown}".strip()[:300]


def _parse(raw: str | bytes, big: bool = False) -> Any:
    if big:
        # A big answer (a data page) makes tens of thousands of objects: a full collection
        # run in the middle holds the GIL and stalls the TUI. JSON has no cycles: parse with
        # the collector off and move the result out of its reach (refcounting frees it).
        gc.disable()
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None
    finally:
        if big:
            gc.freeze()
            gc.enable()


class RpcChannel:
    """Calls and notifications over one open WebSocket; closing it fails every pending call."""

    def __init__(self, ws: ClientConnection, on_notification: Callable[[Notification], None], timeout: float) -> None:
        self._ws = ws
        self.max_message = ws.protocol.max_message_size or 0
        self._on_notification = on_notification
        self.timeout = timeout
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.notifications: list[Notification] = []
        self.closed: EngineClosed | None = None
        self._reader = asyncio.create_task(self._read(), name="qix-reader")

    @property
    def reader(self) -> asyncio.Task[None]:
        """The task reading the socket: done once the socket closed."""
        return self._reader

    @property
    def is_open(self) -> bool:
        """True until the socket closed (from either side)."""
        return self.closed is None

    async def call(self, handle: int, method: str, params: Any = None) -> dict[str, Any]:
        """Send one request and wait for its answer's `result` (EngineError for an error object)."""
        if self.closed is not None:
            raise self.closed
        request_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        message = {"jsonrpc": "2.0", "id": request_id, "handle": handle, "method": method, "params": params or [], "delta": False}
        try:
            await self._ws.send(json.dumps(message, ensure_ascii=False))
            async with asyncio.timeout(self.timeout):
                answer = await future
        except TimeoutError:
            raise EngineError(
                f"the Engine did not answer {method} within {self.timeout:g} s",
                "the app may be large or the Engine busy: try again, raise --timeout, or ask for less (--rows, --no-data)",
            ) from None
        except ConnectionClosed:
            await self._reader  # the reader records why the socket closed
            raise self.closed or EngineClosed("the Engine closed the connection", "try again") from None
        finally:
            self._pending.pop(request_id, None)
        if "error" in answer:
            raise engine_error(method, answer["error"])
        result = answer.get("result")
        if not isinstance(result, dict):
            raise EngineError(
                f"the Engine answered {method} without a result object", "the server is not a Qlik Engine, or broken"
            )
        return result

    async def _read(self) -> None:
        try:
            async for raw in self._ws:
                if len(raw) > THREAD_PARSE_CHARS:
                    message = await asyncio.to_thread(_parse, raw, True)
                else:
                    message = _parse(raw)
                if isinstance(message, dict):
                    self._dispatch(message)
            self._close_with(self._ws.close_code, self._ws.close_reason or "")
        except ConnectionClosed as exc:
            frame = exc.rcvd or exc.sent  # sent: qlik-tui closed it (a message over the size cap: 1009)
            self._close_with(frame.code if frame else None, frame.reason if frame else "")
        except Exception as exc:  # a broken socket must fail the calls, not vanish in a task
            self._close_with(None, type(exc).__name__)

    def _dispatch(self, message: dict[str, Any]) -> None:
        request_id = message.get("id")
        if isinstance(request_id, int) and request_id in self._pending:
            future = self._pending[request_id]
            if not future.done():
                future.set_result(message)
            return
        method = message.get("method")
        if isinstance(method, str) and request_id is None:
            notification = Notification(method[:200], message.get("params"))
            self.notifications.append(notification)
            del self.notifications[:-MAX_NOTIFICATIONS]
            self._on_notification(notification)
        # anything else (an answer to no call of ours) is ignored

    def _close_with(self, code: int | None, reason: str) -> None:
        if self.closed is not None:
            return
        if any(n.method == MAX_SESSIONS_EXCEEDED for n in self.notifications):
            self.closed = TooManySessions()
        elif code == MESSAGE_TOO_BIG:
            self.closed = EngineClosed(
                f"an Engine message was bigger than the size cap ({self.max_message / 1048576:,.1f} MB): session closed",
                "ask for less (--rows, a smaller page), or raise --max-body (MB)",
            )
        else:
            said = f" (code {code}{': ' + reason[:120] if reason else ''})" if code is not None else ""
            self.closed = EngineClosed(
                f"the Engine closed the session{said}", "the session may have timed out or been ended: open the app again"
            )
        for future in self._pending.values():
            if not future.done():
                future.set_exception(self.closed)

    async def aclose(self) -> None:
        """Close the socket and wait for the reader to finish."""
        try:
            await self._ws.close()
        finally:
            await asyncio.gather(self._reader, return_exceptions=True)
            self._close_with(1000, "closed by qlik-tui")
