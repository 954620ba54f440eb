"""QSEoW: a JWT virtual proxy. Bearer until the proxy sets its session cookie, then the
cookie (every JWT login is a new proxy session, and Qlik allows a user only about five).
A fresh random Xrfkey on every request."""

from __future__ import annotations

import asyncio
import secrets
import string
from typing import Any

from ..auth.tokens import MintedToken
from ..events import PREFIX_IN_PATH, SESSION_STARTED
from ..profiles.model import QseowProfile
from .connection import Connection, Progress
from .session_state import cookies_state, restore_cookies
from .types import Request, Response

SESSION_COOKIE_PREFIX = "X-Qlik-Session"
_XRF_ALPHABET = string.ascii_letters + string.digits
# What follows a virtual proxy prefix: a path starting /<prefix>/<one of these> was typed with
# the prefix in it (a prefix that is itself named "qrs" still leaves /qrs/about alone).
_PROXIED_ROOTS = ("qrs", "qps", "api", "hub", "qmc", "sense", "resources", "content", "extensions")


def new_xrfkey() -> str:
    """16 random characters from 0-9a-zA-Z (never a fixed key), uniformly drawn."""
    key = ""
    while len(key) < 16:
        # Bytes under 248 (4 x 62) map to the alphabet without bias; the rest are skipped.
        key += "".join(_XRF_ALPHABET[b % 62] for b in secrets.token_bytes(24) if b < 248)
    return key[:16]


class QseowConnection(Connection):
    """Requests through a QSEoW JWT virtual proxy."""

    profile: QseowProfile

    def __init__(self, profile: QseowProfile, **kwargs: object) -> None:
        super().__init__(profile, **kwargs)  # type: ignore[arg-type]
        self._session_lock = asyncio.Lock()
        self._prefix_warned: set[str] = set()

    def url_for(self, request: Request, xrfkey: str) -> str:
        """url + /prefix + path + ?query&xrfkey=K (any xrfkey the user gave is replaced)."""
        prefix = f"/{self.profile.virtual_proxy}" if self.profile.virtual_proxy else ""
        pairs = [(k, v) for k, v in request.query if k.lower() != "xrfkey"]
        query = Request(request.method, request.path, (*pairs, ("xrfkey", xrfkey))).query_string()
        return f"{self.profile.url}{prefix}{self._without_prefix(request.path)}?{query}"

    def _without_prefix(self, path: str) -> str:
        """`/jwt/qrs/about` on a profile whose prefix is `jwt`: send it once, and say so (once per path)."""
        prefix = self.profile.virtual_proxy
        head, _, rest = path.lstrip("/").partition("/")
        if not prefix or head.lower() != prefix.lower() or rest.split("/", 1)[0].lower() not in _PROXIED_ROOTS:
            return path
        if path not in self._prefix_warned:
            self._prefix_warned.add(path)
            self.events.emit(PREFIX_IN_PATH, f"{path} already holds the virtual proxy prefix '{prefix}': sent as /{rest}")
        return f"/{rest}"

    def session_cookie(self) -> str | None:
        """The proxy's session cookie value, whatever the admin named it."""
        for cookie in self.client.cookies.jar:
            if cookie.name.startswith(SESSION_COOKIE_PREFIX) and cookie.value:
                return cookie.value
        return None

    def drop_session(self) -> None:
        """Forget the proxy session cookie."""
        for cookie in list(self.client.cookies.jar):
            if cookie.name.startswith(SESSION_COOKIE_PREFIX):
                self.client.cookies.jar.clear(cookie.domain, cookie.path, cookie.name)

    def session_state(self) -> dict[str, Any] | None:
        """The proxy's cookies (by name, value, domain, path) while there is a session, and
        which of them is the session cookie (its name is the proxy's choice)."""
        value = self.session_cookie() if self._client is not None else None
        if not value:
            return None
        name = next((c.name for c in self.client.cookies.jar if c.value == value), None)
        return {"cookies": cookies_state(self.client.cookies.jar), "session_cookie": name}

    def restore_session(self, state: dict[str, Any]) -> None:
        """Put a kept proxy session's cookies back (sent instead of a new JWT)."""
        restore_cookies(self.client.cookies.jar, state.get("cookies"))
        self.restored_session = self.session_cookie()

    async def _attempt(self, request: Request, token: MintedToken | None, progress: Progress | None) -> Response:
        key = new_xrfkey()
        headers = {"X-Qlik-Xrfkey": key, "Accept": "application/json", **dict(request.headers)}
        if request.body is not None and not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/json"
        if token is not None:
            headers["Authorization"] = f"Bearer {token.token}"
        return await self.transmit(request.method, self.url_for(request, key), headers, request.body, progress)

    @staticmethod
    def unauthenticated(response: Response) -> bool:
        """401, a redirect (to a login page), or an HTML page where the QRS answers JSON."""
        return response.status == 401 or 300 <= response.status < 400 or (200 <= response.status < 300 and response.is_html)

    async def _send_fresh(self, request: Request, token: MintedToken, progress: Progress | None) -> Response:
        # Called with the session lock held: this request carries the JWT and starts the session.
        response = await self._attempt(request, token, progress)
        if self.session_cookie():
            self.events.emit(SESSION_STARTED, "proxy session cookie set")
        return response

    async def send_authenticated(self, request: Request, progress: Progress | None) -> Response:
        """Send with the session cookie, or the JWT; on refusal re-mint and retry once."""
        cookie = self.session_cookie()
        used_token: MintedToken | None = None
        if cookie:
            response = await self._attempt(request, None, progress)
        else:
            async with self._session_lock:
                cookie = self.session_cookie()
                if cookie:
                    response = await self._attempt(request, None, progress)
                else:
                    used_token = await self.tokens.get()
                    response = await self._send_fresh(request, used_token, progress)
        if not self.unauthenticated(response):
            return response
        async with self._session_lock:
            current = self.session_cookie()
            if current and current != cookie:
                # Another request already re-established the session while we waited.
                return await self._attempt(request, None, progress)
            if current:
                self.drop_session()
                self.session_refused(current, f"proxy answered {response.status}")
            stale = used_token or self.tokens.token
            if stale is None:  # a kept session was refused before any JWT was minted
                return await self._send_fresh(request, await self.tokens.get(), progress)
            expired = stale is not None and not self.tokens.is_fresh(stale)
            token = await self.tokens.replace(stale, "after expiry" if expired else f"after {response.status}")
            return await self._send_fresh(request, token, progress)
