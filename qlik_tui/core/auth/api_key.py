"""Qlik Cloud API keys: read from where the profile says, understood (they are JWTs), checked locally.

An API key is a JWT that Qlik signed (ES384, `iss` qlik.api/api-keys): we cannot verify it,
but its claims say whose it is and when it dies. An expired key is refused before it is sent,
so a nightly script says "expired on 2026-05-01" instead of a bare 401.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from ..errors import NotAJwtError, RequestFailed
from ..profiles.model import BaseProfile
from ..timefmt import iso
from .credential import CredentialInfo
from .secrets import resolve_secret
from .tokens import decode, is_number

API_KEY_ISSUER = "qlik.api/api-keys"
API_KEY_AUDIENCE = "qlik.api"
HINT_NEW_KEY = (
    "generate a new API key in the tenant (profile menu > Settings > API keys; the user needs the Developer role) "
    "and put it where the profile's api_key_* says"
)


@dataclass(frozen=True)
class ApiKey:
    """An API key and what its claims say (nothing here is verified: Qlik holds the signing key)."""

    key: str
    claims: dict[str, Any]
    header: dict[str, Any]

    @property
    def is_jwt(self) -> bool:
        """True when the key decoded as a JWT (every Qlik API key does)."""
        return bool(self.header)

    @property
    def expires_at(self) -> float | None:
        """`exp` as epoch seconds, None when the key says nothing."""
        exp: Any = self.claims.get("exp")
        return float(exp) if is_number(exp) else None

    @property
    def issued_at(self) -> float | None:
        """`iat` as epoch seconds, when the key has one."""
        iat: Any = self.claims.get("iat")
        return float(iat) if is_number(iat) else None

    @property
    def fingerprint(self) -> str:
        """A short, non-reversible id of the key (for caches and messages; never the key)."""
        return hashlib.sha256(self.key.encode()).hexdigest()[:16]

    def claim(self, name: str) -> str:
        """A claim as short text for people ("" when absent)."""
        value = self.claims.get(name)
        return "" if value is None else str(value)[:100]


def parse_api_key(key: str) -> ApiKey:
    """`key` with its decoded claims; a key that is no JWT keeps empty claims (Qlik will judge it)."""
    try:
        decoded = decode(key)
    except NotAJwtError:
        return ApiKey(key, {}, {})
    return ApiKey(key, decoded.claims, decoded.header)


def load_api_key(profile: BaseProfile) -> ApiKey:
    """The profile's API key, read now from its secret source (SecretError when it cannot be)."""
    value = resolve_secret(profile, "api_key")
    if value.lower().startswith("bearer "):
        value = value[7:].strip()  # pasted with the header's word: the key is what follows
    return parse_api_key(value)


def refuse_if_expired(key: ApiKey, profile_name: str, now: float | None = None) -> None:
    """RequestFailed (before anything is sent) when the key's `exp` has passed."""
    expires = key.expires_at
    now = time.time() if now is None else now
    if expires is not None and expires <= now:
        raise RequestFailed(
            f"profile '{profile_name}': the API key expired on {_when(expires)}: not sent",
            HINT_NEW_KEY,
            401,
        )


def api_key_info(key: ApiKey) -> CredentialInfo:
    """What the token panel and `token` show about an API key (never the key itself)."""
    if not key.is_jwt:
        return CredentialInfo("api_key", "API key (not a JWT: its expiry is unknown)")
    sub, sub_type = key.claim("sub"), key.claim("subType") or "user"
    details = [f"subject {sub} ({sub_type})"] if sub else []
    if key.claim("tenantId"):
        details.append(f"tenant {key.claim('tenantId')}")
    if key.claim("jti"):
        details.append(f"key id {key.claim('jti')}")
    if key.expires_at is None:
        details.append("no expiry in the key")
    return CredentialInfo(
        "api_key",
        f"API key for {sub or 'an unknown subject'}",
        expires_at=key.expires_at,
        issued_at=key.issued_at,
        details=tuple(details),
    )


def _when(timestamp: float) -> str:
    try:
        return iso(timestamp).replace("T", " ")
    except (ValueError, OverflowError, OSError):
        return f"{timestamp:.0f}"
