"""`--debug` / QLIK_TUI_DEBUG=1: a log of requests, events and errors to attach to a bug report.

Written for other people to read, so nothing secret goes in: every line passes through
http/redact (secret headers, secret-named query values and JSON keys, anything shaped like
a JWT), request bodies only as masked JSON, response bodies never (their size and type
only). The file is created 0600 in a 0700 folder, never over an existing file, and stops
growing at MAX_BYTES. One log per process; its path is printed when the process ends.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from .http.redact import mask_json, mask_jwts, redact_headers, redact_query, redact_url

if TYPE_CHECKING:
    from .events import EventBus
    from .http.types import Request, RequestBody, Response

ENV = "QLIK_TUI_DEBUG"
MAX_BYTES = 64 * 1024 * 1024
MAX_BODY_LOGGED = 16 * 1024  # request bodies bigger than this are logged by size only


def wanted(flag: bool) -> bool:
    """--debug, or QLIK_TUI_DEBUG set to anything but '', 0, false or no."""
    return flag or os.environ.get(ENV, "").strip().lower() not in ("", "0", "false", "no")


def default_folder() -> Path:
    """$XDG_STATE_HOME/qlik-tui/debug (default ~/.local/state/qlik-tui/debug)."""
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(state) / "qlik-tui" / "debug"


class DebugLog:
    """One append-only, redacted log file."""

    def __init__(self, folder: Path) -> None:
        from .profiles.safe_files import ensure_private_dir

        ensure_private_dir(folder.parent)
        ensure_private_dir(folder)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.path = folder / f"qlik-tui-{stamp}-{os.getpid()}.log"
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        self._handle = os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace")
        self._size = 0
        self._full = False

    def write(self, kind: str, text: str) -> None:
        """One entry (several lines indented under the first); secrets masked, size bounded."""
        if self._full:
            return
        when = time.strftime("%H:%M:%S", time.localtime()) + f".{int(time.time() * 1000) % 1000:03d}"
        lines = mask_jwts(text).splitlines() or [""]
        entry = f"{when} {kind:<8} {lines[0]}\n" + "".join(f"{'':22}{line}\n" for line in lines[1:])
        if self._size + len(entry) > MAX_BYTES:
            entry, self._full = f"{when} {'log':<8} the log reached {MAX_BYTES // 1048576} MB; nothing more is written\n", True
        self._handle.write(entry)
        self._handle.flush()
        self._size += len(entry)

    def close(self) -> None:
        """Flush and close the file."""
        self._handle.close()


_active: DebugLog | None = None


def start(command: str, folder: Path | None = None) -> DebugLog:
    """Open the process's log (a second call returns the same one)."""
    global _active
    if _active is None:
        from .. import __version__

        _active = DebugLog(folder or default_folder())
        about = f"qlik-tui {__version__} · {command or 'tui'} · Python {platform.python_version()} · {sys.platform}"
        _active.write("start", about)
    return _active


def active() -> DebugLog | None:
    """The open log, or None when debugging is off."""
    return _active


def stop() -> Path | None:
    """Close the log; its path, or None when there was none."""
    global _active
    log, _active = _active, None
    if log is None:
        return None
    log.write("end", "")
    log.close()
    return log.path


def note(kind: str, text: str) -> None:
    """A line in the log, if there is one."""
    if _active is not None:
        _active.write(kind, text)


def watch(events: EventBus, profile: str) -> None:
    """Log a connection's token and session events (minted, session started, 429...)."""
    if _active is not None:
        events.subscribe(lambda event: note("event", f"{profile}: {event.describe()}"))


def _body(body: RequestBody) -> str:
    from .http.types import FileBody  # `qlik-tui` imports this module: keep asyncio out of its start

    if isinstance(body, FileBody):
        return f"\n  body: {body.size:,} bytes from {body.label} (not logged)"
    if not body:
        return ""
    if len(body) > MAX_BODY_LOGGED:
        return f"\n  body: {len(body):,} bytes (not logged)"
    try:
        return "\n  body: " + json.dumps(mask_json(json.loads(body)), ensure_ascii=False)[:MAX_BODY_LOGGED]
    except (ValueError, RecursionError):
        return f"\n  body: {len(body):,} bytes, not JSON (not logged)"


def exchange(profile: str, request: Request, response: Response) -> None:
    """A request and its response: status, redacted URL and headers, timing; never the response body."""
    if _active is None:
        return
    sent = f"{request.method} {request.path}"
    query = redact_query(request.query)
    if query:
        sent += "?" + "&".join(f"{k}={v}" for k, v in query)
    lines = [f"{profile}: {sent} -> {response.status} {response.reason} in {response.elapsed * 1000:,.0f} ms"]
    lines.append(f"  url: {redact_url(response.url)}")
    lines += [f"  > {k}: {v}" for k, v in redact_headers(request.headers)]
    lines += [f"  < {k}: {v}" for k, v in redact_headers(response.headers)]
    if response.timing is not None:
        lines.append(f"  timing: {response.timing.describe()}")
    lines.append(f"  response body: {len(response.body):,} bytes ({response.content_type or 'no type'}, not logged)")
    if response.error is not None:
        lines.append(f"  error: {response.error.message}")
    _active.write("request", "\n".join(lines) + _body(request.body))


def error(exc: BaseException, where: str = "") -> None:
    """An error: its message and hint, or, for one qlik-tui did not expect, the traceback."""
    if _active is None:
        return
    from .errors import QlikTuiError

    prefix = f"{where}: " if where else ""
    if isinstance(exc, QlikTuiError):
        _active.write("error", prefix + "\n".join(exc.lines()))
    else:
        _active.write("crash", prefix + "".join(traceback.format_exception(exc)))
