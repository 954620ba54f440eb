"""Mint JWTs the way each Qlik product demands, and decode any JWT for people to read.

PyJWT and the key loader (cryptography) are imported where a token is minted or checked:
a run that reuses a kept session (`qlik-tui engine eval`, `call`) never pays for them.

QSEoW: the profile's claims verbatim + iat/exp (+ aud). Qlik Cloud: the full claim set
with a fresh jti, a `kid` header and exp - nbf <= 3600. Both are backdated by the
profile's clock skew so a server whose clock runs a little behind still accepts them.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import JsonOddNumber, JsonTooDeep, NotAJwtError, TokenError
from ..json.parse import loads
from ..profiles.model import CLOUD_AUDIENCE, CLOUD_MAX_LIFETIME, CloudProfile, Profile, QseowProfile
from ..timefmt import iso


@dataclass(frozen=True)
class MintedToken:
    """A signed token and what it says; `repr` never shows the token itself."""

    token: str = field(repr=False)
    header: dict[str, Any]
    claims: dict[str, Any]

    @property
    def expires_at(self) -> float:
        """`exp` as a Unix timestamp."""
        return float(self.claims["exp"])

    @property
    def issued_at(self) -> float:
        """`iat` as a Unix timestamp."""
        return float(self.claims["iat"])

    def seconds_left(self, now: float | None = None) -> float:
        """Seconds until `exp` (negative once expired)."""
        return self.expires_at - (time.time() if now is None else now)


def build_claims(profile: Profile, now: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims `mint` signs, for `profile` at time `now`."""
    issued = int(now) - profile.clock_skew
    if isinstance(profile, QseowProfile):
        claims: dict[str, Any] = dict(profile.claims)
        claims["iat"] = issued
        claims["exp"] = int(now) + profile.lifetime_seconds
        if profile.audience:
            claims["aud"] = profile.audience
        return {"alg": profile.algorithm, "typ": "JWT"}, claims
    assert isinstance(profile, CloudProfile)
    expires = min(int(now) + profile.lifetime_seconds, issued + CLOUD_MAX_LIFETIME)
    claims = {
        "iss": profile.issuer,
        "aud": CLOUD_AUDIENCE,
        "sub": profile.claims["sub"],
        "subType": profile.claims.get("subType", "user"),
        "name": profile.claims["name"],
        "email": profile.claims["email"],
        "email_verified": profile.claims["email_verified"],
    }
    if "groups" in profile.claims:
        claims["groups"] = list(profile.claims["groups"])
    claims.update(jti=secrets.token_urlsafe(24), iat=issued, nbf=issued, exp=expires)
    return {"alg": "RS256", "typ": "JWT", "kid": profile.key_id}, claims


def mint(profile: Profile, now: float | None = None) -> MintedToken:
    """Sign a new token for `profile` (the key is loaded once and cached)."""
    if not profile.signs_jwts:
        # Without this, the empty `key` of such a profile read as the profiles folder.
        raise TokenError(
            f"profile '{profile.name}' signs in with auth = \"{profile.auth}\": qlik-tui mints no JWT for it",
            "tokens are only for JWT profiles; `qlik-tui call` and the TUI sign in the profile's own way",
        )
    import jwt

    from .keys import load_private_key

    key = load_private_key(profile.key_path, profile.secrets.get("key_passphrase"), base_dir=profile.base_dir)
    header, claims = build_claims(profile, time.time() if now is None else now)
    _require_json(profile, claims)
    extra = {k: v for k, v in header.items() if k not in ("alg", "typ")}
    try:
        token = jwt.encode(claims, key, algorithm=header["alg"], headers=extra or None)
    except (TypeError, ValueError) as exc:
        raise TokenError(
            f"profile '{profile.name}': cannot sign the token ({exc})",
            "check the claims table: values must be strings, numbers, booleans, lists or tables",
        ) from None
    return MintedToken(token=token, header=jwt.get_unverified_header(token), claims=claims)


def _require_json(profile: Profile, claims: dict[str, Any]) -> None:
    """Refuse claims JSON cannot carry: json.dumps writes NaN and Infinity, which no JWT parser reads."""
    for name, value in claims.items():
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError, RecursionError):
            raise TokenError(
                f"profile '{profile.name}': claim `{name}` cannot go into a token (it is not plain JSON: NaN, inf or a date?)",
                "use strings, finite numbers, booleans, lists or tables in the claims table",
            ) from None


