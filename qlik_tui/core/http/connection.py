"""One authenticated, long-lived connection per profile.

The base class owns the HTTP client (keep-alive, TLS settings), the token cache, events,
429 waits, streaming with progress, and the final diagnosis. The product classes
(`QseowConnection`, `CloudConnection`) own how a request is authenticated.
"""

from __future__ import annotations

import asyncio
import email.utils
import gc
import ssl
import time
from collections.abc import Awaitable, Callable

import httpx

from ... import __version__
from ..auth.token_cache import TokenCache
from ..auth.tokens import MintedToken
from ..errors import BodyTooLarge, RequestFailed
from ..events import RATE_LIMITED, EventBus
from ..profiles.model import Profile
from .diagnose import diagnose, from_exception
from .redact import redact_url
from .types import Request, Response

Progress = Callable[[int, "int | None"], None]
Sleep = Callable[[float], Awaitable[None]]
MAX_RATE_LIMIT_WAITS = 3
MAX_RETRY_AFTER = 60.0
DEFAULT_TIMEOUT = 60.0
THREAD_PARSE_BYTES = 256 * 1024


class _Buffer:
    """Collects a body. With a Content-Length it writes into one preallocated buffer: growing
    a bytearray re-copies it (tens of ms at 100 MB, holding the event loop)."""

    def __init__(self, expected: int | None) -> None:
        self._data = bytearray(expected) if expected else bytearray()
        self._view = memoryview(self._data) if expected else None
        self.size = 0

    def add(self, chunk: bytes) -> None:
        end = self.size + len(chunk)
        if self._view is not None and end <= len(self._data):
            self._view[self.size : end] = chunk
        else:
            if self._view is not None:  # longer than announced: fall back to growing
                self._view.release()
                self._view = None
                del self._data[self.size :]
            self._data += chunk
        self.size = end

    def value(self) -> bytes:
        if self._view is not None:
            self._view.release()
            self._view = None
        if self.size != len(self._data):
            del self._data[self.size :]  # shorter than announced
        return bytes(self._data)  # one memcpy (~20 ms at 100 MB), instead of repeated regrowth


def _parse_quietly(response: Response, freeze_gc: bool) -> None:
    if freeze_gc:
        # Millions of new objects would make the cyclic GC scan them all, repeatedly, while
        # holding the GIL: stalls of 0.2-0.5 s at 20 MB. JSON data has no cycles, so parse
        # with the collector off and move what exists now out of its reach (refcounting
        # still frees it all when the response goes).
        gc.disable()
    try:
        response.json()
    except ValueError:
        pass  # diagnose() reports it
    finally:
        if freeze_gc:
            gc.freeze()
            gc.enable()


def tls_verify(profile: Profile) -> ssl.SSLContext | bool:
    """What httpx should verify the server with: the CA bundle, the system store, or nothing."""
    if profile.tls_verification_off:
        return False
    path = profile.ca_bundle_path
    if path is None:
        return True
    if not path.is_file():
        raise RequestFailed(
            f"{path}: ca_bundle not found", "point ca_bundle at the PEM file of the CA that signed the Qlik server's certificate"
        )
    try:
        return ssl.create_default_context(cafile=str(path))
    except (ssl.SSLError, ValueError):
        raise RequestFailed(
            f"{path}: ca_bundle is not a PEM certificate file", "export the CA certificate as PEM (-----BEGIN CERTIFICATE-----)"
        ) from None


def retry_after_seconds(value: str | None, now: float | None = None) -> float:
    """Retry-After as seconds (a number or an HTTP date), 1 s if absent, at most 60 s."""
    if not value:
        return 1.0
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError):
            return 1.0
        seconds = when - (time.time() if now is None else now)
    return max(0.0, min(MAX_RETRY_AFTER, seconds))


