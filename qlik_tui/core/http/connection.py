"""One authenticated, long-lived connection per profile.

The base class owns the HTTP client (keep-alive, TLS settings), the token cache, events,
429 waits, streaming with progress, and the final diagnosis. The product classes
(`QseowConnection`, `CloudConnection`) own how a request is authenticated.
"""

from __future__ import annotations

import asyncio
import gc
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx

from ... import __version__
from .. import debug_log
from ..auth.credential import CredentialInfo
from ..auth.token_cache import TokenCache
from ..auth.tokens import MintedToken
from ..errors import BodyTooLarge, RequestFailed, TimeLimitExceeded
from ..events import RATE_LIMITED, EventBus
from ..memory import release_freed_memory
from ..profiles.model import Profile
from .deadline import Deadline, current_deadline
from .diagnose import cut_short, diagnose, from_exception, unusable_redirect, where
from .download import current_download
from .peer_cert import dates_of_refused_certificate, handshake_alert, names_of_mismatched_certificate
from .rate_limit import MAX_RATE_LIMIT_WAITS, MAX_RETRY_AFTER, human_seconds, parse_retry_after, retry_after_seconds
from .read_size import widen_reads
from .redact import redact_url
from .session_keeping import SessionKeeping
from .timing import TimingTrace
from .tls import server_context
from .types import FileBody, Request, RequestBody, Response

Progress = Callable[[int, "int | None"], None]
Sleep = Callable[[float], Awaitable[None]]
DEFAULT_TIMEOUT = 60.0
THREAD_PARSE_BYTES = 256 * 1024
RELEASE_BYTES = 4 * 1024 * 1024  # bodies from this size give their freed buffers back (a long-running TUI)
_REDIRECT_KEY = "qlik_tui_redirect"
widen_reads()  # 256 KB socket reads: a 20 MB body in ~80 reads, not ~300 (see read_size)


