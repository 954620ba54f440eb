"""Qlik Cloud with a Bearer: an API key (auth = "api_key") or an OAuth access token (auth = "oauth").

`Authorization: Bearer` goes straight to /api/v1: no login, no cookies, no CSRF. Redirects
are followed only on the tenant's own origin (the Bearer never goes elsewhere), pages as
for JWT sessions (CloudBase). An API key is checked locally before sending (an expired one
is refused with a hint); an OAuth token is fetched once, again only near expiry or when
refused (one retry), and concurrent requests share that fetch.
"""

from __future__ import annotations

import ssl
from typing import Any

import httpx

from ..auth.api_key import ApiKey, api_key_info, load_api_key, refuse_if_expired
from ..auth.credential import CredentialInfo
from ..auth.oauth import TOKEN_PATH, AccessToken, AccessTokenCache, parse_token_answer, token_request_body
from ..auth.tokens import MintedToken
from ..errors import RequestFailed, TokenError
from ..events import BEARER_REFUSED, CACHED_SESSION_REFUSED, SESSION_RESTORED
from ..profiles.model import CloudProfile
from .cloud_base import CloudBase
from .connection import Progress
from .diagnose import from_exception
from .peer_cert import dates_of_refused_certificate
from .rate_limit import MAX_RATE_LIMIT_WAITS
from .redact import redact_url
from .types import Request, Response

MAX_TOKEN_ANSWER = 256 * 1024  # bytes read from /oauth/token at most (an answer is ~1 kB)
_FORM = "application/x-www-form-urlencoded"


