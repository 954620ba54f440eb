"""The session hooks every connection has: what to keep between runs, and putting it back.

A connection class overrides `session_state()` / `restore_session()`; the rest is shared:
restore at creation (`keep_sessions_in`, called by `open_connection`), save after the
session is (re)established (the events in SESSION_SAVED_AFTER, or `save_session()` called
directly) and at close, and a refused kept session reported quietly as such.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from ..events import (
    CACHED_SESSION_REFUSED,
    CSRF_REFRESHED,
    LOGGED_IN,
    OAUTH_TOKEN_FETCHED,
    SESSION_CACHE,
    SESSION_LOST,
    SESSION_RESTORED,
    SESSION_STARTED,
    ConnectionEvent,
    EventBus,
)
from ..profiles.model import Profile

if TYPE_CHECKING:
    from ..auth.session_cache import SessionCache

# Events after which the session is worth keeping (again); sign-in classes may add their own.
SESSION_SAVED_AFTER = {SESSION_STARTED, LOGGED_IN, CSRF_REFRESHED, OAUTH_TOKEN_FETCHED}
# Events after which the kept session may be stale: written again (or removed) at close.
SESSION_CHANGED_BY = {*SESSION_SAVED_AFTER, SESSION_LOST, CACHED_SESSION_REFUSED}


class SessionKeeping:
    """The session-cache side of `Connection` (base: nothing worth keeping)."""

    profile: Profile
    events: EventBus
    _client: httpx.AsyncClient | None
    session_cache: SessionCache | None = None
    restored_session: str | None = None  # the session id a cache gave us, while it is in use
    _session_changed = False

    def session_state(self) -> dict[str, Any] | None:
        """What is worth keeping of the server session (JSON-able), None when nothing is.

        Cookies, a CSRF token, an OAuth access token: never a JWT qlik-tui can mint again, a
        key, an API key or a client secret. The sign-in classes that keep sessions override it.
        """
        return None

    def restore_session(self, state: dict[str, Any]) -> None:
        """Take back what `session_state` gave (ValueError when it is not that); base: nothing."""

    def keep_sessions_in(self, cache: SessionCache) -> None:
        """Use `cache`: restore the profile's kept session now, save it whenever it changes."""
        self.session_cache = cache
        loaded = cache.load(self.profile)
        if loaded.note:
            self.events.emit(SESSION_CACHE, loaded.note)
        if loaded.state is not None:
            try:
                self.restore_session(loaded.state)
            except (ValueError, TypeError, KeyError):
                self.restored_session = None
                cache.forget(self.profile)
                self.events.emit(SESSION_CACHE, "unreadable cached session ignored")
            else:
                if self.restored_session:
                    self.events.emit(SESSION_RESTORED, "kept from an earlier run")
        self.events.subscribe(self._on_session_event)

    def _on_session_event(self, event: ConnectionEvent) -> None:
        if event.kind in SESSION_CHANGED_BY:
            self._session_changed = True
        if event.kind in SESSION_SAVED_AFTER:
            self.save_session()

    def save_session(self) -> None:
        """Write the session to the cache now (when there is a cache); an empty one is forgotten."""
        if self.session_cache is not None and self._client is not None:
            self.session_cache.save(self.profile, self.session_state())

    def session_refused(self, session: str | None, detail: str) -> None:
        """Say that `session` was refused: a kept one quietly, any other as a lost session."""
        if session is not None and session == self.restored_session:
            self.restored_session = None
            if self.session_cache is not None:
                self.session_cache.forget(self.profile)
            self.events.emit(CACHED_SESSION_REFUSED, detail)
        else:
            self.events.emit(SESSION_LOST, detail)

    def save_session_if_changed(self) -> None:
        """At close: write the session again if it changed since the last save (or remove it)."""
        if self._session_changed:
            self.save_session()
            self._session_changed = False
