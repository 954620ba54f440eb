"""`qlik-tui token` for profiles that mint nothing: the API key, or a fetched OAuth access token.

The user asked for the secret, so it goes to stdout (and only there); what it is and when it
expires goes to stderr as a warning when it is already dead.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from ..core.errors import UsageError
from ..core.profiles.model import Profile
from .common import warn


def profile_credential(profile: Profile, *, keep_sessions: bool = True, new: bool = False) -> str:
    """The token the profile sends: a minted JWT, the API key, or an access token (kept or fetched)."""
    if profile.auth == "api_key":
        from ..core.auth.api_key import load_api_key

        return load_api_key(profile).key
    if profile.auth == "oauth":
        return asyncio.run(_access_token(profile, keep_sessions, new))[0]
    if profile.signs_jwts:
        from ..core.auth.tokens import mint

        return mint(profile).token
    raise UsageError(
        f"profile '{profile.name}' signs in with auth = \"{profile.auth}\": there is no token to print",
        "`qlik-tui token` prints JWTs, API keys and OAuth access tokens",
    )


async def _access_token(profile: Profile, keep_sessions: bool, new: bool) -> tuple[str, dict[str, Any]]:
    """A live access token: the one kept from an earlier run while it is fresh (one fetch serves
    many `$(qlik-tui token)` runs, as for `call`), else a new one; `new` always fetches."""
    from ..core.auth.session_cache import SessionCache
    from ..core.http.connections import open_connection

    async with open_connection(profile, sessions=SessionCache() if keep_sessions else None) as connection:
        if new:
            await connection.renew_access_token()  # type: ignore[attr-defined]
        token = await connection.bearer()  # type: ignore[attr-defined]
        info = connection.credential_info()
    facts: dict[str, Any] = {}
    if info is not None:
        facts = {"expires_at": info.expires_at, "issued_at": info.issued_at, "details": list(info.details)}
    return str(token), facts


def print_bearer(profile: Profile, as_json: bool, *, keep_sessions: bool = True, new: bool = False) -> int:
    """Print the API key or a live access token (JSON: with what is known about it); exit code."""
    from ..core.auth.tokens import iso

    if profile.auth == "api_key":
        from ..core.auth.api_key import load_api_key

        if new:
            raise UsageError(
                f"profile '{profile.name}' signs in with an API key: --new has nothing to renew",
                "generate a new API key in Qlik Cloud and point api_key_* at it; --new fetches OAuth access tokens",
            )
        key = load_api_key(profile)
        expires = key.expires_at
        if expires is not None and expires <= _now():
            warn(f"profile '{profile.name}': this API key expired on {iso(expires)}: Qlik Cloud refuses it")
        doc: dict[str, Any] = {"profile": profile.name, "kind": "api_key", "token": key.key, "claims": key.claims}
        if expires is not None:
            doc["expires"] = iso(expires)
        token = key.key
    elif profile.auth == "oauth":
        token, facts = asyncio.run(_access_token(profile, keep_sessions, new))
        doc = {"profile": profile.name, "kind": "oauth", "token": token}
        if facts.get("issued_at") is not None:
            doc["issued"] = iso(facts["issued_at"])
        if facts.get("expires_at") is not None:
            doc["expires"] = iso(facts["expires_at"])
    else:
        token = profile_credential(profile)  # raises: nothing to print for this method
        doc = {}
    print(json.dumps(doc, indent=2, ensure_ascii=True) if as_json else token)
    return 0


def _now() -> float:
    import time

    return time.time()
