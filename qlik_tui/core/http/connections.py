"""Pick the connection class for a profile.

Each class is imported when a profile needs it: a QSEoW run never loads the Cloud sign-in
(OAuth, API keys) nor the client-certificate code (cryptography), which `qlik-tui engine
eval` would pay for on every start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import debug_log
from ..events import SESSION_CACHE
from ..profiles.model import CloudProfile, Profile
from .connection import Connection

if TYPE_CHECKING:
    from ..auth.session_cache import SessionCache


def open_connection(profile: Profile, *, sessions: SessionCache | None = None, **kwargs: Any) -> Connection:
    """The connection for `profile` (no network traffic yet); with `sessions`, a kept session
    is restored now and the session is kept for the next run (unless `session_cache = false`)."""
    connection = _connection_class(profile, **kwargs)
    debug_log.watch(connection.events, profile.name)  # with --debug: tokens, sessions, 429s...
    if sessions is not None and profile.session_cache:
        connection.keep_sessions_in(sessions)
    elif sessions is not None and sessions.forget(profile):
        # `session_cache = false` set after a session was kept: keeping nothing means removing that too
        connection.events.emit(SESSION_CACHE, "kept session removed: the profile says session_cache = false")
    return connection


def _connection_class(profile: Profile, **kwargs: Any) -> Connection:
    if isinstance(profile, CloudProfile):
        if profile.auth in ("api_key", "oauth"):
            from .cloud_bearer import CloudBearerConnection

            return CloudBearerConnection(profile, **kwargs)
        from .cloud import CloudConnection

        return CloudConnection(profile, **kwargs)
    if profile.auth == "certificate":
        from .qrs_certificate import CertificateConnection

        return CertificateConnection(profile, **kwargs)
    from .qseow import QseowConnection

    return QseowConnection(profile, **kwargs)  # jwt and header
