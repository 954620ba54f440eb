"""Fault switches and counters shared by both simulated servers.

Tests flip a switch (the next N requests get a 429, sessions die after N uses...) and read
the counters (how many JWT logins, which Xrfkeys arrived) to prove what the client did.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class Faults:
    """What to break. Counters count down as they fire; 0 means off."""

    latency: float = 0.0  # seconds added to every request
    rate_limit: int = 0  # answer the next N requests with 429
    retry_after: int = 1  # the Retry-After those 429s carry, in seconds
    server_errors: int = 0  # answer the next N requests with 503
    session_uses: int = 0  # a session dies after this many requests (0: lives on)
    refuse_tokens: int = 0  # refuse the next N valid tokens with 401
    csrf_rotate: int = 0  # rotate the CSRF token of the next N sessions before use (Cloud)
    huge_apps: int = 0  # /qrs/app/full and /qrs/app serve this many apps (0: the store's)
    deny_settings: int = 0  # non-zero: reading proxy / IdP settings answers 403 (a user who is no admin)
    clock_offset: int = 0  # seconds added to the server's clock: its Date header and its token checks
    # canned answers: path (after the QSEoW prefix) -> (content type, body[, status]), served
    # once authentication passed, so hostile bodies (deep, escapes, odd paging) reach clients
    bodies: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def take(self, name: str) -> bool:
        """Consume one firing of a countdown switch; True if it fired."""
        with self._lock:
            left = getattr(self, name)
            if left > 0:
                setattr(self, name, left - 1)
                return True
            return False

    def update(self, values: dict[str, Any]) -> None:
        """Set switches from a dict (the /__sim/faults control endpoint); unknown names raise."""
        known = {f.name: f.type for f in fields(self) if not f.name.startswith("_")}
        for name, value in values.items():
            if name not in known:
                raise KeyError(name)
            if name == "bodies":  # {"/qrs/x": ["application/json", "text"(, 404)]}
                self.bodies = {str(p): (str(v[0]), str(v[1]).encode("utf-8"), *v[2:3]) for p, v in dict(value).items()}
                continue
            setattr(self, name, float(value) if name == "latency" else int(value))

    def canned(self, path: str) -> tuple[int, str, bytes] | None:
        """The canned answer for `path` (status, content type, body), if a test set one."""
        entry = self.bodies.get(path)
        if entry is None:
            return None
        return (int(entry[2]) if len(entry) > 2 else 200), str(entry[0]), bytes(entry[1])

    def pause(self) -> None:
        """Sleep for the configured latency."""
        if self.latency > 0:
            time.sleep(self.latency)


@dataclass
class Stats:
    """What clients did, for assertions."""

    requests: int = 0
    jwt_logins: int = 0  # tokens accepted (QSEoW: new sessions; Cloud: /login/jwt-session)
    refused_tokens: int = 0
    header_logins: int = 0  # QSEoW header-authentication proxies: new sessions
    csrf_fetches: int = 0
    oauth_token_fetches: int = 0  # POST /oauth/token, whatever the answer
    bearer_requests: int = 0  # /api/v1 calls carrying an API key or access token
    refused_bearers: int = 0
    engine_refusals: int = 0  # WebSocket upgrades a front door refused
    xrfkeys: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, name: str, by: int = 1) -> None:
        """Add to a counter, thread-safely."""
        with self._lock:
            setattr(self, name, getattr(self, name) + by)

    def record(self, name: str, value: str) -> None:
        """Append to a list, thread-safely."""
        with self._lock:
            getattr(self, name).append(value)
