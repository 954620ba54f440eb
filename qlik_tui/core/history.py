"""Per-profile request history, persisted as JSON lines (0600) with no secrets in it.

What is written: time, method, path, query, status, elapsed, and the request body, with
secret-named query parameters and JSON keys and JWT-shaped strings masked (http.redact).
Never headers, cookies, tokens or CSRF values.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .errors import QlikTuiError, UsageError
from .file_read import read_regular_file
from .http.redact import MASK, mask_json, mask_jwts, redact_query
from .http.types import Request
from .json.parse import loads
from .profiles.safe_files import ensure_private_dir

MAX_ENTRIES = 500
MAX_BODY = 64 * 1024
MAX_FILE = 64 * 1024 * 1024  # bytes: trimmed near MAX_ENTRIES * 2 kB, so only damage gets here
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


def default_state_dir() -> Path:
    """$XDG_STATE_HOME/qlik-tui (default ~/.local/state/qlik-tui)."""
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(state) / "qlik-tui"


def private_folder(folder: Path) -> Path:
    """Create `folder` 0700; the qlik-tui state folder above it too (made 0700, or tightened)."""
    state = default_state_dir()
    if folder == state or state in folder.parents:
        ensure_private_dir(state)  # mkdir(parents=True) alone would make it 0755
    return ensure_private_dir(folder)


def mask_secrets(value: Any) -> Any:
    """A copy of a JSON value with secret keys' values and JWT-shaped strings masked."""
    return mask_json(value)


def refuse_masked(parts: dict[str, str]) -> None:
    """UsageError when a request's texts (path, query, headers, body) still hold a value the history masked.

    A masked entry sent again would carry the literal dots in place of the secret: the server
    answers with a puzzling 401 or 400, or worse, stores the dots as the new value.
    """
    masked = [name for name, text in parts.items() if MASK in text]
    if masked:
        verb = "holds" if len(masked) == 1 else "hold"
        raise UsageError(
            f"the {' and '.join(masked)} still {verb} a value masked in the history ({MASK})",
            "type the real value in its place (the history never keeps secrets), then send",
        )


@dataclass(frozen=True)
class HistoryEntry:
    """One sent request and how it went."""

    at: float
    method: str
    path: str
    query: list[tuple[str, str]]
    body: str | None
    status: int | None
    elapsed: float | None

    def to_request(self) -> Request:
        """The request again, ready to re-send."""
        return Request.build(self.method, self.path, list(self.query), self.body.encode() if self.body else None)

    def refuse_masked(self) -> None:
        """UsageError when re-sending would send a masked value (see `refuse_masked`)."""
        query = "\n".join(f"{k}={v}" for k, v in self.query)
        refuse_masked({"path": self.path, "query": query, "body": self.body or ""})

    def label(self) -> str:
        """'200 GET /qrs/app/full' for lists."""
        status = str(self.status) if self.status is not None else "ERR"
        return f"{status} {Request.build(self.method, self.path, list(self.query)).label()}"


class History:
    """The history file of one profile."""

    def __init__(self, profile_name: str, folder: Path | None = None) -> None:
        self.path = (folder or default_state_dir() / "history") / f"{_SAFE_NAME.sub('_', profile_name)}.jsonl"
        self._cache: list[HistoryEntry] | None = None  # read once; add() keeps it current

    def entries(self) -> list[HistoryEntry]:
        """Newest last; unreadable lines are skipped (a damaged file never stops the app)."""
        if self._cache is None:
            self._cache = self._read()
        return list(self._cache)

    def _read(self) -> list[HistoryEntry]:
        try:
            # A FIFO or device in its place, or a file grown absurdly, is not read (nor waited on);
            # bytes that are not UTF-8 spoil only their own line.
            raw_file = read_regular_file(self.path, what="history file", limit=MAX_FILE)
        except QlikTuiError:
            return []
        lines = raw_file.decode("utf-8", "replace").splitlines()
        out = []
        for line in lines[-MAX_ENTRIES:]:
            try:
                raw = json.loads(line)
                out.append(
                    HistoryEntry(
                        raw["at"],
                        raw["method"],
                        raw["path"],
                        [tuple(p) for p in raw["query"]],
                        raw.get("body"),
                        raw.get("status"),
                        raw.get("elapsed"),
                    )
                )
            except (ValueError, KeyError, TypeError, RecursionError):  # a line nested thousands deep
                continue
        return out

    def add(self, request: Request, status: int | None, elapsed: float | None) -> HistoryEntry:
        """Append one entry (secrets masked); trims the file now and then."""
        query = redact_query(request.query)
        entry = HistoryEntry(
            time.time(),
            request.method,
            mask_jwts(request.path),
            query,
            _safe_body(request.body if isinstance(request.body, bytes) else None),
            status,
            elapsed,
        )
        private_folder(self.path.parent)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            # ASCII escapes: a path from a server's next-page link may hold a lone surrogate,
            # which UTF-8 cannot write (UnicodeEncodeError ended the TUI); \ud800 reads back.
            handle.write(json.dumps(asdict(entry)) + "\n")
        if self._cache is not None:
            self._cache.append(entry)
            del self._cache[:-MAX_ENTRIES]
        if self.path.stat().st_size > MAX_ENTRIES * 2048:
            self._trim()
        return entry

    def _trim(self) -> None:
        from .profiles.safe_files import atomic_write

        keep = self._read()[-MAX_ENTRIES // 2 :]
        self._cache = list(keep)
        atomic_write(self.path, "".join(json.dumps(asdict(e)) + "\n" for e in keep).encode())


def _safe_body(body: bytes | None) -> str | None:
    if not body:
        return None
    if len(body) > MAX_BODY:
        return None  # big bodies are not worth keeping, and might hold anything
    try:
        return json.dumps(mask_json(loads(body)), ensure_ascii=False)
    except ValueError:
        return None  # not JSON: cannot tell what is secret in it, so keep nothing
    except RecursionError:
        return None  # nested too deep for json.dumps: not worth keeping
