"""QSEoW: a JWT or header-authentication virtual proxy. The JWT (or the trusted header) until
the proxy sets its session cookie, then the cookie (every login is a new proxy session, and
Qlik allows a user only about five). A fresh random Xrfkey on every request.

The session cookie is whatever the proxy sets on the first authenticated answer: its name is
the virtual proxy's "session cookie header name", free text in the QMC. A profile may pin it
(`session_cookie`).
"""

from __future__ import annotations

import asyncio
import secrets
import string
from typing import Any

from ..auth.credential import CredentialInfo
from ..auth.tokens import MintedToken
from ..events import PREFIX_IN_PATH, SESSION_COOKIE_MISSING, SESSION_STARTED
from ..profiles.model import QseowProfile
from .connection import Connection, Progress
from .session_state import cookies_state, restore_cookies
from .types import Request, Response

SESSION_COOKIE_PREFIX = "X-Qlik-Session"  # Qlik's convention; any name works (see session_names)
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
        # Names of the cookies that make the session: the pinned one, or those the proxy set on
        # the answer that signed in. Empty before a sign-in (a restored session may fill it).
        pinned = profile.session_cookie
        # Over plain http Qlik appends -HTTP to the configured name: the QMC's value works either way.
        self.session_names: set[str] = {pinned, f"{pinned}-HTTP"} if pinned else set()

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

    def _is_session(self, name: str) -> bool:
        if self.session_names:
            return name in self.session_names
        # Nothing learnt yet (cookies restored from an earlier run): Qlik's conventional name.
        return name.startswith(SESSION_COOKIE_PREFIX)

    def session_cookie(self) -> str | None:
        """The proxy's session cookie value(s), whatever the admin named the cookie; None without one."""
        values = sorted(f"{c.name}={c.value}" for c in self.client.cookies.jar if c.value and self._is_session(c.name))
        return ";".join(values) or None

    def drop_session(self) -> None:
        """Forget the proxy session cookie."""
        for cookie in list(self.client.cookies.jar):
            if self._is_session(cookie.name):
                self.client.cookies.jar.clear(cookie.domain, cookie.path, cookie.name)

    def credential_info(self) -> CredentialInfo | None:
        """The JWT in use, or the trusted header for a header-authentication proxy."""
        if self.profile.auth == "header":
            return CredentialInfo(
                "header",
                f"header authentication: {self.profile.header_name}: {self.profile.user}",
                details=(f"virtual proxy /{self.profile.virtual_proxy}", "the session cookie carries later requests"),
            )
        return super().credential_info()

    def session_state(self) -> dict[str, Any] | None:
        """The proxy's cookies (by name, value, domain, path) while there is a session, and the
        names of the session cookies among them (the proxy's choice, learnt at sign-in)."""
        if self._client is None or not self.session_cookie():
            return None
        names = sorted({c.name for c in self.client.cookies.jar if c.value and self._is_session(c.name)})
        return {"cookies": cookies_state(self.client.cookies.jar), "session_names": names}

    def restore_session(self, state: dict[str, Any]) -> None:
        """Put a kept proxy session's cookies back (sent instead of a new sign-in)."""
        names = state.get("session_names", [])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ValueError("session_names is not a list of cookie names")
        restore_cookies(self.client.cookies.jar, state.get("cookies"))
        if not self.profile.session_cookie:
            self.session_names = set(names)
        self.restored_session = self.session_cookie()

    async def _attempt(self, request: Request, sign_in: dict[str, str] | None, progress: Progress | None) -> Response:
        key = new_xrfkey()
        headers = {"X-Qlik-Xrfkey": key, "Accept": "application/json", **dict(request.headers)}
        if request.body is not None and not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/json"
        if sign_in is not None:
            headers.update(sign_in)
        return await self.transmit(request.method, self.url_for(request, key), headers, request.body, progress)

    def _sign_in_headers(self, token: MintedToken | None) -> dict[str, str]:
        """What signs in: the trusted header (header proxies) or the JWT as a Bearer."""
        if self.profile.auth == "header":
            return {self.profile.header_name: self.profile.user}
        assert token is not None
        return {"Authorization": f"Bearer {token.token}"}

    async def _sign_in_token(self) -> MintedToken | None:
        return None if self.profile.auth == "header" else await self.tokens.get()

    @staticmethod
    def unauthenticated(response: Response) -> bool:
        """401, a redirect (to a login page), or an HTML page where the QRS answers JSON."""
        return response.status == 401 or 300 <= response.status < 400 or (200 <= response.status < 300 and response.is_html)

    async def _send_fresh(self, request: Request, token: MintedToken | None, progress: Progress | None) -> Response:
        # Called with the session lock held: this request signs in and starts the session.
        response = await self._attempt(request, self._sign_in_headers(token), progress)
        if self.unauthenticated(response):
            return response
        set_names = [v.split("=", 1)[0].strip() for k, v in response.headers if k.lower() == "set-cookie"]
        pinned = self.profile.session_cookie
        if pinned:
            if not self.session_names & set(set_names) and not self.events.count(SESSION_COOKIE_MISSING):
                shown = ", ".join(sorted(set(set_names))[:5]) or "none"
                self.events.emit(SESSION_COOKIE_MISSING, f"no cookie named {pinned} (session_cookie) was set; set: {shown}")
        elif set_names:
            self.session_names = {n for n in set_names if n}
        if self.session_cookie():
            names = ", ".join(sorted(self.session_names))
            self.events.emit(SESSION_STARTED, f"proxy session cookie {names} set")
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
                    used_token = await self._sign_in_token()
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
            if self.profile.auth == "header":
                if not cookie:
                    return response  # the header itself was refused: sending it again changes nothing
                return await self._send_fresh(request, None, progress)
            stale = used_token or self.tokens.token
            if stale is None:  # a kept session was refused before any JWT was minted
                return await self._send_fresh(request, await self.tokens.get(), progress)
            expired = stale is not None and not self.tokens.is_fresh(stale)
            token = await self.tokens.replace(stale, "after expiry" if expired else f"after {response.status}")
            return await self._send_fresh(request, token, progress)
