"""Qlik Cloud: log in once with a JWT (POST /login/jwt-session, rate limited), then use the
session cookies; a CSRF token on every non-GET; same-origin redirects followed; pages
concatenated on request."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..auth.tokens import MintedToken
from ..errors import BodyTooLarge, RequestFailed
from ..events import CSRF_REFRESHED, LOGGED_IN, RELOGIN_BACKOFF
from ..json.paging import next_href, page_items
from ..json.pretty import pretty
from ..profiles.model import CloudProfile
from .connection import Connection, Progress
from .deadline import current_deadline
from .diagnose import HINT_CLOUD_LOGIN, qlik_error_detail, token_refused_hint
from .rate_limit import MAX_RATE_LIMIT_WAITS
from .session_state import clean_token, cookies_state, restore_cookies
from .types import Request, Response

SESSION_COOKIE = "eas.sid"
CSRF_HEADER = "qlik-csrf-token"
MAX_REDIRECTS = 5
MAX_CSRF_TOKEN = 4096  # characters; Qlik's are a few dozen
# A session refused soon after its login is a session Qlik keeps refusing: logging in again
# at once, in a loop (`call --watch 0.1`), bursts into the login rate limit (100/min) and
# can lock the user out. Such re-logins back off (0 s, 1 s, 2 s...) and stop after a few.
QUICK_LOSS = 30.0  # seconds after login
RELOGIN_FIRST_WAIT = 1.0
MAX_QUICK_LOSSES = 4


class _SessionGone(Exception):
    """The CSRF endpoint answered 401: the session ended."""


class CloudConnection(Connection):
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

    def _same_origin(self, url: str) -> bool:
        try:
            a, b = urlsplit(url), urlsplit(self.profile.url)
        except ValueError:  # "http://[::1" from a server: not a URL, so not the tenant
            return False
        return (a.scheme, a.netloc) == (b.scheme, b.netloc)

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

    async def _attempt(self, request: Request, progress: Progress | None) -> Response:
        method, body = request.method, request.body
        qs = request.query_string()
        url = f"{self.profile.url}{request.path}" + (f"?{qs}" if qs else "")
        for _ in range(MAX_REDIRECTS + 1):
            headers = {"Accept": "application/json", **dict(request.headers)}
            if body is not None and not any(k.lower() == "content-type" for k in headers):
                headers["Content-Type"] = "application/json"
            if method not in ("GET", "HEAD", "OPTIONS"):
                headers[CSRF_HEADER] = await self.ensure_csrf()
            response = await self.transmit(method, url, headers, body, progress)
            location = response.header("location")
            if response.status not in (301, 302, 303, 307, 308) or not location:
                return response
            target = _join(url, location)
            if target is None or not self._same_origin(target):
                return response  # never carry the session to another site
            url = target
            if response.status in (301, 302, 303) and method != "HEAD":
                method, body = "GET", None
        return response

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

    async def follow_pages(
        self, first: Response, max_pages: int, progress: Progress | None, on_page: Callable[[int], None] | None = None
    ) -> Response:
        """Follow links.next.href and concatenate every page's `data`.

        A relative href is resolved against the page that gave it; an href on another host is
        never followed (the session cookies would go with it): that ends in an error.
        """
        try:
            doc: Any = first.json()
        except ValueError:
            return first
        if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
            return first
        data = list(doc["data"])
        pages, size = 1, len(first.body)
        next_url = _next_url(doc, first.url)
        while next_url and pages < max_pages:
            if not self._same_origin(next_url):
                raise RequestFailed(
                    f"page {pages + 1}: links.next {_elsewhere(next_url)}; not followed, so the pages are incomplete",
                    "qlik-tui never sends the session to another host; fetch without --all-pages to see the links",
                )
            parts = urlsplit(next_url)
            page = await self._with_rate_limit_waits(Request.build("GET", f"{parts.path}?{parts.query}"), progress)
            if not 200 <= page.status < 300:
                page.pages = pages + 1
                return page
            size += len(page.body)
            if self.max_body is not None and size > self.max_body:
                raise BodyTooLarge(size, self.max_body)  # the cap is for the whole document, not each page
            last = _page_json(page, pages + 1)
            data.extend(page_items(last, pages + 1))
            pages += 1
            if on_page is not None:
                on_page(pages)
            next_url = _next_url(last, page.url)
        combined: dict[str, Any] = {"data": data}
        if next_url:
            combined["links"] = {"next": {"href": next_url}}  # stopped at the cap: say where to go on
        # No recursion (pages may nest deeper than json.dumps goes), and a lone surrogate from a
        # "\ud800" escape is written back as that escape: the body stays JSON, and the same JSON.
        first.body = pretty(combined, indent=None).encode("utf-8", "backslashreplace")
        first._json = combined
        first.pages = pages
        return first


def next_page_request(response: Response, tenant_url: str) -> Request | None:
    """The request for the page after `response` (the TUI's `n`), None when there is none.

    The same rules as --all-pages: a relative href is resolved against the page, and an href
    that is no URL, not http(s), carries credentials or is on another host is refused."""
    try:
        doc = response.json()
    except ValueError:
        return None
    next_url = _next_url(doc, response.url)
    if next_url is None:
        return None
    parts = urlsplit(next_url)
    tenant = urlsplit(tenant_url)
    if (parts.scheme, parts.netloc) != (tenant.scheme, tenant.netloc):
        raise RequestFailed(
            f"links.next {_elsewhere(next_url)}: not followed", "qlik-tui never sends the session to another host"
        )
    return Request.build("GET", f"{parts.path}?{parts.query}")


def _page_json(page: Response, number: int) -> Any:
    """A later page's JSON, or RequestFailed naming what the page was instead."""
    try:
        return page.json()
    except ValueError:
        kind = page.content_type or "no content type"
        raise RequestFailed(
            f"page {number}: the answer is not JSON ({page.status}, {kind}, {len(page.body):,} bytes)",
            "the server's paging broke mid-way: try again, or fetch the pages one at a time without --all-pages",
            page.status,
        ) from None


def _next_url(doc: Any, base: str) -> str | None:
    """The next page's absolute URL: a relative `links.next.href` is resolved against the page that gave it."""
    href = next_href(doc)
    if not href:
        return None
    joined = _join(base, href)
    if joined is None:
        raise RequestFailed(
            f"this answer's links.next.href is not a URL ({href[:100]}): not followed, so the pages are incomplete",
            "the server's paging is broken: fetch the pages one at a time without --all-pages",
        )
    return joined


def _join(base: str, href: str) -> str | None:
    """`href` resolved against `base`, or None when it is no URL at all (urljoin raises on "http://[x")."""
    try:
        return urljoin(base, href)
    except ValueError:
        return None


def _elsewhere(url: str) -> str:
    """Why a next-page URL is not the tenant's, in words (the host, or that it is not http at all)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "is not a URL"
    if parts.scheme not in ("http", "https") or not host:
        return f"is not a web address ({url[:60]})"
    if parts.username is not None or parts.password is not None:
        return "carries a user name or password"
    return f"points to another host ({parts.netloc[:100]})"
