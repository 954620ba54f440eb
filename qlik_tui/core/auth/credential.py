"""What signs a profile's requests, described for people (the token panel, `token`, `profiles check`).

Each connection class answers `credential_info()` with one of these; the UI shows it without
knowing the sign-in method. It never holds a secret: only what can be shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CredentialKind = Literal["jwt", "api_key", "oauth", "certificate", "header"]


@dataclass(frozen=True)
class CredentialInfo:
    """A description of the credential in use: its kind, a label, and when it stops working."""

    kind: CredentialKind
    # one line for people: "JWT RS256 for DIR\\user", "API key (sub ...)", "client certificate CN=..."
    label: str
    # epoch seconds at which it expires, when it does (JWT, API key, OAuth token, certificate)
    expires_at: float | None = None
    # epoch seconds at which it was issued/fetched, when known (for a countdown bar)
    issued_at: float | None = None
    # more lines for the panel ("subject CN=...", "scopes: user_default", "refreshed 3 times")
    details: tuple[str, ...] = ()

    def seconds_left(self, now: float) -> float | None:
        """Seconds until expiry (negative once expired), None when it does not expire."""
        return None if self.expires_at is None else self.expires_at - now
