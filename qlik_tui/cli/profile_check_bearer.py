"""`qlik-tui profiles check` for Qlik Cloud API-key and OAuth profiles: what can be known offline.

The secret must resolve (where it was looked for is named, its value never printed); an API
key's claims say whose it is and when it expires, and an expired key fails the check.
"""

from __future__ import annotations

from ..core.errors import SecretError
from ..core.profiles.model import Profile
from ..core.terminal_text import visible


def check_bearer_profile(profile: Profile, online: bool) -> int:
    """Print one line per fact; raise the first problem (QlikTuiError); return 1 when online settings differ."""
    from ..core.auth.api_key import load_api_key, refuse_if_expired
    from ..core.auth.secrets import resolve_secret, secret_source
    from ..core.timefmt import iso

    name = "api_key" if profile.auth == "api_key" else "client_secret"
    source = secret_source(profile, name)
    if source is None:
        resolve_secret(profile, name)  # raises, naming the keys to add
        raise SecretError(f"profile '{profile.name}' has no {name}")  # pragma: no cover - resolve_secret raised
    if profile.auth == "api_key":
        key = load_api_key(profile)
        print(visible(f"secret     API key from {source.describe(name)}: read"))
        if not key.is_jwt:
            print("warning    the API key is not a JWT (Qlik's are): was it copied whole?")
        else:
            expires = f", expires {iso(key.expires_at)}" if key.expires_at is not None else ", no expiry in the key"
            whose = f"{key.claim('sub') or '?'} ({key.claim('subType') or '?'}) of tenant {key.claim('tenantId') or '?'}"
            print(visible(f"api key    for {whose}{expires}"))
            refuse_if_expired(key, profile.name)
    else:
        resolve_secret(profile, name)
        print(visible(f"secret     client secret from {source.describe(name)}: read"))
        scopes = " ".join(getattr(profile, "scopes", ())) or "(the client's own)"
        print(visible(f"oauth      client {getattr(profile, 'client_id', '')}, scopes {scopes}"))
    if profile.tls_verification_off:
        print("warning    verify_tls = false: the server's identity is not checked")
    if online:
        from .profile_online import run_online

        return run_online(profile)
    print("ok")
    return 0
