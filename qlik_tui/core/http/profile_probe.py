"""`profiles check --online`: is this profile what the server expects?

Signs in the way every request does (so a refusal is the first finding), reads the server's
own description of its JWT set-up where the user may (a 403 is reported and the rest still
checked), and compares the server's clock (its `Date` header) and TLS certificate with ours.
"""

from __future__ import annotations

import asyncio
import email.utils
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit

from cryptography import x509

from ..errors import RequestFailed
from ..profiles.model import CloudProfile, QseowProfile
from .cloud import CloudConnection
from .connection import Connection
from .diagnose import MAX_CLOCK_SKEW
from .profile_settings import DIFFERS, FAILED, NO_ACCESS, OK, WARNING, Check, compare_identity_provider, compare_virtual_proxy
from .qseow import QseowConnection
from .tls import unverified_context
from .types import Request, Response

TLS_WARN_DAYS = 30
CLOUD_TOLERANCE = 5.0  # an IdP's default clock tolerance, when the IdP cannot be read
DATE_RESOLUTION = 2  # seconds: Date has whole seconds, and the answer took some time to come


@dataclass
class ProbeReport:
    """Every setting compared, in order."""

    profile: str
    target: str
    checks: list[Check] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        """True when nothing differs (warnings and unreadable settings do not count)."""
        return not any(c.status in (DIFFERS, FAILED) for c in self.checks)


def _sign_in_request(connection: Connection) -> Request:
    # Something every signed-in user may read: the sign-in is then tested on its own.
    if isinstance(connection.profile, CloudProfile):  # any sign-in method
        return Request.build("GET", "/api/v1/users/me")
    return Request.build("GET", "/qrs/about")


async def probe(connection: Connection, clock: Callable[[], float] = time.time) -> ProbeReport:
    """Compare the connection's profile with the server; never raises for what the server says."""
    profile = connection.profile
    report = ProbeReport(profile.name, profile.url)
    report.checks += await tls_checks(profile.url)
    before = clock()
    request = _sign_in_request(connection)
    try:
        response = await connection.send(request)
    except RequestFailed as exc:
        # No HTTP status: nothing answered (DNS, refused, TLS): there was nothing to compare.
        kind = DIFFERS if exc.status else FAILED
        report.checks.append(Check(kind, "sign-in", f"{exc.message}: {exc.hint}" if exc.hint else exc.message))
        if exc.status:  # a refused token: a wrong clock is a common cause, so still compare clocks
            report.checks += await _clock_without_sign_in(connection, clock)
        return report
    after = clock()
    if response.error is not None:
        error = response.error
        kind = FAILED if response.status >= 500 else DIFFERS
        report.checks.append(Check(kind, "sign-in", f"{error.message}: {error.hint}" if error.hint else error.message))
        cloud_tolerance = CLOUD_TOLERANCE if isinstance(profile, CloudProfile) else None
        local = (before + after) / 2
        report.checks.append(clock_check(response, local, profile.clock_skew, cloud_tolerance, profile.lifetime_seconds))
        return report
    report.checks.append(Check(OK, "sign-in", f"the server accepts the profile's token ({request.label()}: {response.status})"))
    tolerance: float | None = None
    if profile.auth != "jwt":
        # the virtual proxy / identity provider settings compared below are a JWT sign-in's
        report.checks.append(Check(OK, "settings", f"auth = {profile.auth}: no JWT settings to compare"))
    elif isinstance(connection, QseowConnection):
        assert isinstance(profile, QseowProfile)
        report.checks += await _qseow_settings(connection, profile)
    elif isinstance(connection, CloudConnection):
        assert isinstance(profile, CloudProfile)
        checks, tolerance = await _cloud_settings(connection, profile)
        report.checks += checks
        tolerance = CLOUD_TOLERANCE if tolerance is None else tolerance
    report.checks.append(clock_check(response, (before + after) / 2, profile.clock_skew, tolerance, profile.lifetime_seconds))
    return report


async def _clock_without_sign_in(connection: Connection, clock: Callable[[], float]) -> list[Check]:
    """The clock check from an answer that needs no sign-in (any answer carries a Date)."""
    profile = connection.profile
    before = clock()
    try:
        response = await connection.transmit("GET", profile.url.rstrip("/") + "/", {}, None, None)
    except RequestFailed:
        return []
    tolerance = CLOUD_TOLERANCE if isinstance(profile, CloudProfile) else None
    return [clock_check(response, (before + clock()) / 2, profile.clock_skew, tolerance, profile.lifetime_seconds)]


async def _read(connection: Connection, request: Request, what: str) -> tuple[object, Check | None]:
    """The JSON of a settings read, or the Check that says why it could not be read."""
    try:
        response = await connection.send(request)
    except RequestFailed as exc:
        return None, Check(FAILED, what, exc.message)
    if response.status in (401, 403):
        return None, Check(
            NO_ACCESS, what, f"this user may not read {request.path} ({response.status}): not compared; the rest is checked"
        )
    if response.error is not None:
        return None, Check(WARNING, what, f"could not read {request.path}: {response.error.message}")
    try:
        return response.json(), None
    except ValueError:
        return None, Check(WARNING, what, f"could not read {request.path}: the answer is not JSON")