class _Buffer:
    """Collects a body from what actually arrives, never from what Content-Length announces
    (a server may announce 5 GB and send 8 bytes). Chunks are kept in a list and joined once
    at the end: one copy, no regrowth while the event loop waits."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self._chunks.append(chunk)
        self.size += len(chunk)

    def value(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks = [data]
        return data


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
    if freeze_gc and len(response.body) >= RELEASE_BYTES:
        release_freed_memory()  # the read buffers, freed but still resident (see core/memory.py)


async def _note_redirect(response: httpx.Response) -> None:
    """Keep a redirect's status and Location on its request, for the message if httpx fails on it.

    httpx builds the next request of a redirect even when it will not follow it, and a Location
    it cannot make a URL of (`javascript:`, `mailto:`, `data:`) raises InvalidURL, losing the answer.
    """
    if response.has_redirect_location:
        response.request.extensions[_REDIRECT_KEY] = (response.status_code, response.headers.get("location", ""))


def _refuse_dot_segments(url: str) -> None:
    """httpx resolves `.` and `..` path segments before sending: `/../qrs/about` typed on a
    profile whose prefix is `jwt` went to the root proxy's /qrs/about (with the JWT), and an id
    of `..` from a server could walk a drill-down anywhere on the host. Refuse them instead."""
    path = url.split("?", 1)[0].split("#", 1)[0].split("://", 1)[-1].partition("/")[2]
    if any(segment in (".", "..") for segment in path.split("/")):
        raise RequestFailed(
            f"the path /{path[:200]} holds '.' or '..' segments: not sent",
            "write the API path without them (they would be resolved before sending, leaving the virtual proxy prefix)",
        )


class Connection(SessionKeeping):
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
        self._tls: ssl.SSLContext | None = None  # built on first use (tls_context), shared with the Engine
        self.max_body: int | None = None  # bytes; None: no cap (the TUI sets one)
        self.freeze_gc_after_parse = False  # a long-running TUI sets this (see _parse_quietly)
        self.lazy_json = False  # the TUI reads big lists as LazyArray (core.json.lazy): set Response.lazy

    @property
    def client(self) -> httpx.AsyncClient:
        """The keep-alive client, created on first use (TLS settings are checked then)."""
        if self._client is None:
            self._client = httpx.AsyncClient(
                verify=self.tls_context(),
                timeout=httpx.Timeout(self.timeout, connect=min(10.0, self.timeout)),
                follow_redirects=False,
                headers={"User-Agent": f"qlik-tui/{__version__}"},
                event_hooks={"response": [_note_redirect]},
            )
        return self._client

    def tls_context(self) -> ssl.SSLContext:
        """How TLS checks the server (and, for client certificates, what it presents): built
        once, then shared by the HTTP client and the Engine's WebSocket."""
        if self._tls is None:
            self._tls = self.build_tls_context()
        return self._tls

    def build_tls_context(self) -> ssl.SSLContext:
        """The profile's server check (see http/tls.py); subclasses add what they present."""
        return server_context(self.profile)

    async def aclose(self) -> None:
        """Close the HTTP client, keeping the session for the next run when there is a cache."""
        self.save_session_if_changed()
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

    def credential_info(self) -> CredentialInfo | None:
        """What signs this connection's requests now, for people; None before anything is signed.

        JWT profiles answer with the cached token; the other sign-in methods override this.
        """
        token = self.tokens.token
        if token is None:
            return None
        return CredentialInfo(
            "jwt",
            f"JWT {token.header.get('alg', '')} for {self.profile.identity}",
            expires_at=token.expires_at,
            issued_at=token.issued_at,
        )

    async def send(
        self,
        request: Request,
        *,
        all_pages: bool = False,
        max_pages: int = 50,
        progress: Progress | None = None,
        on_page: Callable[[int], None] | None = None,
        deadline: Deadline | None = None,
    ) -> Response:
        """Send `request`; the Response carries `error` (message + hint) when it is not usable.

        `deadline` bounds the whole exchange (connect, every read, 429 waits, re-logins,
        pages): past it, TimeLimitExceeded. Without one, only the per-read timeout applies.
        """
        if deadline is None:
            return await self._send(request, all_pages, max_pages, progress, on_page)
        token = current_deadline.set(deadline)
        try:
            async with asyncio.timeout(deadline.remaining()):
                return await self._send(request, all_pages, max_pages, progress, on_page)
        except TimeoutError:
            raise TimeLimitExceeded(deadline.seconds, where(self.profile)) from None
        finally:
            current_deadline.reset(token)

    async def _send(
        self,
        request: Request,
        all_pages: bool,
        max_pages: int,
        progress: Progress | None,
        on_page: Callable[[int], None] | None,
    ) -> Response:
        started = time.perf_counter()
        response = await self._with_rate_limit_waits(request, progress)
        if all_pages and 200 <= response.status < 300:
            response = await self.follow_pages(response, max_pages, progress, on_page)
        response.lazy = self.lazy_json  # after the pages were joined: they are read as lists
        if len(response.body) > THREAD_PARSE_BYTES and response.looks_like_json:
            # Parse big bodies in a thread: the event loop (a TUI's keys) must keep turning.
            await asyncio.to_thread(_parse_quietly, response, self.freeze_gc_after_parse)
        response.elapsed = time.perf_counter() - started
        response.error = diagnose(response, self.profile)
        debug_log.exchange(self.profile.name, request, response)  # only with --debug; redacted
        return response

    async def _with_rate_limit_waits(self, request: Request, progress: Progress | None) -> Response:
        for attempt in range(MAX_RATE_LIMIT_WAITS + 1):
            response = await self.send_authenticated(request, progress)
            if response.status != 429 or attempt == MAX_RATE_LIMIT_WAITS:
                return response
            await self.wait_for_rate_limit(response, f"try {attempt + 2} of {MAX_RATE_LIMIT_WAITS + 1}")
        raise AssertionError("unreachable")  # pragma: no cover

    async def wait_for_rate_limit(self, response: Response, what: str) -> None:
        """Wait as a 429's Retry-After asks, saying so (an event); refuse waits that are too long."""
        value = response.header("retry-after")
        asked = parse_retry_after(value)
        shown = f"Retry-After: {value.strip()[:40]}" if value else "no Retry-After"
        if asked is not None and asked > MAX_RETRY_AFTER:
            raise RequestFailed(
                f"429 Too Many Requests: the server asks to wait {human_seconds(asked)} ({shown}), "
                f"longer than qlik-tui waits ({MAX_RETRY_AFTER:g} s)",
                "Qlik limits requests per user: try again after that time",
                429,
            )
        wait = retry_after_seconds(value)
        deadline = current_deadline.get()
        if deadline is not None and wait > deadline.remaining():
            raise RequestFailed(
                f"429 Too Many Requests: a wait of {human_seconds(wait)} ({shown}) would go past the time limit "
                f"({deadline.remaining():.3g} s left)",
                "try again later, or raise the time limit (call --max-time)",
                429,
            )
        why = "as asked" if asked is not None else "since that is not understood" if value else "by default"
        self.events.emit(RATE_LIMITED, f"429 with {shown}; waiting {wait:.3g} s {why}, then {what}")
        await self._sleep(wait)

    async def send_authenticated(self, request: Request, progress: Progress | None) -> Response:
        """Send once with whatever authentication the product needs (subclasses)."""
        raise NotImplementedError

    async def follow_pages(
        self, first: Response, max_pages: int, progress: Progress | None, on_page: Callable[[int], None] | None = None
    ) -> Response:
        """Concatenate paged results (Cloud); QRS lists are not paged."""
        return first

    async def transmit(
        self, method: str, url: str, headers: dict[str, str], body: RequestBody, progress: Progress | None
    ) -> Response:
        """One HTTP exchange, body streamed with progress; transport errors become RequestFailed.

        A FileBody is streamed from disk (opened again on every call, so a retry re-sends it);
        while a Download is current, a successful answer is streamed to its file instead of memory.
        """
        started = time.perf_counter()
        _refuse_dot_segments(url)
        content: bytes | AsyncIterator[bytes] | None = body.chunks() if isinstance(body, FileBody) else body
        if isinstance(body, FileBody):
            headers = {**headers, "Content-Length": str(body.size)}
        try:
            req = self.client.build_request(method, url, headers=headers, content=content)
        except (httpx.InvalidURL, UnicodeError, ValueError, TypeError) as exc:
            raise RequestFailed(
                f"cannot build the request to {where(self.profile)}: {str(exc)[:200]}",
                "check `url` in the profile, the path, and header names and values (ASCII, no line breaks)",
            ) from None
        trace = TimingTrace(req.url.host, req.url.port or (443 if req.url.scheme == "https" else 80))
        req.extensions["trace"] = trace  # DNS, connect, TLS, first byte: see http/timing.py
        try:
            http_response = await self.client.send(req, stream=True)
        except (httpx.InvalidURL, httpx.RemoteProtocolError) as exc:
            if _REDIRECT_KEY not in req.extensions:  # a broken answer, not a broken Location
                raise from_exception(httpx.RemoteProtocolError(str(exc)), self.profile, self.timeout) from None
            status, location = req.extensions[_REDIRECT_KEY]
            raise unusable_redirect(status, location, self.profile) from None
        except (httpx.HTTPError, ssl.SSLError, OSError) as exc:
            cert_dates = await dates_of_refused_certificate(exc, self.profile)
            cert_names = await names_of_mismatched_certificate(exc, self.profile)
            alert = await handshake_alert(exc, self.profile, self.tls_context())
            if not isinstance(exc, httpx.HTTPError):
                wrapped = httpx.ConnectError(str(exc))
                wrapped.__cause__ = exc  # keeps the ssl error (and its verify_code) in the chain
                exc = wrapped
            raise from_exception(
                exc, self.profile, self.timeout, cert_dates=cert_dates, cert_names=cert_names, tls_alert=alert
            ) from None
        length = http_response.headers.get("content-length")
        total = int(length) if length and length.isdigit() else None
        download = current_download.get()
        saved: int | None = None
        chunks = _Buffer()
        encoding = http_response.headers.get("content-encoding")  # then Content-Length is compressed
        try:
            cap = self.max_body
            if download is not None and download.wants(http_response.status_code, http_response.headers.get("content-type", "")):
                # To disk as it arrives: no cap but the disk's, and never the whole body in memory.
                saved = await download.receive(http_response.aiter_bytes(), total, lambda: http_response.num_bytes_downloaded)
            elif cap is not None and total is not None and total > cap:
                raise BodyTooLarge(total, cap, encoding)
            elif progress is None and cap is None and not self.freeze_gc_after_parse:
                # Nothing to report or cap: one read. Not in the TUI: aread() keeps the body in
                # httpx's response too, which sits in a reference cycle, and with the collector
                # frozen after each parse (see _parse_quietly) that cycle, body included, would
                # never be freed: every such response would stay for the life of the app.
                chunks.add(await http_response.aread())
            else:
                # Decoded bytes are counted: a 4 MB gzip bomb stops at the cap, not at gigabytes.
                async for chunk in http_response.aiter_bytes():
                    chunks.add(chunk)
                    if cap is not None and chunks.size > cap:
                        raise BodyTooLarge(total, cap, encoding)
                    if progress is not None:
                        # bytes on the wire, comparable with Content-Length even when compressed
                        progress(http_response.num_bytes_downloaded, total)
        except (httpx.HTTPError, ssl.SSLError, OSError) as exc:
            raise cut_short(exc, self.profile, http_response.status_code, http_response.num_bytes_downloaded, total) from None
        finally:
            await http_response.aclose()
        return Response(
            method=method,
            url=redact_url(str(http_response.url)),
            status=http_response.status_code,
            reason=http_response.reason_phrase,
            headers=list(http_response.headers.multi_items()),
            body=chunks.value(),
            elapsed=time.perf_counter() - started,
            saved=saved,
            timing=trace.timing(time.perf_counter()),
        )
