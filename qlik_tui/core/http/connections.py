"""Pick the connection class for a profile."""

from __future__ import annotations

from typing import Any

from ..profiles.model import CloudProfile, Profile
from .cloud import CloudConnection
from .connection import Connection
from .qseow import QseowConnection


def open_connection(profile: Profile, **kwargs: Any) -> Connection:
    """A QseowConnection or CloudConnection for `profile` (no network traffic yet)."""
    if isinstance(profile, CloudProfile):
        return CloudConnection(profile, **kwargs)
    return QseowConnection(profile, **kwargs)
