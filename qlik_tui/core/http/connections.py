"""Pick the connection class for a profile."""

from __future__ import annotations

from typing import Any

from ..profiles.model import CloudProfile, Profile
from .cloud import CloudConnection
from .cloud_bearer import CloudBearerConnection
from .connection import Connection
from .qrs_certificate import CertificateConnection
from .qseow import QseowConnection


def open_connection(profile: Profile, **kwargs: Any) -> Connection:
    """The connection class for the profile's product and sign-in method (no network traffic yet)."""
    if isinstance(profile, CloudProfile):
        if profile.auth in ("api_key", "oauth"):
            return CloudBearerConnection(profile, **kwargs)
        return CloudConnection(profile, **kwargs)
    if profile.auth == "certificate":
        return CertificateConnection(profile, **kwargs)
    return QseowConnection(profile, **kwargs)  # jwt and header
