"""What goes wrong with the Engine, as messages with hints: refused upgrades, engine error
objects (`code`, `parameter`, `message`), sessions the Engine ends, objects it lacks."""

from __future__ import annotations

from ..errors import RequestFailed
from ..terminal_text import visible

# Engine error codes (the Engine API's own list; enigma.js documents the same numbers).
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
PARSE_ERROR = -32700
GENERIC_NOT_FOUND = 2
GENERIC_ACCESS_DENIED = 5
APP_ALREADY_OPEN = 1002
APP_NOT_FOUND = 1003
APP_INVALID = 1007
PAGES_TOO_LARGE = 7009

HIJACKING_HINT = (
    "the proxy refused the WebSocket upgrade: Qlik's cross-site WebSocket hijacking prevention (servers from "
    "November 2024) refuses an upgrade that carries an Authorization header, lacks the session cookie or the "
    "?qlik-csrf-token from /<prefix>/qps/csrftoken, or whose Origin is not on the virtual proxy's host allow list"
)
TOO_MANY_SESSIONS_HINT = (
    "a user has about five parallel Engine sessions: close other apps, hub tabs or scripts signed in as this user, "
    "or wait for idle sessions to end"
)


class EngineError(RequestFailed):
    """An error object the Engine answered a call with, or an Engine session that ended."""

    def __init__(self, message: str, hint: str = "", code: int | None = None, parameter: str = "") -> None:
        super().__init__(message, hint)
        self.code = code
        self.parameter = parameter


class EngineClosed(EngineError):
    """The WebSocket closed: the Engine (or the network) ended the session."""


class TooManySessions(EngineClosed):
    """OnMaxParallelSessionsExceeded: the Engine refused one more session for this user."""

    def __init__(self) -> None:
        super().__init__(
            "the Engine refused a new session: this user has too many parallel sessions (OnMaxParallelSessionsExceeded)",
            TOO_MANY_SESSIONS_HINT,
        )


def _short(text: object, limit: int = 200) -> str:
    shown = visible(str(text))
    return shown if len(shown) <= limit else shown[:limit] + "…"


def engine_error(method: str, error: object) -> EngineError:
    """An Engine error object ({code, parameter, message}) as an EngineError with a hint."""
    fields = error if isinstance(error, dict) else {}
    raw_code = fields.get("code")
    code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
    parameter = _short(fields.get("parameter") or "")
    said = _short(fields.get("message") or "no message")
    message = f"Engine error {code if code is not None else '?'} on {_short(method, 80)}: {said}" + (
        f" ({parameter})" if parameter else ""
    )
    hints = {
        APP_NOT_FOUND: "no app with that id, or the user may not open it: `qlik-tui engine apps` lists those the user can open",
        GENERIC_ACCESS_DENIED: "the user lacks access to this app or object: check security rules (QSEoW) or space roles (Cloud)",
        APP_ALREADY_OPEN: "this Engine session already holds an app (another window or script of the same session has it open): "
        "close that one, or use GetActiveDoc",
        METHOD_NOT_FOUND: "check the method's name (case-sensitive) and that the handle's object has it: -1 is the Global "
        "object, the doc handle the app, others generic objects",
        INVALID_PARAMS: "check the handle (it must come from this session) and the parameters the method takes",
        PARSE_ERROR: "the request was not valid JSON",
        PAGES_TOO_LARGE: "a data page holds at most 10,000 cells: ask for fewer rows (--rows)",
        GENERIC_NOT_FOUND: "the Engine did not find what the call names: check ids, field names and paths",
        APP_INVALID: "no app is open in this session",
    }
    hint = hints.get(code, "see the Engine API reference for this error code") if code is not None else ""
    return EngineError(message, hint, code, parameter)


def object_not_found(obj_id: str) -> EngineError:
    """The Engine's 'not found' for GetObject (a null handle, not an error object)."""
    return EngineError(
        f"no object with id {_short(obj_id, 100)} in this app",
        "`qlik-tui engine objects APP` lists the ids (master items: measure and dimension ids work too)",
        GENERIC_NOT_FOUND,
    )


def upgrade_refused(status: int, body: bytes, where: str, product: str) -> RequestFailed:
    """A refused WebSocket upgrade (an HTTP answer instead of 101) with what to do about it."""
    detail = _short(body.decode("utf-8", "replace").strip().splitlines()[0] if body.strip() else "", 160)
    said = f"{where}: the WebSocket upgrade to the Engine was refused ({status}{': ' + detail if detail else ''})"
    if status == 403 and product == "qseow":
        return RequestFailed(said, HIJACKING_HINT, status)
    if status == 403:
        return RequestFailed(
            said,
            "Qlik Cloud wants the session cookies with ?qlik-csrf-token (JWT sessions) or an Authorization: Bearer "
            "(API keys, OAuth), and no foreign Origin",
            status,
        )
    if status == 401:
        return RequestFailed(said, "the session was not accepted: sign in again (`qlik-tui profiles test`) and retry", status)
    if status == 404:
        return RequestFailed(said, "no Engine at that path: check the virtual proxy prefix and the app id", status)
    if 300 <= status < 400:
        return RequestFailed(
            said, "the proxy sent a login page: the session is missing, or the prefix is not this proxy's", status
        )
    if status == 429:
        return RequestFailed(said, "Qlik limits requests per user: wait a minute and try again", status)
    return RequestFailed(said, "the server or a proxy in between does not pass WebSockets through: check `url`", status)
