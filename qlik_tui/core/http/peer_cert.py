"""When verification fails because of the certificate's dates, read those dates.

Python's ssl error says "certificate has expired" but not when. After the verified
handshake has failed (nothing was sent), one more handshake without verification fetches
the certificate only to read its validity dates; no request goes over it.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ..profiles.model import Profile
from .tls import unverified_context

EXPIRED = 10  # X509_V_ERR_CERT_HAS_EXPIRED
NOT_YET_VALID = 9  # X509_V_ERR_CERT_NOT_YET_VALID
DATE_CODES = (EXPIRED, NOT_YET_VALID)
NAME_CODES = (62, 64)  # X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH
MAX_NAMES = 10


def verify_error(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate verification error behind `exc`, if there is one."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return current
        seen.append(current)
        current = current.__cause__ or current.__context__
    return None


async def certificate_dates(profile: Profile, timeout: float = 5.0) -> tuple[datetime, datetime] | None:
    """(not before, not after) of the certificate the profile's server presents, or None."""
    cert = await _peer_certificate(profile, timeout)
    return None if cert is None else (cert.not_valid_before_utc, cert.not_valid_after_utc)


async def certificate_names(profile: Profile, timeout: float = 5.0) -> list[str] | None:
    """The names (DNS and IP subject alternative names, else the CN) the server's certificate holds."""
    from cryptography import x509

    cert = await _peer_certificate(profile, timeout)
    if cert is None:
        return None
    try:
        try:
            alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            names = [str(n) for n in (*alt.get_values_for_type(x509.DNSName), *alt.get_values_for_type(x509.IPAddress))]
        except x509.ExtensionNotFound:
            names = [str(a.value) for a in cert.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)]
    except ValueError:  # a malformed extension: no names to show
        return None
    # Server text going to a terminal: keep it short; the one door (visible()) cleans it later.
    return [n[:100] for n in names[:MAX_NAMES]]


async def _peer_certificate(profile: Profile, timeout: float) -> Any:
    from cryptography import x509

    url = urlsplit(profile.url)
    try:
        port = url.port or 443
    except ValueError:
        return None
    if url.scheme != "https" or not url.hostname:
        return None
    try:
        der = await asyncio.to_thread(_fetch_der, url.hostname, port, timeout)
        return x509.load_der_x509_certificate(der) if der else None
    except (OSError, ssl.SSLError, ValueError, TimeoutError):
        return None


def _fetch_der(host: str, port: int, timeout: float) -> bytes | None:
    # A blocking socket, read right after the handshake: asyncio's TLS may already have torn
    # the connection down when a server that wants a client certificate sends its alert.
    context = unverified_context()
    with socket.create_connection((host, port), timeout=timeout) as raw:
        with context.wrap_socket(raw, server_hostname=host) as tls:
            return tls.getpeercert(binary_form=True)


async def dates_of_refused_certificate(exc: BaseException, profile: Profile) -> tuple[datetime, datetime] | None:
    """The certificate's dates when `exc` is a date failure (expired / not yet valid), else None."""
    error = verify_error(exc)
    if error is None or error.verify_code not in DATE_CODES:
        return None
    return await certificate_dates(profile)


async def names_of_mismatched_certificate(exc: BaseException, profile: Profile) -> list[str] | None:
    """The certificate's names when `exc` is a host name mismatch, else None."""
    error = verify_error(exc)
    if error is None or error.verify_code not in NAME_CODES:
        return None
    return await certificate_names(profile)


_CLOSED_WORDS = ("broken pipe", "reset", "eof", "brokenresource", "without sending")


async def handshake_alert(
    exc: BaseException, profile: Profile, context: ssl.SSLContext, timeout: float = 3.0, listen: float = 1.0
) -> str | None:
    """What the server says when it drops a TLS connection with no answer: its alert, or "closed".

    A server that wants (or refuses) a client certificate decides after TLS 1.3 has finished
    the client's side of the handshake, so the request races its alert and often only
    "broken pipe" arrives. One more connection that only listens reads the alert itself.
    """
    # Only QSEoW has a port that wants client certificates (QRS, 4242).
    if verify_error(exc) is not None or urlsplit(profile.url).scheme != "https" or profile.type != "qseow":
        return None
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    text = " ".join(f"{type(e).__name__} {e}" for e in seen).lower()
    if not any(word in text for word in _CLOSED_WORDS):
        return None
    url = urlsplit(profile.url)
    writer = None
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(url.hostname, url.port or 443, ssl=context, server_hostname=url.hostname), timeout
        )
        # The alert follows the handshake at once; a server that accepted us waits for a request.
        data = await asyncio.wait_for(reader.read(1), listen)
        return "closed" if not data else None
    except ssl.SSLError as alert:
        return str(alert)[:200]
    except (OSError, TimeoutError, ValueError):
        return None  # it waits for a request (accepted), or cannot be reached now: nothing to add
    finally:
        if writer is not None:
            writer.close()
