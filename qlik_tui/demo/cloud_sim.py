"""A Qlik Cloud tenant with a JWT identity provider, as strict as the real one.

Login checks every rule of QLIK.md section 2 (kid, iss, aud, subType, boolean
email_verified, jti replay, exp - nbf <= 3600, 5 s tolerance); API calls need the session
cookies, and every non-GET the CSRF token. A Bearer (API key or OAuth access token, see
cloud_bearer_sim.py) is taken on /api/v1 instead, with no session and no CSRF.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from .cloud_bearer_sim import BearerAuthority, BearerRefused
from .cloud_data import CloudStore, cloud_user
from .cloud_routes import CloudRoutes, error
from .engine_door import Engine, Identity, app_in_path, is_upgrade
from .faults import Faults, Stats
from .http_server import SimRequest, SimResponse
from .jwt_check import Refused, verify
from .settings_data import identity_providers, public_key_pem

AUDIENCE = "qlik.api/login/jwt-session"
LOGIN_LIMIT_PER_MINUTE = 100


@dataclass
class CloudConfig:
    """The tenant's JWT identity provider."""

    public_key: RSAPublicKey
    key_id: str
    issuer: str
    clock_tolerance: float = 5.0
    public_key_pem: str = ""  # the PEM pasted into the IdP ("": the public key's own PEM)


@dataclass
class _Session:
    user: dict[str, Any]
    csrf: str
    uses: int = 0
    sid: str = ""


