"""Pick the connection class for a profile."""

from __future__ import annotations

from typing import Any

from ..profiles.model import CloudProfile, Profile
from .cloud import CloudConnection
from .cloud_bearer import CloudBearerConnection
from .connection import Connection
from .qseow import QseowConnection


def open_connection(profile: Profile, **kwargs: Any) -> Connection:
    """A QseowConnection or CloudConnection for `profile` (no network traffic yet)."""
    if isinstance(profile, CloudProfile):
        if profile.auth in ("api_key", "oauth"):
            return CloudBearerConnection(profile, **kwargs)
        return CloudConnection(profile, **kwargs)
    return QseowConnection(profile, **kwargs)
