"""Pick the connection class for a profile."""

from __future__ import annotations

from typing import Any

from .. import debug_log
from ..profiles.model import CloudProfile, Profile
from .cloud import CloudConnection
from .connection import Connection
from .qseow import QseowConnection


def open_connection(profile: Profile, **kwargs: Any) -> Connection:
    """A QseowConnection or CloudConnection for `profile` (no network traffic yet)."""
    connection: Connection
    if isinstance(profile, CloudProfile):
        connection = CloudConnection(profile, **kwargs)
    else:
        connection = QseowConnection(profile, **kwargs)
    debug_log.watch(connection.events, profile.name)  # with --debug: tokens, sessions, 429s...
    return connection
