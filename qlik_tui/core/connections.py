"""Pick the connection class for a profile."""

from __future__ import annotations

from typing import Any

from .cloud_connection import CloudConnection
from .connection import Connection
from .profile_model import CloudProfile, Profile
from .qseow_connection import QseowConnection


def open_connection(profile: Profile, **kwargs: Any) -> Connection:
    """A QseowConnection or CloudConnection for `profile` (no network traffic yet)."""
    if isinstance(profile, CloudProfile):
        return CloudConnection(profile, **kwargs)
    return QseowConnection(profile, **kwargs)
