"""Qlik Cloud: log in once with a JWT (POST /login/jwt-session, rate limited), then use the
session cookies; a CSRF token on every non-GET; same-origin redirects followed; pages
concatenated on request."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from ..auth.tokens import MintedToken
from ..errors import RequestFailed
from ..events import CSRF_REFRESHED, LOGGED_IN, RELOGIN_BACKOFF
from ..profiles.model import CloudProfile
from .cloud_base import MAX_REDIRECTS, CloudBase, next_page_request
from .connection import Progress
from .deadline import current_deadline
from .diagnose import HINT_CLOUD_LOGIN, qlik_error_detail, token_refused_hint
from .rate_limit import MAX_RATE_LIMIT_WAITS
from .session_state import clean_token, cookies_state, restore_cookies
from .types import Request, Response

__all__ = ["MAX_REDIRECTS", "CloudConnection", "next_page_request"]  # next_page_request: its old home

SESSION_COOKIE = "eas.sid"
CSRF_HEADER = "qlik-csrf-token"
MAX_CSRF_TOKEN = 4096  # characters; Qlik's are a few dozen
# A session refused soon after its login is a session Qlik keeps refusing: logging in again
# at once, in a loop (`call --watch 0.1`), bursts into the login rate limit (100/min) and
# can lock the user out. Such re-logins back off (0 s, 1 s, 2 s...) and stop after a few.
QUICK_LOSS = 30.0  # seconds after login
RELOGIN_FIRST_WAIT = 1.0
MAX_QUICK_LOSSES = 4


class _SessionGone(Exception):
    """The CSRF endpoint answered 401: the session ended."""


class CloudConnection(CloudBase):
    """Requests to a Qlik Cloud tenant."""

    profile: CloudProfile

    def __init__(self, profile: CloudProfile, **kwargs: object) -> None:
        super().__init__(profile, **kwargs)  # type: ignore[arg-type]
        self._login_lock = asyncio.Lock()
        self._csrf: str | None = None
        self._csrf_session: str | None = None
        self._spent: MintedToken | None = None  # a jti is single-use: never log in twice with it
        self.login_count = 0
        self._logged_in_at = 0.0  # time.monotonic() of the last login
        self.quick_losses = 0  # sessions in a row refused within QUICK_LOSS of their login

    def session_id(self) -> str | None:
        """The eas.sid cookie's value, if logged in."""
        for cookie in self.client.cookies.jar:
            if cookie.name == SESSION_COOKIE and cookie.value:
                return cookie.value
        return None

    def drop_session(self) -> None:
        """Forget the session cookies and the CSRF token."""
        self.client.cookies.clear()
        self._csrf = self._csrf_session = None

    def session_state(self) -> dict[str, Any] | None:
        """The session cookies (eas.sid, _csrfToken and their .sig) and the CSRF header token."""
        if self._client is None or not self.session_id():
            return None
        csrf = self._csrf if self._csrf_session == self.session_id() else None
        return {"cookies": cookies_state(self.client.cookies.jar), "csrf": csrf}

    def restore_session(self, state: dict[str, Any]) -> None:
        """Put a kept session back: its cookies, and its CSRF token when there is one."""
        restore_cookies(self.client.cookies.jar, state.get("cookies"))
        session = self.session_id()
        csrf = clean_token(state.get("csrf"), MAX_CSRF_TOKEN)
        if session and csrf:
            self._csrf, self._csrf_session = csrf, session
        self.restored_session = session

    async def ensure_login(self, stale_session: str | None = None) -> None:
        """Log in unless there is a session (other than `stale_session`)."""
        current = self.session_id()
        if current and current != stale_session:
            return
        async with self._login_lock:
            current = self.session_id()
            if current and current != stale_session:
                return
            if current:
                self.drop_session()
                kept = current == self.restored_session
                self.session_refused(current, "Qlik Cloud answered 401")
                if not kept:  # a kept session refused is no quick loss: this run never logged in
                    await self._back_off_before_relogin()
            await self._login()

    async def _back_off_before_relogin(self) -> None:
        lived = time.monotonic() - self._logged_in_at
        self.quick_losses = self.quick_losses + 1 if lived < QUICK_LOSS else 0
        if self.quick_losses >= MAX_QUICK_LOSSES:
            raise RequestFailed(
                f"Qlik Cloud refused the session {self.quick_losses} times in a row, each within {QUICK_LOSS:g} s of "
                "logging in: stopped logging in again",
                "logins are rate limited and bursts can lock the user out; check the user's status and licence in the "
                "tenant, and that nothing else logs in as this user",
                401,
            )
        if self.quick_losses < 2:
            return  # one session lost early happens (a restart): log in again at once
        wait = RELOGIN_FIRST_WAIT * 2 ** (self.quick_losses - 2)
        deadline = current_deadline.get()
        if deadline is not None and wait > deadline.remaining():
            raise RequestFailed(
                f"Qlik Cloud keeps refusing the session ({self.quick_losses} times in a row), "
                "and the next login would come after the time limit",
                "check the user's status in the tenant; raise the time limit (call --max-time) to keep trying",
                401,
            )
        self.events.emit(
            RELOGIN_BACKOFF,
            f"refused {self.quick_losses} times in a row soon after login: waiting {wait:g} s before logging in again",
        )
        await self._sleep(wait)

    async def _login(self) -> None:
        refused: RequestFailed | None = None
        for attempt in range(2 + MAX_RATE_LIMIT_WAITS):
            token = await self.tokens.get()
            if token is self._spent:
                token = await self.tokens.replace(token, "for a new login (jti is single-use)")
            headers = {"Authorization": f"Bearer {token.token}", "Accept": "application/json"}
            response = await self.transmit("POST", f"{self.profile.url}/login/jwt-session", headers, b"", None)
            self._spent = token
            if 200 <= response.status < 300 and self.session_id():
                self.login_count += 1
                self._logged_in_at = time.monotonic()
                self.events.emit(LOGGED_IN, f"as {self.profile.claims.get('sub')}")
                return
            if response.status == 429:
                await self.wait_for_rate_limit(response, "log in again")
                continue
            detail = qlik_error_detail(response)
            refused = RequestFailed(
                f"Qlik Cloud refused the JWT login ({response.status}{': ' + detail if detail else ''})",
                token_refused_hint(response, detail, HINT_CLOUD_LOGIN),
                response.status,
            )
            if response.status != 401 or attempt >= 1:
                break
            await self.tokens.replace(token, "after login refused")  # a token refused once: try one fresh token
        raise refused or RequestFailed(
            "Qlik Cloud login kept being rate limited", "wait a minute: logins are limited to 100 a minute", 429
        )

    async def ensure_csrf(self, refresh: bool = False) -> str:
        """The session's CSRF token (fetched once per session, or again when refused)."""
        session = self.session_id()
        if self._csrf and self._csrf_session == session and not refresh:
            return self._csrf
        response = await self.transmit("GET", f"{self.profile.url}/api/v1/csrf-token", {"Accept": "application/json"}, None, None)
        if response.status == 401:
            raise _SessionGone
        value = response.header(CSRF_HEADER)
        if not value:
            raise RequestFailed(
                f"could not get a CSRF token (GET /api/v1/csrf-token answered {response.status})",
                "the session may have ended: try again",
            )
        if len(value) > MAX_CSRF_TOKEN or not (value.isascii() and value.isprintable()):
            # It goes back in a header: bytes httpx cannot send were blamed on the profile's url.
            raise RequestFailed(
                f"the tenant's CSRF token is not usable ({len(value):,} characters, not all printable ASCII)",
                "something between you and Qlik Cloud (a proxy?) changes the answer: try again, or from another network",
            )
        self._csrf, self._csrf_session = value, session
        self.events.emit(CSRF_REFRESHED, "after CSRF-TOKEN-2" if refresh else "for this session")
        return value

    async def auth_headers(self, method: str) -> dict[str, str]:
        """The session's CSRF token on every non-GET (the cookies go by themselves)."""
        if method in ("GET", "HEAD", "OPTIONS"):
            return {}
        return {CSRF_HEADER: await self.ensure_csrf()}

    @staticmethod
    def csrf_refused(response: Response) -> bool:
        """403 with Qlik's CSRF-TOKEN-2 code."""
        return response.status == 403 and b"CSRF-TOKEN-2" in response.body

    async def send_authenticated(self, request: Request, progress: Progress | None) -> Response:
        """Log in if needed, send; refresh CSRF on CSRF-TOKEN-2, re-login once on 401."""
        await self.ensure_login()
        session = self.session_id()
        try:
            response = await self._attempt(request, progress)
            if self.csrf_refused(response):
                await self.ensure_csrf(refresh=True)
                response = await self._attempt(request, progress)
            if response.status != 401:
                return response
        except _SessionGone:
            pass
        await self.ensure_login(stale_session=session)
        try:
            return await self._attempt(request, progress)
        except _SessionGone:
            raise RequestFailed("Qlik Cloud ended the session right after login", HINT_CLOUD_LOGIN, 401) from None
