"""The simulated tenant's API keys and OAuth machine-to-machine clients, as strict as Qlik's.

API keys are JWTs the tenant signs (ES384, `iss` qlik.api/api-keys, `aud` qlik.api, `exp`);
a key is accepted only while the tenant knows it, has not revoked it, and it has not expired.
`POST /oauth/token` takes client credentials (form-encoded or JSON), checks the secret and the
scopes, and answers errors in Qlik's `errors` shape with the OAuth error name as the title.
Access tokens are JWTs too (`purpose` accessToken, `aud` the tenant's origin) and expire.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

from .cloud_routes import error
from .http_server import SimRequest, SimResponse

API_KEY_ISSUER = "qlik.api/api-keys"
API_KEY_AUDIENCE = "qlik.api"
TOKEN_ISSUER = "qlik.api"
ALGORITHM = "ES384"
MAX_FORM = 16 * 1024  # bytes of a token request body the tenant reads
TOKEN_LIMIT_PER_MINUTE = 100  # /oauth/token is a tier-2 endpoint (x-qlik-tier: 100 a minute)


class BearerRefused(Exception):
    """A Bearer the tenant refuses; the text is the error detail it answers with."""


@dataclass(frozen=True)
class OAuthClient:
    """A machine-to-machine OAuth client registered in the tenant."""

    client_id: str
    secret: str
    scopes: tuple[str, ...] = ("user_default",)
    subject: str = ""  # the bot user the client acts as


@dataclass
class BearerAuthority:
    """Issues and checks the tenant's API keys and access tokens."""

    tenant_id: str
    token_lifetime: int = 21600  # seconds an access token lives (Qlik: 6 hours; tests: a few seconds)
    kid: str = field(default_factory=lambda: secrets.token_hex(8))
    _key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP384R1()))
    _api_keys: dict[str, str] = field(default_factory=dict)  # jti -> subject
    _revoked: set[str] = field(default_factory=set)
    _access: dict[str, str] = field(default_factory=dict)  # jti -> subject
    clients: dict[str, OAuthClient] = field(default_factory=dict)
    _token_requests: deque[float] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self._key, algorithm=ALGORITHM, headers={"kid": self.kid, "typ": "JWT"})

    def issue_api_key(self, subject: str, lifetime: float = 365 * 86400, now: float | None = None) -> str:
        """A new API key for `subject`, valid `lifetime` seconds from `now` (negative: already expired)."""
        now = time.time() if now is None else now
        jti = secrets.token_urlsafe(16)
        claims = {
            "sub": subject,
            "subType": "user",
            "tenantId": self.tenant_id,
            "jti": jti,
            "aud": API_KEY_AUDIENCE,
            "iss": API_KEY_ISSUER,
            "iat": int(min(now, now + lifetime) - 60),
            "exp": int(now + lifetime),
        }
        with self._lock:
            self._api_keys[jti] = subject
        return self._sign(claims)

    def revoke(self, token: str) -> None:
        """Revoke an API key or access token (as DELETE /api/v1/api-keys/{id} would)."""
        jti = jwt.decode(token, options={"verify_signature": False}).get("jti", "")
        with self._lock:
            self._revoked.add(str(jti))

    def register(self, client: OAuthClient) -> None:
        """Add a machine-to-machine OAuth client."""
        with self._lock:
            self.clients[client.client_id] = client

    def check(self, token: str, origin: str, now: float) -> str:
        """The subject a Bearer speaks for; BearerRefused (with why) when the tenant does not accept it."""
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(
                token,
                self._key.public_key(),
                algorithms=[ALGORITHM],
                options={"verify_exp": False, "verify_aud": False, "verify_iat": False, "verify_nbf": False},
            )
        except jwt.PyJWTError:
            raise BearerRefused("invalid API key or access token") from None
        if header.get("kid") != self.kid:
            raise BearerRefused("invalid API key or access token")
        jti = str(claims.get("jti", ""))
        exp = claims.get("exp")
        with self._lock:
            if claims.get("iss") == API_KEY_ISSUER and claims.get("aud") == API_KEY_AUDIENCE:
                subject = self._api_keys.get(jti)
                what = "API key"
            elif claims.get("iss") == TOKEN_ISSUER and claims.get("purpose") == "accessToken" and claims.get("aud") == origin:
                subject = self._access.get(jti)
                what = "access token"
            else:
                raise BearerRefused("invalid API key or access token")
            if subject is None:
                raise BearerRefused(f"unknown {what}")
            if jti in self._revoked:
                raise BearerRefused(f"{what} revoked")
        if not isinstance(exp, (int, float)) or now >= exp:
            raise BearerRefused(f"{what} expired")
        return subject

    def token_endpoint(self, req: SimRequest, now: float) -> SimResponse:
        """POST /oauth/token with client credentials."""
        if req.method != "POST":
            return error(405, "HTTP-405", "Method Not Allowed")
        with self._lock:
            while self._token_requests and now - self._token_requests[0] > 60:
                self._token_requests.popleft()
            if len(self._token_requests) >= TOKEN_LIMIT_PER_MINUTE:
                return error(429, "HTTP-429", "Too Many Requests", "token requests are limited", [("Retry-After", "60")])
            self._token_requests.append(now)
        form = _form(req)
        if form is None:
            return error(400, "OAUTH-1", "invalid_request", "the body must be form-encoded or JSON, at most 16 kB")
        grant = form.get("grant_type")
        if grant != "client_credentials":
            return error(400, "OAUTH-2", "unsupported_grant_type", f"grant_type {str(grant)[:50]!r} is not supported here")
        client = self.clients.get(str(form.get("client_id", "")))
        secret = str(form.get("client_secret", ""))
        if client is None or not hmac.compare_digest(secret.encode(), client.secret.encode()):
            return error(401, "OAUTH-3", "invalid_client", "client authentication failed")
        asked = str(form.get("scope") or "").split()
        unknown = [s for s in asked if s not in client.scopes]
        if unknown:
            return error(400, "OAUTH-4", "invalid_scope", f"scope not assigned to the client: {' '.join(unknown)[:100]}")
        jti = secrets.token_urlsafe(24)
        claims = {
            "subType": "user",
            "purpose": "accessToken",
            "jti": jti,
            "iat": int(now),
            "exp": int(now + self.token_lifetime),
            "aud": req.origin,
            "iss": TOKEN_ISSUER,
        }
        with self._lock:
            self._access[jti] = client.subject or f"oauth:{client.client_id}"
        expires_at = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(now + self.token_lifetime))
        doc = {
            "access_token": self._sign(claims),
            "token_type": "bearer",
            "expires_in": self.token_lifetime,
            "expires_at": expires_at,
            "scope": " ".join(asked or client.scopes),
        }
        return SimResponse.json(200, doc, [("Cache-Control", "no-store")])


def _form(req: SimRequest) -> dict[str, Any] | None:
    """The token request's fields, from a form or a JSON body (the spec allows both)."""
    if len(req.body) > MAX_FORM:
        return None
    content_type = (req.header("content-type") or "").split(";")[0].strip().lower()
    try:
        text = req.body.decode("utf-8")
        if content_type == "application/json":
            doc = json.loads(text)
            return doc if isinstance(doc, dict) else None
        if content_type == "application/x-www-form-urlencoded":
            return dict(parse_qsl(text, keep_blank_values=True))
    except ValueError:
        return None
    return None
