"""Qlik Cloud OAuth machine-to-machine clients: the token request, its answer, and one cached access token.

`POST /oauth/token` (form-encoded, `grant_type=client_credentials`) gives an access token
that is used as a Bearer until it is near `expires_in` or refused. Fetching is the
connection's job (it owns HTTP); this module builds the request, reads the answer as
strictly as any other server text, and keeps the token so that concurrent requests share
one fetch (an asyncio lock and a re-check under it), never one per request.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from ..errors import RequestFailed
from ..events import OAUTH_TOKEN_FETCHED, EventBus
from ..json.parse import loads
from ..profiles.model import CloudProfile
from .renewing import RenewingCache
from .secrets import resolve_secret
from .token_cache import refresh_margin

TOKEN_PATH = "/oauth/token"
MAX_ANSWER = 256 * 1024  # bytes: a token answer is about 1 kB
MAX_TOKEN = 16 * 1024  # characters: it goes back in a header
DEFAULT_LIFETIME = 3600.0  # seconds, when the answer gives no expiry at all (Qlik always does)
MAX_SHOWN = 300  # characters of the server's error text quoted in a message
HINT_CLIENT = (
    "check `client_id` and the client secret (the secret is shown once when the client is created: make a new "
    "one if it is lost); the client must be a machine-to-machine OAuth client of this tenant"
)
HINT_SCOPE = "ask only for scopes the OAuth client has in the tenant (`scopes` in the profile; user_default is the usual one)"
HINT_GRANT = "this OAuth client may not use client credentials: create a machine-to-machine (M2M) client in the tenant"
HINT_HTML = "the tenant answered with a web page: check `url` is the tenant's address (https://TENANT.REGION.qlikcloud.com)"


@dataclass(frozen=True)
class AccessToken:
    """An access token (treated as opaque: Qlik does not document its format) and its life."""

    value: str
    issued_at: float
    expires_at: float
    scope: str = ""

    @property
    def lifetime(self) -> float:
        """Seconds between fetching and expiry."""
        return max(0.0, self.expires_at - self.issued_at)

    def seconds_left(self, now: float) -> float:
        """Seconds until expiry (negative once expired)."""
        return self.expires_at - now


def token_request_body(profile: CloudProfile) -> bytes:
    """The form-encoded client-credentials request (reads the client secret now)."""
    fields = [
        ("grant_type", "client_credentials"),
        ("client_id", profile.client_id),
        ("client_secret", resolve_secret(profile, "client_secret")),
    ]
    if profile.scopes:
        fields.append(("scope", " ".join(profile.scopes)))
    return urlencode(fields).encode("ascii")


def _shown(value: Any) -> str:
    """Server text for a message, cut short; numbers as text; anything else (a list nested
    thousands deep would make json.dumps recurse) is left out."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)[:MAX_SHOWN]
    if not isinstance(value, str):
        return ""
    return value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN] + "…"


def oauth_error(doc: Any) -> tuple[str, str]:
    """(error code, description) from an RFC 6749 answer or a Qlik `errors` list; ("", "") if neither."""
    if not isinstance(doc, dict):
        return "", ""
    if isinstance(doc.get("error"), str):
        return _shown(doc["error"]), _shown(doc.get("error_description") or "")
    errors = doc.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        code, title, detail = (_shown(first.get(k) or "") for k in ("code", "title", "detail"))
        # Qlik puts the OAuth error name in the title (its own code is OAUTH-n): prefer the name
        name = title if title.startswith(("invalid_", "unauthorized_", "unsupported_")) else code or title
        return name, " ".join(x for x in (title if name != title else "", detail) if x)
    return "", ""


def _refused(status: int, doc: Any, client_id: str) -> RequestFailed:
    code, description = oauth_error(doc)
    said = f" ({description})" if description else ""
    lowered = f"{code} {description}".lower()
    if "invalid_client" in lowered:
        return RequestFailed(f"Qlik Cloud refused the OAuth client '{client_id}' (invalid_client{said})", HINT_CLIENT, status)
    if "invalid_scope" in lowered:
        return RequestFailed(f"Qlik Cloud refused the requested scopes (invalid_scope{said})", HINT_SCOPE, status)
    if "unauthorized_client" in lowered or "unsupported_grant_type" in lowered or "invalid_grant" in lowered:
        return RequestFailed(f"Qlik Cloud refused the client-credentials grant ({code}{said})", HINT_GRANT, status)
    if status == 403:
        return RequestFailed(
            f"Qlik Cloud refused an access token (403{': ' + code if code else ''}{said})",
            "the client's user may be disabled, or it holds the maximum number of tokens: check the client in the tenant",
            status,
        )
    if status == 429:
        return RequestFailed(
            "Qlik Cloud kept rate-limiting the token request (429)",
            "token requests are limited (about 100 a minute): wait a minute; qlik-tui fetches one token per run",
            status,
        )
    shown = f": {code}{said}" if code else ""
    return RequestFailed(f"Qlik Cloud refused the token request ({status}{shown})", HINT_CLIENT, status)


