"""Turn transport failures and bad answers into one message and a hint a person can act on.

The hints come from QLIK.md's table of failures people hit in the field.
"""

from __future__ import annotations

import email.utils
import errno
import math
import socket
import time
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..errors import JsonUnreadable, RequestFailed
from ..json.pretty import pretty
from ..profiles.model import Profile, QseowProfile
from .method_hints import qseow_method_failure
from .peer_cert import EXPIRED, NOT_YET_VALID, verify_error
from .tls_hints import tls_refusal
from .types import Response

CLOCK_TOLERANCE = 5.0  # seconds: Qlik Cloud's default clock tolerance
MAX_CLOCK_SKEW = 300  # the profile's clock_skew allows 0-300 seconds
_TOKEN_TIME_WORDS = ("not yet valid", "nbf", "iat", "expired", "clock", "skew", "in the future")

XSRF_TEXT = "XSRF prevention check failed"
HINT_QSEOW_401 = (
    "check that the claim names match the virtual proxy's JWT attributes for user ID and user directory "
    "(case-sensitive), that the proxy holds this key's certificate (`qlik-tui profiles check`), the audience, "
    "the server's clock, and that the user is not inactive"
)
HINT_LOGIN_PAGE = (
    "the request was not authenticated: check `virtual_proxy` (the prefix) and that this virtual proxy uses JWT authentication"
)
HINT_CLOUD_LOGIN = (
    "check `issuer` and `key_id` against the tenant's JWT identity provider, that the IdP holds this key's "
    "certificate (`qlik-tui profiles check`), and the claims (email_verified must be a boolean)"
)

HINT_API_KEY_401 = (
    "the tenant does not accept this API key: it is unknown (another tenant's? cut short when copied?), revoked, "
    "or expired; generate a new one in the tenant (profile menu > Settings > API keys)"
)
HINT_OAUTH_401 = (
    "a newly fetched access token was refused too: check that the OAuth client still exists, and its scopes "
    "(`scopes` in the profile) allow this API"
)


def where(profile: Profile) -> str:
    """host:port of the profile's server, for messages (shortened: a URL may be absurdly long)."""
    parts = urlsplit(profile.url)
    try:
        port = parts.port
    except ValueError:
        port = None
    host = parts.hostname or "?"
    host = host if len(host) <= 80 else host[:60] + "…" + host[-10:]
    return f"{host}:{port or (443 if parts.scheme == 'https' else 80)}"


