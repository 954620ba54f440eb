"""A QSEoW JWT virtual proxy in front of a QRS, as strict as the real one.

Order of checks, as on a real site: host allow list, prefix (anything else lands on the
root proxy's forms login: a 302 to an HTML page), session cookie or JWT, then the QRS's
Xrfkey rule, then the QRS route.
"""

from __future__ import annotations

import random
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from .engine_door import Engine, Identity, app_in_path, is_upgrade
from .faults import Faults, Stats
from .http_server import SimRequest, SimResponse
from .jwt_check import Refused, verify
from .qrs_data import QrsStore, _user
from .qrs_routes import QrsRoutes
from .settings_data import public_key_pem, virtual_proxies
from .virtual_proxy import VirtualProxy, header_identity, known_user, proxy_for

XSRF_TEXT = "XSRF prevention check failed. Possible XSRF discovered."
_XRFKEY = re.compile(r"[0-9a-zA-Z]{16}")
LOGIN_PATH = "/internal_forms_authentication/"
LOGIN_PAGE = """<!DOCTYPE html><html><head><title>Qlik Sense</title></head><body>
<form method="post" action="/internal_forms_authentication/"><h1>Log in</h1>
<input name="username" placeholder="DOMAIN\\user"><input name="pwd" type="password">
<button>Log in</button></form></body></html>"""


@dataclass
class QseowConfig:
    """How the simulated virtual proxy is set up in the QMC."""

    public_key: RSAPublicKey
    prefix: str = "jwt"
    user_id_claim: str = "userId"
    user_directory_claim: str = "userDirectory"
    audience: str | None = None
    session_cookie_header: str = ""  # default X-Qlik-Session-<prefix>
    allowed_hosts: list[str] | None = None  # None: any host
    session_idle_seconds: float = 1800
    openapi_path: Path | None = None
    serve_openapi: bool = True  # False: /qrs/about/openapi/* answers 404, as on older servers
    certificate_pem: str = ""  # the JWT certificate pasted in the QMC ("": the public key's PEM)
    attribute_map: tuple[tuple[str, str], ...] = (("name", "name"), ("email", "email"), ("groups", "group"))
    # more virtual proxies on the same site (header authentication, other cookie names)
    extra_proxies: tuple[VirtualProxy, ...] = ()
    websocket_csrf: bool = True  # False: a server from before November 2024 (no /qps/csrftoken)


@dataclass
class _Session:
    user: dict[str, Any]
    last_used: float
    uses: int = 0
    prefix: str = ""  # the virtual proxy that made it: a session belongs to one proxy
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    sid: str = ""