@dataclass(frozen=True)
class DecodedToken:
    """What a token says, and what could be checked about it."""

    header: dict[str, Any]
    claims: dict[str, Any]
    state: str  # "valid", "expired", "not yet valid", "no expiry"
    signature: str  # "verified", "INVALID", "not checked"
    audience: str  # "matches", "MISMATCH (...)", "not checked"

    def times(self) -> dict[str, str]:
        """iat/nbf/exp as ISO 8601 UTC strings, for the claims that are numbers."""
        return {k: _when(self.claims[k]) for k in ("iat", "nbf", "exp") if is_number(self.claims.get(k))}

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "header": self.header,
            "claims": self.claims,
            "times": self.times(),
            "state": self.state,
            "signature": self.signature,
            "audience": self.audience,
        }


def is_number(value: object) -> bool:
    """A JSON number (a bool is not one, though Python says it is an int)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _when(timestamp: float) -> str:
    # A time in milliseconds (year 50,000+) is past what datetime can show: say so, never crash.
    try:
        return iso(timestamp)
    except (ValueError, OverflowError, OSError):
        return f"{timestamp:.0f} (after the year 9999: milliseconds, not seconds?)"


MAX_SEGMENT_DEPTH = 32  # nesting levels in a header or claims: Qlik's claims are one or two deep


def _segment(part: str, name: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        # Any depth (json.loads raised RecursionError near 1,000 levels); NaN, Infinity and 1e400
        # are refused (JsonOddNumber): JSON (and Qlik) has no such numbers, and --json must stay JSON.
        value = loads(raw)
    except (binascii.Error, ValueError) as exc:
        why = f": it holds {exc.what}" if isinstance(exc, JsonOddNumber) else ""
        if isinstance(exc, JsonTooDeep):
            why = f": it is nested more than {exc.limit:,} levels deep"
        raise NotAJwtError(
            f"the token's {name} is not base64url-encoded JSON{why}",
            "pass the whole token: three dot-separated parts, no quotes or 'Bearer '",
        ) from None
    if not isinstance(value, dict):
        raise NotAJwtError(f"the token's {name} is not a JSON object", "is this really a JWT?")
    if _depth(value) > MAX_SEGMENT_DEPTH:
        # Printing it (json.dumps) would recurse past Python's limit; no Qlik token looks like it.
        raise NotAJwtError(f"the token's {name} is nested more than {MAX_SEGMENT_DEPTH} levels deep", "is this really a JWT?")
    return value


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in `value`, walked without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return deepest


def decode(token: str, cert: Path | None = None, audience: str | None = None, now: float | None = None) -> DecodedToken:
    """Decode `token`; check its signature against `cert` and its `aud` against `audience`."""
    token = token.strip()
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    parts = token.split(".")
    if len(parts) != 3:
        raise NotAJwtError(
            f"not a JWT: expected 3 dot-separated parts, found {len(parts)}",
            "pass the token itself (qlik-tui token --decode TOKEN, or - to read it from stdin)",
        )
    header = _segment(parts[0], "header")
    claims = _segment(parts[1], "claims")
    now = time.time() if now is None else now
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if isinstance(exp, (int, float)) and now >= exp:
        state = "expired"
    elif isinstance(nbf, (int, float)) and now < nbf:
        state = "not yet valid"
    elif isinstance(exp, (int, float)):
        state = "valid"
    else:
        state = "no expiry"
    signature = "not checked"
    if cert is not None:
        signature = _check_signature(token, header, cert)
    aud_state = "not checked"
    if audience is not None:
        aud = claims.get("aud")
        ok = aud == audience or (isinstance(aud, list) and audience in aud)
        has = "the token has no `aud`" if aud is None else f"token has {aud!r}"
        aud_state = "matches" if ok else f"MISMATCH ({has}, expected {audience!r})"
    return DecodedToken(header, claims, state, signature, aud_state)


def _check_signature(token: str, header: dict[str, Any], cert: Path) -> str:
    import jwt

    from .keys import load_public_key

    public = load_public_key(cert)
    alg = header.get("alg")
    if alg not in ("RS256", "RS384", "RS512"):
        return f"INVALID (algorithm {alg!r} is not RS256/RS384/RS512)"
    try:
        jwt.decode(
            token,
            public,
            algorithms=[alg],
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False},
        )
    except jwt.InvalidSignatureError:
        return "INVALID (not signed by this certificate's key)"
    except jwt.PyJWTError as exc:
        return f"INVALID ({exc})"
    return "verified"


def check_key_against_cert(profile: Profile) -> bool | None:
    """None when the profile has no cert; else whether the cert is the key's public half."""
    if profile.cert_path is None:
        return None
    from .keys import key_matches, load_private_key, load_public_key

    private = load_private_key(profile.key_path, profile.secrets.get("key_passphrase"), base_dir=profile.base_dir)
    return key_matches(private, load_public_key(profile.cert_path))
