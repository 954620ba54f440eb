"""Connection events: what happened to tokens and sessions, for the token panel and `-v`."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

MINTED = "minted"
REMINTED = "re-minted"
SESSION_STARTED = "session started"
SESSION_LOST = "session lost"
LOGGED_IN = "logged in"
CSRF_REFRESHED = "csrf refreshed"
RATE_LIMITED = "rate limited"
RELOGIN_BACKOFF = "re-login back-off"
REDIRECTED = "redirected"
PREFIX_IN_PATH = "prefix in path"  # a warning: the CLI prints it even without -v
SESSION_COOKIE_MISSING = "session cookie missing"  # the pinned session_cookie was not set
OAUTH_TOKEN_FETCHED = "access token fetched"  # OAuth client credentials: a new access token
BEARER_REFUSED = "bearer refused"  # Qlik Cloud answered 401 to an API key or access token
SESSION_RESTORED = "session restored"  # a session kept from an earlier run (the session cache)
CACHED_SESSION_REFUSED = "cached session refused"  # ... that the server no longer knows: signing in again
SESSION_CACHE = "session cache"  # a kept session discarded (profile changed, unreadable file)
ENGINE_CONNECTED = "engine connected"
ENGINE_NOTIFICATION = "engine notification"
ENGINE_APP_OPENED = "engine app opened"
ENGINE_CLOSED = "engine closed"


@dataclass(frozen=True)
class ConnectionEvent:
    """One thing that happened; `detail` never holds a secret."""

    kind: str
    detail: str = ""
    at: float = field(default_factory=time.time)

    def describe(self) -> str:
        """'re-minted (after 401)' style text."""
        return f"{self.kind} ({self.detail})" if self.detail else self.kind


Listener = Callable[[ConnectionEvent], None]


class EventBus:
    """Calls every listener for every event; a failing listener never breaks a request."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._listeners: list[Listener] = []
        self.history: list[ConnectionEvent] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns a function that removes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def emit(self, kind: str, detail: str = "") -> ConnectionEvent:
        """Record and broadcast an event."""
        event = ConnectionEvent(kind, detail, self.clock())
        self.history.append(event)
        del self.history[:-200]
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                pass
        return event

    def count(self, kind: str) -> int:
        """How many events of `kind` were emitted (tests and the token panel use it)."""
        return sum(1 for e in self.history if e.kind == kind)