class CloudBearerConnection(CloudBase):
    """Requests to a Qlik Cloud tenant signed by an API key or an OAuth client's access token."""

    profile: CloudProfile

    def __init__(self, profile: CloudProfile, **kwargs: Any) -> None:
        super().__init__(profile, **kwargs)
        self.api_key: ApiKey | None = None
        self.access = AccessTokenCache(self.events, self.tokens.clock)

    @property
    def uses_oauth(self) -> bool:
        """True for an OAuth client, False for an API key."""
        return self.profile.auth == "oauth"

    async def token(self) -> MintedToken:
        """Nothing is minted for API keys or OAuth clients: say so instead of minting with no key."""
        raise TokenError(
            f"profile '{self.profile.name}' signs in with {'an OAuth client' if self.uses_oauth else 'an API key'}: "
            "there is no JWT to mint",
            "`qlik-tui token -p NAME` prints the Bearer it sends",
        )

    def load_api_key(self) -> ApiKey:
        """The API key, read from its secret source on first use (SecretError when it cannot be)."""
        if self.api_key is None:
            self.api_key = load_api_key(self.profile)
        return self.api_key

    async def bearer(self) -> str:
        """The Bearer to send now: the API key (refused if expired) or a live access token."""
        if self.uses_oauth:
            return (await self.access.get(self.fetch_access_token)).value
        key = self.load_api_key()
        refuse_if_expired(key, self.profile.name, self.tokens.clock())
        return key.key

    async def renew_access_token(self) -> AccessToken:
        """Fetch a new OAuth access token now (the user asked), in place of the live or kept one."""
        if not self.uses_oauth:
            raise TokenError(
                f"profile '{self.profile.name}' signs in with an API key: qlik-tui cannot renew it",
                "generate a new API key in Qlik Cloud (Profile settings > API keys) and point api_key_* at it",
            )
        if self.access.token is None:
            return await self.access.get(self.fetch_access_token)  # the first token: not a refresh
        return await self.access.replace(self.access.token, self.fetch_access_token, "on request")

    async def auth_headers(self, method: str) -> dict[str, str]:
        """The Bearer on every hop (only same-origin hops are followed)."""
        return {"Authorization": f"Bearer {await self.bearer()}"}

    def _override_user_headers(self) -> tuple[str, ...]:
        return ("authorization",)  # the profile's credential signs, not a stray -H

    async def send_authenticated(self, request: Request, progress: Progress | None) -> Response:
        """Send with the Bearer; an OAuth token refused with 401 is replaced once and the request retried."""
        if not self.uses_oauth:
            await self.bearer()  # an expired key stops here, before anything is sent
            response = await self._attempt(request, progress)
            if response.status == 401:
                self.events.emit(BEARER_REFUSED, "API key: unknown, revoked or expired")
            return response
        used = await self.access.get(self.fetch_access_token)
        response = await self._attempt(request, progress)
        if response.status != 401:
            return response
        if self.access.restored and self.access.token is used:
            self.events.emit(CACHED_SESSION_REFUSED, "the kept access token: fetching a new one")
        else:
            self.events.emit(BEARER_REFUSED, "access token: fetching a new one")
        await self.access.replace(used, self.fetch_access_token, "after 401")
        return await self._attempt(request, progress)

    async def fetch_access_token(self) -> AccessToken:
        """POST /oauth/token (client credentials); 429s waited out as Retry-After asks, a bounded number of times."""
        body = token_request_body(self.profile)  # reads the client secret (SecretError names where it looked)
        url = f"{self.profile.url}{TOKEN_PATH}"
        for attempt in range(MAX_RATE_LIMIT_WAITS + 1):
            status, headers, answer = await self._post_form(url, body)
            if status == 429 and attempt < MAX_RATE_LIMIT_WAITS:
                shown = Response("POST", url, status, "", headers, b"", 0.0)
                await self.wait_for_rate_limit(shown, "ask for an access token again")
                continue
            break
        if 300 <= status < 400:
            location = next((v for k, v in headers if k.lower() == "location"), "?")
            raise RequestFailed(
                f"POST {TOKEN_PATH} was redirected ({status}) to {redact_url(location)[:200]}",
                "use the tenant's own address in `url` (https://TENANT.REGION.qlikcloud.com), not an alias",
                status,
            )
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "").lower()
        return parse_token_answer(status, content_type, answer, self.profile.client_id, self.tokens.clock())

    async def _post_form(self, url: str, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        """One POST whose answer is read up to MAX_TOKEN_ANSWER bytes (a hostile server may send gigabytes)."""
        headers = {"Content-Type": _FORM, "Accept": "application/json"}
        try:
            async with self.client.stream("POST", url, headers=headers, content=body) as answer:
                data = bytearray()
                async for chunk in answer.aiter_bytes():
                    data += chunk
                    if len(data) > MAX_TOKEN_ANSWER:
                        break  # parse_token_answer names the size
                return answer.status_code, list(answer.headers.multi_items()), bytes(data)
        except (httpx.HTTPError, ssl.SSLError, OSError) as exc:
            cert_dates = await dates_of_refused_certificate(exc, self.profile)
            if not isinstance(exc, httpx.HTTPError):
                wrapped = httpx.ConnectError(str(exc))
                wrapped.__cause__ = exc
                exc = wrapped
            raise from_exception(exc, self.profile, self.timeout, cert_dates=cert_dates) from None

    def credential_info(self) -> CredentialInfo | None:
        """The API key's subject and expiry, or the access token's countdown and refreshes."""
        if not self.uses_oauth:
            return api_key_info(self.api_key) if self.api_key is not None else None
        token = self.access.token
        if token is None:
            return None
        details = [
            f"fetched {self.access.fetch_count} token{'s' if self.access.fetch_count != 1 else ''}, "
            f"refreshed {self.access.refresh_count} time{'s' if self.access.refresh_count != 1 else ''}"
        ]
        if token.scope:
            details.append(f"scopes: {token.scope}")
        if self.access.restored:
            details.append("kept from an earlier run (session cache)")
        return CredentialInfo(
            "oauth",
            f"OAuth access token for client {self.profile.client_id}",
            expires_at=token.expires_at,
            issued_at=token.issued_at,
            details=tuple(details),
        )

    def session_state(self) -> dict[str, Any] | None:
        """The OAuth access token worth keeping between runs (never the client secret; nothing for API keys)."""
        token = self.access.token
        if not self.uses_oauth or token is None or not self.access.is_fresh(token):
            return None
        return {
            "kind": "oauth",
            "access_token": token.value,
            "issued_at": token.issued_at,
            "expires_at": token.expires_at,
            "scope": token.scope,
        }

    def restore_session(self, state: dict[str, Any]) -> None:
        """Take an access token kept by an earlier run, unless it is malformed or near expiry."""
        if not self.uses_oauth or not isinstance(state, dict) or state.get("kind") != "oauth":
            return
        value, issued, expires = state.get("access_token"), state.get("issued_at"), state.get("expires_at")
        if not (isinstance(value, str) and value.isascii() and value.isprintable() and 0 < len(value) <= 16 * 1024):
            return
        if not all(isinstance(t, (int, float)) and not isinstance(t, bool) for t in (issued, expires)):
            return
        scope = state.get("scope") if isinstance(state.get("scope"), str) else ""
        token = AccessToken(value, float(issued), float(expires), str(scope)[:300])  # type: ignore[arg-type]
        if not self.access.is_fresh(token):
            return
        self.access.restore(token)
        left = token.seconds_left(self.tokens.clock())
        self.events.emit(SESSION_RESTORED, f"OAuth access token, {left:,.0f} s left")