async def _qseow_settings(connection: QseowConnection, profile: QseowProfile) -> list[Check]:
    prefix = profile.virtual_proxy
    escaped = prefix.replace("'", "''")
    request = Request.build("GET", "/qrs/virtualproxyconfig/full", [("filter", f"prefix eq '{escaped}'")])
    doc, problem = await _read(connection, request, "virtual proxy settings")
    if problem is not None:
        return [problem]
    proxies = [p for p in doc if isinstance(p, dict)] if isinstance(doc, list) else []
    if not proxies:
        return [
            Check(
                NO_ACCESS,
                "virtual proxy settings",
                f"no virtual proxy with prefix {prefix!r} is visible to this user (QRS hides what a user may not read)",
            )
        ]
    seen = next((c.name for c in connection.client.cookies.jar if c.name.startswith("X-Qlik-Session")), None)
    return compare_virtual_proxy(profile, proxies[0], seen)


async def _cloud_settings(connection: CloudConnection, profile: CloudProfile) -> tuple[list[Check], float | None]:
    request = Request.build("GET", "/api/v1/identity-providers", [("limit", "100")])
    doc, problem = await _read(connection, request, "identity providers")
    if problem is not None:
        return [problem], None
    data = doc.get("data") if isinstance(doc, dict) else None
    return compare_identity_provider(profile, data if isinstance(data, list) else [])


def clock_check(response: Response, local: float, skew: int, tolerance: float | None, lifetime: int) -> Check:
    """The server's `Date` against our clock at the moment it answered."""
    header = response.header("date")
    try:
        server = email.utils.parsedate_to_datetime(header).timestamp() if header else None
    except (TypeError, ValueError):
        server = None
    if server is None:
        return Check(WARNING, "clock", "the server sent no usable Date header: clocks not compared")
    offset = server - local
    allowed = skew + (tolerance or 0) + DATE_RESOLUTION
    seconds = f"{abs(offset):.0f} s"
    if abs(offset) <= allowed:
        return Check(OK, "clock", f"the server's clock is within {max(1, round(abs(offset)))} s of ours")
    if offset < 0 and tolerance is not None:
        needed = int(-offset - (tolerance or 0)) + 5
        # clock_skew stops at MAX_CLOCK_SKEW: past it, only a clock fix helps.
        fix = f" or set clock_skew = {needed} in the profile" if needed <= MAX_CLOCK_SKEW else " clock_skew cannot cover that"
        return Check(
            DIFFERS,
            "clock",
            f"the server's clock is {seconds} behind ours, more than clock_skew ({skew} s) + the IdP's tolerance "
            f"({tolerance:g} s) cover: tokens look issued in the future; fix the clock (NTP) on one side,{fix}",
        )
    if offset > 0 and offset >= lifetime:
        return Check(
            DIFFERS,
            "clock",
            f"the server's clock is {seconds} ahead of ours: every token has expired on arrival; fix the clock (NTP)",
        )
    side = "behind" if offset < 0 else "ahead of"
    return Check(WARNING, "clock", f"the server's clock is {seconds} {side} ours: fix the clock (NTP) on one side")


async def tls_checks(url: str, now: float | None = None, timeout: float = 10.0) -> list[Check]:
    """Days left on the server's TLS certificate (read without trusting it: only its dates matter)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return [Check(WARNING, "TLS", "plain http: no certificate, and tokens cross the network readable")]
    context = unverified_context()
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(parts.hostname, parts.port or 443, ssl=context, server_hostname=parts.hostname), timeout
        )
    except (OSError, asyncio.TimeoutError, ssl.SSLError) as exc:
        return [Check(WARNING, "TLS certificate", f"could not read it ({exc.__class__.__name__}: {exc})")]
    try:
        der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    except ValueError:
        # a port that wants a client certificate may hang up before the handshake counts as done
        der = None
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except (OSError, ssl.SSLError):
            pass  # the certificate is read; how the server hangs up does not matter
    if not der:
        return [Check(WARNING, "TLS certificate", "the server showed no certificate (or hung up before showing it)")]
    cert = x509.load_der_x509_certificate(der)
    return [certificate_check(cert.not_valid_after_utc, time.time() if now is None else now)]


def certificate_check(not_after: datetime, now: float) -> Check:
    """Expired, under 30 days left, or fine."""
    days = (not_after.timestamp() - now) / 86400
    when = not_after.astimezone(timezone.utc).strftime("%Y-%m-%d")
    if days < 0:
        return Check(DIFFERS, "TLS certificate", f"expired {-days:.0f} days ago ({when}): the server needs a new certificate")
    if days < TLS_WARN_DAYS:
        return Check(WARNING, "TLS certificate", f"expires in {days:.0f} days ({when}): renew it on the server soon")
    return Check(OK, "TLS certificate", f"valid until {when} ({days:.0f} days)")
