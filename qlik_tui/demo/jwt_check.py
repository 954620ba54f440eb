"""Token checks shared by the simulated servers: one readable reason per refusal."""

from __future__ import annotations

import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey


class Refused(Exception):
    """A token the server refuses; the text is what the server would log."""


def verify(
    token: str,
    key: RSAPublicKey,
    algorithms: list[str],
    *,
    audience: str | None,
    leeway: float,
    require: list[str],
    now: float | None = None,
) -> dict[str, Any]:
    """Verify signature, exp, nbf (and aud when set) at the server's time `now` (its clock may be
    wrong on purpose: faults.clock_offset); return the claims or raise Refused."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise Refused(f"malformed token: {exc}") from None
    if header.get("alg") not in algorithms:
        raise Refused(f"algorithm {header.get('alg')!r} not accepted (only {', '.join(algorithms)})")
    # exp and nbf are checked below against the server's own clock, not PyJWT's.
    options: dict[str, Any] = {
        "require": require,
        "verify_aud": audience is not None,
        "verify_iat": False,
        "verify_exp": False,
        "verify_nbf": False,
    }
    try:
        claims: dict[str, Any] = jwt.decode(token, key, algorithms=algorithms, audience=audience, leeway=leeway, options=options)
    except jwt.ExpiredSignatureError:
        raise Refused("token expired") from None
    except jwt.ImmatureSignatureError:
        raise Refused("token not yet valid (nbf)") from None
    except jwt.InvalidAudienceError:
        raise Refused("audience mismatch") from None
    except jwt.InvalidSignatureError:
        raise Refused("signature does not verify with the configured certificate") from None
    except jwt.MissingRequiredClaimError as exc:
        raise Refused(f"missing claim {exc.claim}") from None
    except jwt.PyJWTError as exc:
        raise Refused(f"invalid token: {exc}") from None
    clock = time.time() if now is None else now
    for name in ("exp", "nbf"):
        if name in claims and (not isinstance(claims[name], (int, float)) or isinstance(claims[name], bool)):
            raise Refused(f"invalid token: {name} must be a number")
    if "exp" in claims and clock >= claims["exp"] + leeway:
        raise Refused("token expired")
    if "nbf" in claims and clock < claims["nbf"] - leeway:
        raise Refused("token not yet valid (nbf)")
    return claims