def from_exception(
    exc: Exception,
    profile: Profile,
    timeout: float,
    *,
    cert_dates: tuple[datetime, datetime] | None = None,
    cert_names: list[str] | None = None,
    tls_alert: str | None = None,
) -> RequestFailed:
    """A transport exception (DNS, refused, TLS, timeout, protocol) as a RequestFailed.

    `cert_dates` (not before, not after) are the server certificate's, when verification
    failed on its dates and they could be read; `cert_names` its names, when verification
    failed because none of them is the host in `url`; `tls_alert` what the server said when
    it dropped the connection during TLS (see peer_cert.handshake_alert).
    """
    target = where(profile)
    # httpx wraps h11's error, which wraps its own: the same words three times over
    text = " ".join(dict.fromkeys(str(e) for e in _chain(exc)))
    if isinstance(exc, httpx.ConnectTimeout):
        return RequestFailed(
            f"{target}: no answer within {timeout:g} s while connecting",
            "check the host, the port and any firewall or VPN between you and the server",
        )
    if isinstance(exc, httpx.TimeoutException):
        return RequestFailed(
            f"{target}: the server stopped answering (timed out after {timeout:g} s)",
            "the server may be overloaded; try again, or ask for less (a filter, a smaller page)",
        )
    refusal = tls_refusal(text, tls_alert, profile, target, cert_names)
    if refusal is not None:
        return refusal
    verify = verify_error(exc)
    if verify is not None and verify.verify_code == EXPIRED:
        when = f" on {cert_dates[1]:%Y-%m-%d %H:%M} UTC" if cert_dates else ""
        return RequestFailed(
            f"{target}: TLS verification failed (the server's certificate expired{when})",
            "the server's admin must renew its certificate; adding a ca_bundle will not help (verify_tls = false only in a lab)",
        )
    if verify is not None and verify.verify_code == NOT_YET_VALID:
        when = f" until {cert_dates[0]:%Y-%m-%d %H:%M} UTC" if cert_dates else ""
        return RequestFailed(
            f"{target}: TLS verification failed (the server's certificate is not valid yet{when})",
            "check this computer's clock and date; if it is right, the server's certificate starts in the future",
        )
    if "CERTIFICATE_VERIFY_FAILED" in text or verify is not None:
        detail = "hostname mismatch" if "mismatch" in text.lower() or "doesn't match" in text else "certificate not trusted"
        return RequestFailed(
            f"{target}: TLS verification failed ({detail})",
            'Qlik servers often use a private CA: set ca_bundle = "path/to/ca.pem" in the profile, or add '
            "the CA to this computer's trust store (verify_tls = false only in a lab)",
        )
    if "WRONG_VERSION_NUMBER" in text or "record layer failure" in text or "packet length too long" in text:
        return RequestFailed(
            f"{target}: the server does not speak TLS on this port", "use http:// in `url`, or the server's HTTPS port"
        )
    if isinstance(exc, httpx.RemoteProtocolError) and "Receive buffer too long" in text:
        return RequestFailed(
            f"{target}: the answer's headers are over 64 kB (thousands of headers, or huge ones): not read",
            "a server or proxy that floods headers (Set-Cookie...) is broken or hostile: check `url` and what answers there",
        )
    if isinstance(exc, httpx.RemoteProtocolError) and "without sending" not in text:
        return RequestFailed(
            f"{target}: the answer is not valid HTTP ({_first_line(text)[:120]})",
            "check that `url` points at the Qlik server's web port: another service or a broken proxy answered",
        )
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)) and profile.url.startswith("http:"):
        return RequestFailed(
            f"{target}: the server closed the connection without an HTTP answer",
            "if the server wants HTTPS, use https:// in `url`",
        )
    if isinstance(exc, httpx.ConnectError):
        chain = _chain(exc)
        errnos = {getattr(e, "errno", None) for e in chain}
        lowered = text.lower()
        dns_words = (
            "name or service not known",
            "nodename nor servname",
            "temporary failure in name resolution",
            "no address associated",
        )
        if any(isinstance(e, socket.gaierror) for e in chain) or any(w in lowered for w in dns_words):
            return RequestFailed(
                f"{where(profile).rpartition(':')[0]}: host name not found (DNS)",
                "check `url` in the profile for a typo, and your DNS or VPN",
            )
        if errno.ECONNREFUSED in errnos or "refused" in lowered or "errno 111" in lowered:
            return RequestFailed(
                f"{target}: connection refused", "nothing listens there: check the port in `url` and that the service is running"
            )
        if errnos & {errno.ENETUNREACH, errno.EHOSTUNREACH} or "unreachable" in lowered:
            return RequestFailed(f"{target}: network unreachable", "check your network or VPN")
        return RequestFailed(f"{target}: cannot connect ({_first_line(text)})", "check `url` and the network")
    if isinstance(exc, httpx.HTTPError):
        return RequestFailed(f"{target}: {type(exc).__name__}: {_first_line(text)}", "check `url` and the network")
    raise exc


def cut_short(exc: Exception, profile: Profile, status: int, received: int, announced: int | None) -> RequestFailed:
    """A failure while the body was arriving: the headers came, the answer did not finish."""
    target = where(profile)
    text = " ".join(str(e) for e in _chain(exc)).lower()
    if isinstance(exc, httpx.DecodingError):
        return RequestFailed(
            f"{target}: the {status} answer's body could not be decoded ({_first_line(str(exc))})",
            "the server sent a broken compressed body (Content-Encoding); try again, or tell the server's admin",
            status,
        )
    if isinstance(exc, httpx.TimeoutException):
        how = "the server stopped sending mid-answer"
    elif "chunk" in text:
        how = "broken chunked encoding"
    elif "reset" in text or errno.ECONNRESET in {getattr(e, "errno", None) for e in _chain(exc)}:
        how = "connection reset"
    else:
        how = "connection closed early"
    of = f" of the {announced:,} announced" if announced is not None else ""
    return RequestFailed(
        f"{target}: the answer ({status}) was cut short after {received:,} bytes{of} ({how})",
        "the server or a proxy between you dropped the answer mid-way: try again; if it repeats, ask for less",
        status,
    )