@dataclass
class QseowSimulator:
    """The site callable for `RunningServer`."""

    config: QseowConfig
    store: QrsStore
    faults: Faults = field(default_factory=Faults)
    stats: Stats = field(default_factory=Stats)
    _sessions: dict[str, _Session] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    engine: Engine = field(default_factory=Engine)

    def __post_init__(self) -> None:
        self.routes = QrsRoutes(
            self.store, self.faults, self.config.openapi_path if self.config.serve_openapi else None, self.config.serve_openapi
        )
        self.store.objects["virtualproxyconfig"] = self.proxy_settings()

    def proxy_settings(self) -> list[dict[str, Any]]:
        """`/qrs/virtualproxyconfig/full` as the QMC would show this proxy's set-up now."""
        config = self.config
        return virtual_proxies(
            prefix=config.prefix,
            cookie_name=config.session_cookie_header or f"X-Qlik-Session-{config.prefix or 'root'}",
            user_id_claim=config.user_id_claim,
            user_directory_claim=config.user_directory_claim,
            audience=config.audience,
            certificate=config.certificate_pem or public_key_pem(config.public_key),
            allowed_hosts=config.allowed_hosts or [],
            attribute_map=config.attribute_map,
            idle_minutes=max(1, int(config.session_idle_seconds // 60)),
        )

    def cookie_name(self, scheme: str) -> str:
        """The session cookie's name: `-HTTP` is appended over plain http, as Qlik does."""
        base = self.config.session_cookie_header or f"X-Qlik-Session-{self.config.prefix or 'root'}"
        return base + ("-HTTP" if scheme == "http" else "")

    def session_count(self, prefix: str | None = None) -> int:
        """Live proxy sessions, of one virtual proxy when `prefix` is given (Qlik allows a user about 5)."""
        with self._lock:
            return sum(1 for s in self._sessions.values() if prefix is None or s.prefix == prefix)

    def drop_sessions(self) -> None:
        """Forget every session, as a proxy restart would."""
        with self._lock:
            self._sessions.clear()

    def __call__(self, req: SimRequest) -> SimResponse:
        self.stats.count("requests")
        self.stats.record("paths", req.path)
        self.faults.pause()
        hostname = req.host.rsplit(":", 1)[0].strip("[]")
        if self.config.allowed_hosts is not None and hostname not in self.config.allowed_hosts:
            return SimResponse.text(403, "Forbidden")
        if self.faults.take("rate_limit"):
            return SimResponse(429, b"", [("Retry-After", str(self.faults.retry_after))])
        if self.faults.take("server_errors"):
            return SimResponse.text(503, "<html><body><h1>Service Unavailable</h1></body></html>", "text/html")
        extra = proxy_for(req.path, self.config.extra_proxies)
        name = extra.prefix if extra else self.config.prefix
        prefix = f"/{name}" if name else ""
        if req.path.startswith(LOGIN_PATH):
            return SimResponse.text(200, LOGIN_PAGE, "text/html; charset=utf-8")
        if prefix and not (req.path == prefix or req.path.startswith(prefix + "/")):
            # Not our prefix: the root proxy answers, and it wants a forms login.
            return SimResponse(302, b"", [("Location", f"{LOGIN_PATH}?targetId={uuid.uuid4()}")])
        inner = req.path[len(prefix) :] or "/"
        cookie = extra.cookie_name(req.scheme) if extra else self.cookie_name(req.scheme)
        if is_upgrade(req):
            return self._engine_upgrade(req, inner, cookie, name)
        session_headers: list[tuple[str, str]] = []
        user = self._session_user(req, cookie, name)
        if user is None:
            if extra is not None and extra.auth == "header":
                user, refusal = self._header_user(req, extra)
            else:
                user, refusal = self._jwt_user(req)
            if user is None:
                return SimResponse.text(401, refusal)
            sid = secrets.token_hex(16)
            with self._lock:
                self._sessions[sid] = _Session(user=user, last_used=time.time(), prefix=name, sid=sid)
            secure = "; Secure" if req.scheme == "https" else ""
            session_headers.append(("Set-Cookie", f"{cookie}={sid}; Path=/; HttpOnly{secure}"))
        if inner == "/qps/csrftoken" and req.method == "GET" and self.config.websocket_csrf:
            session = self._session_of(req, cookie, session_headers)
            return SimResponse(200, b"", [("qlik-csrf-token", session.csrf if session else ""), *session_headers])
        if inner.startswith("/tempcontent/"):  # an exported app, served by the proxy itself
            response = self.routes.app_files.temp_content(inner)
            response.headers.extend(session_headers)
            return response
        if not inner.startswith("/qrs/") and inner != "/qrs":
            return SimResponse(404, b"", session_headers)
        key_param, key_header = req.arg("xrfkey"), req.header("x-qlik-xrfkey")
        if not key_param or key_param != key_header or not _XRFKEY.fullmatch(key_param):
            response = SimResponse.text(403, XSRF_TEXT)
            response.headers.extend(session_headers)
            return response
        self.stats.record("xrfkeys", key_param)
        canned = self.faults.canned(inner)
        if canned is not None:
            response = SimResponse(canned[0], canned[2], [("Content-Type", canned[1])])
        else:
            if inner.lower().startswith("/qrs/virtualproxyconfig"):
                if self.faults.deny_settings:
                    return SimResponse(403, b"", session_headers)
                self.store.objects["virtualproxyconfig"] = self.proxy_settings()  # tests change the config live
            response = self.routes.handle(req, inner, user)
        response.headers.extend(session_headers)
        return response

    def _session_of(self, req: SimRequest, cookie: str, new_cookies: list[tuple[str, str]]) -> _Session | None:
        """The session this request is in: its cookie's, or the one this very request started."""
        sid = req.cookies.get(cookie) or ""
        for _, value in new_cookies:
            sid = value.split(";", 1)[0].split("=", 1)[1]
        with self._lock:
            return self._sessions.get(sid)

    def _engine_upgrade(self, req: SimRequest, inner: str, cookie: str, prefix: str) -> SimResponse:
        """The proxy's rules for a WebSocket to the Engine (cross-site WebSocket hijacking prevention)."""
        app_id = app_in_path(inner)
        if app_id is None:
            return SimResponse.text(404, "Not Found")
        if req.header("authorization"):
            self.stats.count("engine_refusals")
            return SimResponse.text(403, "Forbidden: an Authorization header is not accepted on a WebSocket upgrade")
        if self._session_user(req, cookie, prefix) is None:
            return SimResponse.text(401, "Unauthorized: no session")
        session = self._session_of(req, cookie, [])
        assert session is not None
        if self.config.websocket_csrf and req.arg("qlik-csrf-token") != session.csrf:
            self.stats.count("engine_refusals")
            return SimResponse.text(403, "Forbidden: missing or wrong qlik-csrf-token")
        origin = (req.header("origin") or "").rstrip("/")
        allowed = self.config.allowed_hosts
        origin_host = origin.split("://", 1)[-1].rsplit(":", 1)[0].strip("[]") if "://" in origin else ""
        if not origin or (origin != req.origin and (allowed is None or origin_host not in allowed)):
            self.stats.count("engine_refusals")
            return SimResponse.text(403, "Forbidden: the Origin is not on the virtual proxy's host allow list")
        user = session.user
        identity = Identity(user["userId"], user["userDirectory"], session.sid)
        return self.engine.upgrade(req, identity, app_id, lambda: self._docs(user))

    def _docs(self, user: dict[str, Any]) -> list[tuple[str, str]]:
        """The apps the Engine lists for this user (every app of the simulated site)."""
        return [(app["id"], app["name"]) for app in self.store.objects["app"]]

    def _session_user(self, req: SimRequest, cookie: str, prefix: str) -> dict[str, Any] | None:
        sid = req.cookies.get(cookie)
        if not sid:
            return None
        with self._lock:
            session = self._sessions.get(sid)
            if session is None or session.prefix != prefix:
                return None
            now = time.time()
            if now - session.last_used > self.config.session_idle_seconds:
                del self._sessions[sid]
                return None
            session.uses += 1
            if self.faults.session_uses and session.uses > self.faults.session_uses:
                del self._sessions[sid]
                return None
            session.last_used = now
            return session.user

    def _jwt_user(self, req: SimRequest) -> tuple[dict[str, Any] | None, str]:
        auth = req.header("authorization") or ""
        if not auth.lower().startswith("bearer "):
            return None, "Unauthorized: no session and no JWT"
        try:
            claims = verify(
                auth[7:].strip(),
                self.config.public_key,
                ["RS256", "RS384", "RS512"],
                audience=self.config.audience,
                leeway=0,
                require=["exp"],
                now=time.time() + self.faults.clock_offset,  # the proxy's clock, wrong when a test says so
            )
        except Refused as exc:
            self.stats.count("refused_tokens")
            return None, f"Unauthorized: {exc}"
        if self.faults.take("refuse_tokens"):
            self.stats.count("refused_tokens")
            return None, "Unauthorized: token refused (fault switch)"
        user_id = claims.get(self.config.user_id_claim)
        directory = claims.get(self.config.user_directory_claim)
        if not isinstance(user_id, str) or not isinstance(directory, str):
            self.stats.count("refused_tokens")
            # Name only what is missing: a reader then knows which claim (or attribute) to rename.
            missing = [
                repr(name)
                for name, value in ((self.config.user_id_claim, user_id), (self.config.user_directory_claim, directory))
                if not isinstance(value, str)
            ]
            names = " and ".join(missing)
            return None, f"Unauthorized: the token lacks the claim{'s' if len(missing) > 1 else ''} {names}"
        user = self._find_or_create_user(directory, user_id, str(claims.get("name", user_id)))
        if user.get("inactive") or user.get("blacklisted"):
            self.stats.count("refused_tokens")
            return None, "Unauthorized: user is inactive"
        self.stats.count("jwt_logins")
        return user, ""

    def _header_user(self, req: SimRequest, proxy: VirtualProxy) -> tuple[dict[str, Any] | None, str]:
        """The user a header-authentication proxy trusts: only users the site knows, and active."""
        identity, refusal = header_identity(req, proxy)
        if identity is None:
            self.stats.count("refused_tokens")
            return None, refusal
        with self._lock:
            user = known_user(self.store.objects["user"], *identity)
        if user is None or user.get("inactive") or user.get("blacklisted"):
            self.stats.count("refused_tokens")
            why = "is not a user of this site" if user is None else "is inactive"
            return None, f"Unauthorized: {identity[0]}\\{identity[1]} {why}"
        self.stats.count("header_logins")
        return user, ""

    def _find_or_create_user(self, directory: str, user_id: str, name: str) -> dict[str, Any]:
        users = self.store.objects["user"]
        with self._lock:
            for user in users:
                if user["userId"].lower() == user_id.lower() and user["userDirectory"].lower() == directory.lower():
                    return user
            # QSEoW creates a user record on a user's first login.
            user = _user(random.Random(), directory, user_id, name)
            users.append(user)
            return user