@dataclass
class CloudSimulator:
    """The site callable for `RunningServer`."""

    config: CloudConfig
    store: CloudStore
    faults: Faults = field(default_factory=Faults)
    stats: Stats = field(default_factory=Stats)
    _sessions: dict[str, _Session] = field(default_factory=dict)
    _seen_jti: set[str] = field(default_factory=set)
    _logins: deque[float] = field(default_factory=deque)
    _secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    engine: Engine = field(default_factory=Engine)

    def __post_init__(self) -> None:
        self.routes = CloudRoutes(self.store)
        self.bearers = BearerAuthority(self.store.tenant["id"])

    def drop_sessions(self) -> None:
        """Forget every session."""
        with self._lock:
            self._sessions.clear()

    def _sign(self, value: str) -> str:
        return hmac.new(self._secret, value.encode(), hashlib.sha256).hexdigest()[:27]

    def __call__(self, req: SimRequest) -> SimResponse:
        self.stats.count("requests")
        self.stats.record("paths", req.path)
        self.faults.pause()
        if self.faults.take("rate_limit"):
            return error(429, "HTTP-429", "Too Many Requests", headers=[("Retry-After", str(self.faults.retry_after))])
        if self.faults.take("server_errors"):
            return error(503, "HTTP-503", "Service Unavailable")
        if req.path == "/login/jwt-session":
            return self._login(req) if req.method == "POST" else error(405, "HTTP-405", "Method Not Allowed")
        if req.path == "/oauth/token":
            self.stats.count("oauth_token_fetches")
            return self.bearers.token_endpoint(req, time.time() + self.faults.clock_offset)
        if is_upgrade(req) and req.path.startswith("/app"):
            return self._engine_upgrade(req)
        if not req.path.startswith("/api/v1/"):
            return SimResponse.text(404, "<html><body>Not Found</body></html>", "text/html")
        auth = req.header("authorization") or ""
        if auth.lower().startswith("bearer "):
            return self._with_bearer(req, auth[7:].strip())
        session = self._session(req)
        if session is None:
            return error(401, "HTTP-401", "Unauthorized", "no valid session: log in with POST /login/jwt-session")
        if req.path == "/api/v1/csrf-token" and req.method == "GET":
            self.stats.count("csrf_fetches")
            return SimResponse(204, b"", [("qlik-csrf-token", session.csrf)])
        if req.method not in ("GET", "HEAD", "OPTIONS") and req.header("qlik-csrf-token") != session.csrf:
            return error(403, "CSRF-TOKEN-2", "Invalid CSRF token", "fetch GET /api/v1/csrf-token and send it as qlik-csrf-token")
        canned = self.faults.canned(req.path)
        if canned is not None:
            return SimResponse(canned[0], canned[2], [("Content-Type", canned[1])])
        if req.path.rstrip("/") == "/api/v1/identity-providers" and req.method == "GET":
            return self._identity_providers(req)
        return self.routes.handle(req, session.user)

    def _with_bearer(self, req: SimRequest, token: str) -> SimResponse:
        """An API call signed by an API key or access token: no session, no CSRF."""
        self.stats.count("bearer_requests")
        try:
            subject = self.bearers.check(token, req.origin, time.time() + self.faults.clock_offset)
        except BearerRefused as exc:
            self.stats.count("refused_bearers")
            return error(401, "HTTP-401", "Unauthorized", str(exc))
        if self.faults.take("refuse_tokens"):
            self.stats.count("refused_bearers")
            return error(401, "HTTP-401", "Unauthorized", "token refused (fault switch)")
        canned = self.faults.canned(req.path)
        if canned is not None:
            return SimResponse(canned[0], canned[2], [("Content-Type", canned[1])])
        if req.path.rstrip("/") == "/api/v1/identity-providers" and req.method == "GET":
            return self._identity_providers(req)
        user = self._user_for({"sub": subject, "name": subject, "email": f"{subject.replace(':', '-')}@example.com"})
        return self.routes.handle(req, user)

    def _engine_upgrade(self, req: SimRequest) -> SimResponse:
        """A WebSocket to the Engine: a Bearer (API key, OAuth token), or the session cookies
        plus `?qlik-csrf-token=`; a browser-style Origin must be the tenant's own."""
        app_id = app_in_path(req.path)
        if app_id is None:
            return error(404, "HTTP-404", "Not Found")
        origin = (req.header("origin") or "").rstrip("/")
        if origin and origin != req.origin:
            self.stats.count("engine_refusals")
            return error(403, "HTTP-403", "Forbidden", "the Origin is not this tenant (a web integration would be needed)")
        auth = req.header("authorization") or ""
        if auth:
            user = self.bearer_user(req, auth)
            if user is None:
                return error(401, "HTTP-401", "Unauthorized", "the Bearer token is not a valid API key or OAuth token")
            sid = f"bearer-{user['id']}"
        else:
            session = self._session(req)
            if session is None:
                return error(401, "HTTP-401", "Unauthorized", "no valid session: log in with POST /login/jwt-session")
            if req.arg("qlik-csrf-token") != session.csrf:
                self.stats.count("engine_refusals")
                return error(403, "CSRF-TOKEN-2", "Invalid CSRF token", "pass ?qlik-csrf-token= from GET /api/v1/csrf-token")
            user, sid = session.user, session.sid
        identity = Identity(str(user.get("subject") or user["id"]), "", sid)
        return self.engine.upgrade(req, identity, app_id, self._docs)

    def bearer_user(self, req: SimRequest, authorization: str) -> dict[str, Any] | None:
        """The user an API key or OAuth access token stands for; None when the tenant refuses it."""
        if not authorization.lower().startswith("bearer "):
            return None
        try:
            subject = self.bearers.check(authorization[7:].strip(), req.origin, time.time() + self.faults.clock_offset)
        except BearerRefused:
            self.stats.count("refused_bearers")
            return None
        return self._user_for({"sub": subject, "name": subject, "email": f"{subject.replace(':', '-')}@example.com"})

    def _docs(self) -> list[tuple[str, str]]:
        return [(app_id, app["attributes"]["name"]) for app_id, app in self.store.apps.items()]

    def _identity_providers(self, req: SimRequest) -> SimResponse:
        if self.faults.deny_settings:
            return error(403, "HTTP-403", "Forbidden", "reading identity providers needs the TenantAdmin role")
        config = self.config
        data = identity_providers(
            tenant_id=self.store.tenant["id"],
            issuer=config.issuer,
            key_id=config.key_id,
            pem=config.public_key_pem or public_key_pem(config.public_key),
            tolerance=config.clock_tolerance,
        )
        return SimResponse.json(200, {"data": data, "links": {"self": {"href": f"{req.origin}{req.path}"}}})

    def _session(self, req: SimRequest) -> _Session | None:
        sid, sig = req.cookies.get("eas.sid"), req.cookies.get("eas.sid.sig")
        if not sid or not sig or not hmac.compare_digest(sig, self._sign(sid)):
            return None
        with self._lock:
            session = self._sessions.get(sid)
            if session is None:
                return None
            session.uses += 1
            if self.faults.session_uses and session.uses > self.faults.session_uses:
                del self._sessions[sid]
                return None
            if self.faults.take("csrf_rotate"):
                session.csrf = secrets.token_urlsafe(24)
            return session

    def _login(self, req: SimRequest) -> SimResponse:
        now = time.time() + self.faults.clock_offset  # the tenant's clock, wrong when a test says so
        with self._lock:
            while self._logins and now - self._logins[0] > 60:
                self._logins.popleft()
            if len(self._logins) >= LOGIN_LIMIT_PER_MINUTE:
                return error(
                    429, "HTTP-429", "Too Many Requests", "jwt-session is limited to 100 logins a minute", [("Retry-After", "60")]
                )
            self._logins.append(now)
        auth = req.header("authorization") or ""
        if not auth.lower().startswith("bearer "):
            return self._refuse("no Bearer token")
        try:
            claims = self._check(auth[7:].strip(), now)
        except Refused as exc:
            return self._refuse(str(exc))
        if self.faults.take("refuse_tokens"):
            return self._refuse("token refused (fault switch)")
        user = self._user_for(claims)
        sid, csrf = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        with self._lock:
            self._sessions[sid] = _Session(user=user, csrf=csrf, sid=sid)
        self.stats.count("jwt_logins")
        secure = "; Secure" if req.scheme == "https" else ""
        cookies = [
            ("Set-Cookie", f"eas.sid={sid}; Path=/; HttpOnly; SameSite=None{secure}"),
            ("Set-Cookie", f"eas.sid.sig={self._sign(sid)}; Path=/; HttpOnly; SameSite=None{secure}"),
            ("Set-Cookie", f"_csrfToken={csrf}; Path=/; HttpOnly; SameSite=None{secure}"),
            ("Set-Cookie", f"_csrfToken.sig={self._sign(csrf)}; Path=/; HttpOnly; SameSite=None{secure}"),
        ]
        return SimResponse(200, b"", cookies)

    def _refuse(self, detail: str) -> SimResponse:
        self.stats.count("refused_tokens")
        return error(401, "LOGIN-1", "Unauthorized", detail)

    def _check(self, token: str, now: float) -> dict[str, Any]:
        import jwt

        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Refused(f"malformed token: {exc}") from None
        if header.get("kid") != self.config.key_id:
            raise Refused(f"kid {header.get('kid')!r} does not match the identity provider's key id")
        required = ["iss", "aud", "sub", "exp", "nbf", "iat", "jti"]
        claims = verify(
            token,
            self.config.public_key,
            ["RS256"],
            audience=AUDIENCE,
            leeway=self.config.clock_tolerance,
            require=required,
            now=now,
        )
        if claims.get("iss") != self.config.issuer:
            raise Refused(f"issuer {claims.get('iss')!r} does not match the identity provider's issuer")
        for name in ("sub", "name", "email"):
            if not isinstance(claims.get(name), str) or not claims[name]:
                raise Refused(f"claim {name!r} missing or not a string")
        if claims.get("subType") != "user":
            raise Refused("claim 'subType' must be 'user'")
        if not isinstance(claims.get("email_verified"), bool):
            raise Refused("claim 'email_verified' must be a boolean")
        if "groups" in claims and (
            not isinstance(claims["groups"], list) or not all(isinstance(g, str) for g in claims["groups"])
        ):
            raise Refused("claim 'groups' must be a list of strings")
        if claims["exp"] - claims["nbf"] > 3600:
            raise Refused("exp - nbf is over 3600 seconds")
        if claims["iat"] > now + self.config.clock_tolerance:
            raise Refused("iat is in the future")
        with self._lock:
            if claims["jti"] in self._seen_jti:
                raise Refused("jti already used (replayed token)")
            self._seen_jti.add(claims["jti"])
        return claims

    def _user_for(self, claims: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            for user in self.store.users:
                if user["subject"] == claims["sub"]:
                    return user
            user = cloud_user(random.Random(), self.store.tenant["id"], claims["sub"], claims["name"], claims["email"])
            self.store.users.append(user)
            return user
