"""Token checks shared by the simulated servers: one readable reason per refusal."""

from __future__ import annotations

from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey


class Refused(Exception):
    """A token the server refuses; the text is what the server would log."""


def verify(
    token: str, key: RSAPublicKey, algorithms: list[str], *, audience: str | None, leeway: float, require: list[str]
) -> dict[str, Any]:
    """Verify signature, exp, nbf (and aud when set); return the claims or raise Refused."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise Refused(f"malformed token: {exc}") from None
    if header.get("alg") not in algorithms:
        raise Refused(f"algorithm {header.get('alg')!r} not accepted (only {', '.join(algorithms)})")
    options: dict[str, Any] = {"require": require, "verify_aud": audience is not None, "verify_iat": False}
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
    return claims