def clock_difference(response: Response, now: float | None = None) -> float | None:
    """Seconds the server's clock (its Date header) is ahead of ours; None without a Date."""
    value = response.header("date")
    if not value:
        return None
    try:
        server = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    diff = server - (time.time() if now is None else now)
    return diff if math.isfinite(diff) else None


def token_refused_hint(response: Response, detail: str, usual: str) -> str:
    """`usual`, unless the clocks differ or the server says the token's times are wrong:
    then a hint that names the difference and `clock_skew`."""
    diff = clock_difference(response)
    if diff is not None and abs(diff) > CLOCK_TOLERANCE:
        size = f"{abs(diff):,.0f} s"
        if diff < 0:
            skew = math.ceil(-diff) + 5
            fix = (
                f"fix either clock, or set clock_skew = {skew} in the profile (backdates iat/nbf)"
                if skew <= MAX_CLOCK_SKEW
                else f"fix either clock: that is more than clock_skew can cover ({MAX_CLOCK_SKEW} s at most)"
            )
            return f"the server's clock is {size} behind this computer's, so tokens look issued in the future: {fix}"
        return (
            f"the server's clock is {size} ahead of this computer's, so tokens look old or expired: fix either clock "
            "(clock_skew backdates tokens, which only helps when the server is behind; a longer `lifetime` may)"
        )
    if any(word in detail.lower() for word in _TOKEN_TIME_WORDS):
        return (
            "the server finds the token's times wrong: check this computer's clock against the server's; "
            "clock_skew (seconds, 0-300) in the profile backdates iat/nbf to cover a server clock that is behind"
        )
    return usual


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in out:
        out.append(current)
        current = current.__cause__ or current.__context__
    return out


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or ["no detail"])[0][:200]


MAX_DETAIL = 500  # characters of a server's error text quoted in a message


def _said(value: Any) -> str:
    """A value from an error body as text: strings as they are, anything else as compact JSON
    (str() of a list nested thousands deep raised RecursionError; pretty() does not recurse)."""
    if isinstance(value, str):
        return value
    return pretty(value, indent=None)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_DETAIL else text[:MAX_DETAIL] + f"… ({len(text) - MAX_DETAIL:,} more characters)"


def qlik_error_detail(response: Response) -> str:
    """'USERS-7: User not found (detail)' from a Qlik error body, else a short text snippet."""
    if response.looks_like_json:
        try:
            doc: Any = response.json()
        except ValueError:
            doc = None
        errors = doc.get("errors") if isinstance(doc, dict) else None
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first = errors[0]
            parts = [_said(first.get("code", "")), _said(first.get("title", ""))]
            text = ": ".join(p for p in parts if p)
            if first.get("detail"):
                text += f" ({_said(first['detail'])})"
            return _cut(text)
        if isinstance(doc, dict) and doc.get("message"):
            return _cut(_said(doc["message"]))
    if response.is_html or not response.body:
        return ""
    return _first_line(response.body[:2000].decode("utf-8", errors="replace"))