class Connection:
    """Send requests for one profile; re-mint and re-authenticate as needed."""

    def __init__(
        self,
        profile: Profile,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.profile = profile
        self.timeout = timeout
        self.events = EventBus(clock)
        self.tokens = TokenCache(profile, self.events, clock)
        self._sleep = sleep
        self._client: httpx.AsyncClient | None = None
        self.max_body: int | None = None  # bytes; None: no cap (the TUI sets one)
        self.freeze_gc_after_parse = False  # a long-running TUI sets this (see _parse_quietly)

    @property
    def client(self) -> httpx.AsyncClient:
        """The keep-alive client, created on first use (TLS settings are checked then)."""
        if self._client is None:
            self._client = httpx.AsyncClient(
                verify=tls_verify(self.profile),
                timeout=httpx.Timeout(self.timeout, connect=min(10.0, self.timeout)),
                follow_redirects=False,
                headers={"User-Agent": f"qlik-tui/{__version__}"},
            )
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP client (sessions on the server simply time out)."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def __aenter__(self) -> Connection:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def token(self) -> MintedToken:
        """The current token, minted or re-minted if it is missing or near expiry."""
        return await self.tokens.get()

    async def send(
        self,
        request: Request,
        *,
        all_pages: bool = False,
        max_pages: int = 50,
        progress: Progress | None = None,
        on_page: Callable[[int], None] | None = None,
    ) -> Response:
        """Send `request`; the Response carries `error` (message + hint) when it is not usable."""
        started = time.perf_counter()
        response = await self._with_rate_limit_waits(request, progress)
        if all_pages and 200 <= response.status < 300:
            response = await self.follow_pages(response, max_pages, progress, on_page)
        if len(response.body) > THREAD_PARSE_BYTES and response.looks_like_json:
            # Parse big bodies in a thread: the event loop (a TUI's keys) must keep turning.
            await asyncio.to_thread(_parse_quietly, response, self.freeze_gc_after_parse)
        response.elapsed = time.perf_counter() - started
        response.error = diagnose(response, self.profile)
        return response

    async def _with_rate_limit_waits(self, request: Request, progress: Progress | None) -> Response:
        for attempt in range(MAX_RATE_LIMIT_WAITS + 1):
            response = await self.send_authenticated(request, progress)
            if response.status != 429 or attempt == MAX_RATE_LIMIT_WAITS:
                return response
            wait = retry_after_seconds(response.header("retry-after"))
            self.events.emit(RATE_LIMITED, f"waiting {wait:g} s (Retry-After), try {attempt + 2} of {MAX_RATE_LIMIT_WAITS + 1}")
            await self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    async def send_authenticated(self, request: Request, progress: Progress | None) -> Response:
        """Send once with whatever authentication the product needs (subclasses)."""
        raise NotImplementedError

    async def follow_pages(
        self, first: Response, max_pages: int, progress: Progress | None, on_page: Callable[[int], None] | None = None
    ) -> Response:
        """Concatenate paged results (Cloud); QRS lists are not paged."""
        return first

    async def transmit(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None, progress: Progress | None
    ) -> Response:
        """One HTTP exchange, body streamed with progress; transport errors become RequestFailed."""
        started = time.perf_counter()
        try:
            req = self.client.build_request(method, url, headers=headers, content=body)
            http_response = await self.client.send(req, stream=True)
            try:
                length = http_response.headers.get("content-length")
                total = int(length) if length and length.isdigit() else None
                cap = self.max_body
                encoding = http_response.headers.get("content-encoding")  # then Content-Length is compressed
                if cap is not None and total is not None and total > cap:
                    raise BodyTooLarge(total, cap, encoding)
                chunks = _Buffer(total)
                if progress is None and cap is None:
                    chunks.add(await http_response.aread())  # nothing to report or cap: one read
                else:
                    async for chunk in http_response.aiter_bytes():
                        chunks.add(chunk)
                        if cap is not None and chunks.size > cap:
                            raise BodyTooLarge(total, cap, encoding)
                        if progress is not None:
                            # bytes on the wire, comparable with Content-Length even when compressed
                            progress(http_response.num_bytes_downloaded, total)
            finally:
                await http_response.aclose()
        except RequestFailed:
            raise
        except (httpx.HTTPError, ssl.SSLError, OSError) as exc:
            raise from_exception(
                exc if isinstance(exc, httpx.HTTPError) else httpx.ConnectError(str(exc)), self.profile, self.timeout
            ) from None
        return Response(
            method=method,
            url=redact_url(str(http_response.url)),
            status=http_response.status_code,
            reason=http_response.reason_phrase,
            headers=list(http_response.headers.multi_items()),
            body=chunks.value(),
            elapsed=time.perf_counter() - started,
        )
