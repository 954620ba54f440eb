"""What every Qlik Cloud connection shares, whatever signs its requests: same-origin
redirects followed (never carrying credentials to another site) and `links.next` paging.

`CloudConnection` (JWT login + session cookies + CSRF) and `CloudBearerConnection` (API key
or OAuth access token as a Bearer) differ only in the headers that authenticate one hop
(`auth_headers`) and in how they recover from a refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..errors import BodyTooLarge, RequestFailed
from ..json.paging import next_href, page_items
from ..json.pretty import pretty
from ..profiles.model import CloudProfile
from .connection import Connection, Progress
from .types import Request, Response

MAX_REDIRECTS = 5


class CloudBase(Connection):
    """Requests to a Qlik Cloud tenant: redirects and pages; subclasses authenticate."""

    profile: CloudProfile

    async def auth_headers(self, method: str) -> dict[str, str]:
        """Headers that authenticate one hop of `method` (a CSRF token, a Bearer...)."""
        return {}

    def _override_user_headers(self) -> tuple[str, ...]:
        """Header names (lower case) the connection sets itself, dropped from the user's."""
        return ()

    def _same_origin(self, url: str) -> bool:
        try:
            a, b = urlsplit(url), urlsplit(self.profile.url)
        except ValueError:  # "http://[::1" from a server: not a URL, so not the tenant
            return False
        return (a.scheme, a.netloc) == (b.scheme, b.netloc)

    async def _attempt(self, request: Request, progress: Progress | None) -> Response:
        method, body = request.method, request.body
        qs = request.query_string()
        url = f"{self.profile.url}{request.path}" + (f"?{qs}" if qs else "")
        ours = self._override_user_headers()
        for _ in range(MAX_REDIRECTS + 1):
            headers = {"Accept": "application/json", **{k: v for k, v in request.headers if k.lower() not in ours}}
            if body is not None and not any(k.lower() == "content-type" for k in headers):
                headers["Content-Type"] = "application/json"
            headers.update(await self.auth_headers(method))
            response = await self.transmit(method, url, headers, body, progress)
            location = response.header("location")
            if response.status not in (301, 302, 303, 307, 308) or not location:
                return response
            target = _join(url, location)
            if target is None or not self._same_origin(target):
                return response  # never carry the session (or the Bearer) to another site
            url = target
            if response.status in (301, 302, 303) and method != "HEAD":
                method, body = "GET", None
        return response

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