def diagnose(response: Response, profile: Profile) -> RequestFailed | None:
    """None for a usable answer; otherwise what went wrong and what to do."""
    status = response.status
    is_qseow = isinstance(profile, QseowProfile)
    if isinstance(profile, QseowProfile) and profile.auth != "jwt" and (status >= 300 or response.is_html):
        method_failure = qseow_method_failure(response, profile, qlik_error_detail(response) if status >= 300 else "")
        if method_failure is not None:
            return method_failure
    if 200 <= status < 300:
        if response.is_html:
            return RequestFailed(
                f"{status}: got an HTML page where JSON was expected",
                HINT_LOGIN_PAGE if is_qseow else "check the path: API paths start with /api/v1/",
                status,
            )
        if response.looks_like_json and response.body.strip():
            try:
                response.json()
            except JsonUnreadable as exc:
                return RequestFailed(f"{status}: {exc.message}", exc.hint, status)
            except ValueError as exc:
                return RequestFailed(
                    f"{status}: the body says it is JSON but does not parse ({exc})",
                    "the answer was cut short or is not JSON; try again, or see it with --raw",
                    status,
                )
        return None
    detail = qlik_error_detail(response)  # only for errors: a 100 MB 2xx body is never scanned here
    suffix = f": {detail}" if detail else ""
    if 300 <= status < 400:
        location = response.header("location") or "?"
        return RequestFailed(
            f"{status}: redirected to {location} (a login page?)",
            HINT_LOGIN_PAGE if is_qseow else "a redirect to another site was not followed",
            status,
        )
    if status == 401:
        if is_qseow:
            hint = token_refused_hint(response, detail, HINT_QSEOW_401)
            return RequestFailed(f"401 Unauthorized: the virtual proxy refused the token{suffix}", hint, status)
        if profile.auth == "api_key":
            return RequestFailed(f"401 Unauthorized: Qlik Cloud refused the API key{suffix}", HINT_API_KEY_401, status)
        if profile.auth == "oauth":
            return RequestFailed(f"401 Unauthorized: Qlik Cloud refused the access token{suffix}", HINT_OAUTH_401, status)
        hint = token_refused_hint(response, detail, HINT_CLOUD_LOGIN)
        return RequestFailed(f"401 Unauthorized: Qlik Cloud refused the session{suffix}", hint, status)
    if status == 403:
        if XSRF_TEXT in response.body[:500].decode("utf-8", errors="replace"):
            return RequestFailed(
                "403: XSRF check failed (Xrfkey missing or different in query and header)",
                "send the same 16-character xrfkey as the query parameter and the X-Qlik-Xrfkey header",
                status,
            )
        if is_qseow:
            return RequestFailed(
                f"403 Forbidden{suffix}",
                "the virtual proxy's host allow list may not include the host name in `url`, or the user lacks access",
                status,
            )
        if profile.auth == "oauth":
            hint = "the OAuth client's scopes (`scopes` in the profile) or its user's roles do not cover this call"
            return RequestFailed(f"403 Forbidden{suffix}", hint, status)
        return RequestFailed(f"403 Forbidden{suffix}", "the user lacks the role or permission for this call", status)
    if status == 400 and b"request header is incorrect" in response.body[:20000].lower():
        return RequestFailed(
            "400: The http request header is incorrect",
            "on a multi-node site, link the JWT virtual proxy to the central proxy (seen in the field)",
            status,
        )
    if status == 429:
        return RequestFailed(f"429 Too Many Requests: still rate limited after waiting{suffix}", _rate_hint(response), status)
    if status >= 500:
        return RequestFailed(
            f"{status} {response.reason or 'Server Error'}: the server failed{suffix}",
            "the fault is on the server: try again, and check the server's logs",
            status,
        )
    hints = {
        400: "check the query parameters (QRS filter syntax: name eq 'X') and the body",
        404: "check the path and the id (ids are GUIDs on QSEoW)",
        405: "this path does not take that method",
        409: "the object changed since you read it (QRS checks modifiedDate): read it again, then write",
    }
    return RequestFailed(f"{status} {response.reason}{suffix}".rstrip(), hints.get(status, "see the response body"), status)


def unusable_redirect(status: int | None, location: str, profile: Profile) -> RequestFailed:
    """A redirect to something that is not a web address (`javascript:`, `mailto:`...): never followed."""
    shown = location if len(location) <= 200 else location[:200] + "…"
    is_qseow = isinstance(profile, QseowProfile)
    return RequestFailed(
        f"{status or 'a redirect'}: redirected to {shown}, which is not a web address (not followed)",
        HINT_LOGIN_PAGE if is_qseow else "the tenant answered with a redirect qlik-tui cannot follow: check `url` in the profile",
        status,
    )


def pretty_json_or_text(response: Response) -> str:
    """The body as pretty JSON when it parses, else as text."""
    if response.looks_like_json:
        try:
            return pretty(response.json())  # no recursion: any depth the parser accepts
        except ValueError:
            pass
    return response.text()


def _rate_hint(response: Response) -> str:
    """What Qlik Cloud's spec says of this operation's limit (x-qlik-tier), else the general rule."""
    from ..catalog.operations import find_operation  # the catalog only when it is needed

    endpoint = find_operation(response.method, urlsplit(response.url).path)
    if endpoint is not None and endpoint.rate_limit:
        return (
            f"{endpoint.label()} is rate limited at {endpoint.rate_limit}, counted per user together with every "
            "operation of its tier: slow down, and retry later"
        )
    return "Qlik limits requests per user (about 1,000/min for reads, 100/min for writes): slow down and retry later"
