"""Pick the connection class for a profile."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import debug_log
from ..events import SESSION_CACHE
from ..profiles.model import CloudProfile, Profile
from .cloud import CloudConnection
from .cloud_bearer import CloudBearerConnection
from .connection import Connection
from .qrs_certificate import CertificateConnection
from .qseow import QseowConnection

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
            return CloudBearerConnection(profile, **kwargs)
        return CloudConnection(profile, **kwargs)
    if profile.auth == "certificate":
        return CertificateConnection(profile, **kwargs)
    return QseowConnection(profile, **kwargs)  # jwt and header
