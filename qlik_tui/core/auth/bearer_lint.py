"""The rules for Qlik Cloud Bearers that Qlik itself issues: API keys and OAuth access tokens.

They are not judged by the JWT-login rules (no `kid` from an IdP, no `email`, no one-hour
cap): Qlik signed them (ES384) and only the tenant can verify them. What can be seen from
outside is whose they are and whether they are still alive.
"""

from __future__ import annotations

import json
from typing import Any

from .api_key import API_KEY_AUDIENCE, API_KEY_ISSUER
from .token_lint import ERROR, WARNING, Finding

ACCESS_TOKEN_ISSUER = "qlik.api"
API_KEY_SUBJECT_TYPES = ("user", "externalClient")  # externalClient: SCIM provisioning keys


def bearer_kind(claims: dict[str, Any]) -> str | None:
    """ "api_key" or "oauth" when the claims say Qlik issued the token as one, else None."""
    if claims.get("iss") == API_KEY_ISSUER:
        return "api_key"
    if claims.get("iss") == ACCESS_TOKEN_ISSUER and claims.get("purpose") == "accessToken":
        return "oauth"
    return None


def api_key_findings(header: dict[str, Any], claims: dict[str, Any]) -> list[Finding]:
    """What makes a token look like no Qlik API key (expiry is judged with the other times)."""
    out: list[Finding] = []
    if claims.get("iss") != API_KEY_ISSUER:
        out.append(Finding(ERROR, "iss", f"`iss` is {json.dumps(claims.get('iss'))}: Qlik API keys have {API_KEY_ISSUER!r}"))
    aud = claims.get("aud")
    if "aud" in claims and aud != API_KEY_AUDIENCE:
        out.append(Finding(WARNING, "aud", f"`aud` is {json.dumps(aud)}: Qlik API keys have {API_KEY_AUDIENCE!r}"))
    for name in ("sub", "jti"):
        if not (isinstance(claims.get(name), str) and claims[name]):
            out.append(Finding(ERROR, f"{name}-missing", f"no `{name}`: every Qlik API key names its subject and its key id"))
    if claims.get("subType") not in API_KEY_SUBJECT_TYPES:
        out.append(
            Finding(
                ERROR, "subType", f"`subType` is {json.dumps(claims.get('subType'))}: API keys are for a user or externalClient"
            )
        )
    if "tenantId" not in claims:
        out.append(Finding(WARNING, "tenantId-missing", "no `tenantId`: Qlik API keys name the tenant that issued them"))
    if header.get("alg") != "ES384":
        out.append(Finding(WARNING, "alg", f"algorithm {json.dumps(header.get('alg'))}: Qlik signs API keys with ES384"))
    return out


def access_token_findings(claims: dict[str, Any]) -> list[Finding]:
    """An OAuth access token is opaque by Qlik's word: only its issuer is looked at."""
    if claims.get("iss") != ACCESS_TOKEN_ISSUER:
        return [
            Finding(
                WARNING, "iss", f"`iss` is {json.dumps(claims.get('iss'))}: Qlik's access tokens have {ACCESS_TOKEN_ISSUER!r}"
            )
        ]
    return []
