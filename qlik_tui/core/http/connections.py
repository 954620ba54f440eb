"""Pick the connection class for a profile."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..profiles.model import CloudProfile, Profile
from .cloud import CloudConnection
from .connection import Connection
from .qseow import QseowConnection

if TYPE_CHECKING:
    from ..auth.session_cache import SessionCache


def open_connection(profile: Profile, *, sessions: SessionCache | None = None, **kwargs: Any) -> Connection:
    """The connection for `profile` (no network traffic yet); with `sessions`, a kept session
    is restored now and the session is kept for the next run (unless `session_cache = false`)."""
    connection = _connection_class(profile, **kwargs)
    if sessions is not None and profile.session_cache:
        connection.keep_sessions_in(sessions)
    return connection


def _connection_class(profile: Profile, **kwargs: Any) -> Connection:
    if isinstance(profile, CloudProfile):
        return CloudConnection(profile, **kwargs)
    return QseowConnection(profile, **kwargs)