def parse_token_answer(status: int, content_type: str, body: bytes, client_id: str, now: float) -> AccessToken:
    """The access token from `/oauth/token`'s answer, or RequestFailed saying what went wrong and what to do."""
    if len(body) > MAX_ANSWER:
        raise RequestFailed(
            f"the token answer is {len(body):,} bytes (expected about 1 kB): not read", "is `url` the Qlik Cloud tenant?", status
        )
    head = body[:256].lstrip().lower()
    if "html" in content_type or head.startswith((b"<!doctype", b"<html")):
        raise RequestFailed(f"POST {TOKEN_PATH} answered {status} with an HTML page, not JSON", HINT_HTML, status)
    try:
        doc: Any = loads(body) if body.strip() else None
    except ValueError:
        doc = None
    if not 200 <= status < 300:
        raise _refused(status, doc, client_id)
    if not isinstance(doc, dict):
        raise RequestFailed(
            f"POST {TOKEN_PATH} answered {status} without a JSON object ({content_type or 'no content type'})", HINT_HTML, status
        )
    value = doc.get("access_token")
    if not isinstance(value, str) or not value or len(value) > MAX_TOKEN or not (value.isascii() and value.isprintable()):
        raise RequestFailed(
            f"POST {TOKEN_PATH} answered {status} without a usable access_token",
            "something between you and Qlik Cloud (a proxy?) changes the answer: try again, or from another network",
            status,
        )
    token_type = doc.get("token_type")
    if isinstance(token_type, str) and token_type.lower() != "bearer":
        raise RequestFailed(f"the access token is of type {_shown(token_type)}, not bearer", HINT_GRANT, status)
    scope = doc.get("scope") if isinstance(doc.get("scope"), str) else ""
    return AccessToken(value, now, now + _lifetime(doc, now), _shown(scope))


def _lifetime(doc: dict[str, Any], now: float) -> float:
    """Seconds the token lives: `expires_in`, else `expires_at` (ISO), else an hour; never negative or absurd."""
    given = doc.get("expires_in")
    if isinstance(given, str) and given.strip().isdigit():
        given = int(given)
    if isinstance(given, (int, float)) and not isinstance(given, bool) and given == given:
        return float(min(max(given, 0), 366 * 86400))
    at = doc.get("expires_at")
    if isinstance(at, str):
        try:
            seconds = datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp() - now
        except ValueError:
            seconds = DEFAULT_LIFETIME
        return float(min(max(seconds, 0), 366 * 86400))
    return DEFAULT_LIFETIME


Fetch = Callable[[], Awaitable[AccessToken]]


class AccessTokenCache(RenewingCache[AccessToken]):
    """The live access token of one OAuth profile: fetched when missing, near expiry, or refused."""

    def __init__(self, events: EventBus, clock: Callable[[], float] = time.time) -> None:
        super().__init__(clock)
        self.events = events
        self.fetch_count = 0  # tokens fetched from the tenant by this connection
        self.refresh_count = 0  # of which replaced an earlier token (expiry or refusal)
        self.restored = False  # the current token came from the session cache

    def margin_for(self, token: AccessToken) -> float:
        """20% of the token's own lifetime, at most 60 s (the tenant chooses the lifetime)."""
        return refresh_margin(token.lifetime)

    async def get(self, fetch: Fetch) -> AccessToken:
        """A token valid for at least the margin, fetching one (once, for everyone waiting) if needed."""
        return await self._current(lambda reason: self._fetch(fetch, reason))

    async def replace(self, stale: AccessToken | None, fetch: Fetch, reason: str) -> AccessToken:
        """A new token unless someone already replaced `stale` (20 refusals at once: one fetch)."""
        return await self._replace(stale, lambda reason: self._fetch(fetch, reason), reason)

    def restore(self, token: AccessToken) -> None:
        """Take a token kept from an earlier run (the session cache)."""
        self.token = token
        self.restored = True

    async def _fetch(self, fetch: Fetch, reason: str) -> AccessToken:
        token = await fetch()
        if reason:
            self.refresh_count += 1
        self.token, self.restored = token, False
        self.fetch_count += 1
        life = f"valid for {token.lifetime:,.0f} s"
        self.events.emit(OAUTH_TOKEN_FETCHED, f"{reason}; {life}" if reason else life)
        return token
