"""When verification fails because of the certificate's dates, read those dates.

Python's ssl error says "certificate has expired" but not when. After the verified
handshake has failed (nothing was sent), one more handshake without verification fetches
the certificate only to read its validity dates; no request goes over it.
"""

from __future__ import annotations

import asyncio
import ssl
from datetime import datetime
from urllib.parse import urlsplit

from ..profiles.model import Profile

EXPIRED = 10  # X509_V_ERR_CERT_HAS_EXPIRED
NOT_YET_VALID = 9  # X509_V_ERR_CERT_NOT_YET_VALID
DATE_CODES = (EXPIRED, NOT_YET_VALID)


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
    from cryptography import x509

    url = urlsplit(profile.url)
    try:
        port = url.port or 443
    except ValueError:
        return None
    if url.scheme != "https" or not url.hostname:
        return None
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    writer = None
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(url.hostname, port, ssl=context, server_hostname=url.hostname), timeout
        )
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        if not der:
            return None
        cert = x509.load_der_x509_certificate(der)
        return cert.not_valid_before_utc, cert.not_valid_after_utc
    except (OSError, ssl.SSLError, ValueError, TimeoutError):
        return None
    finally:
        if writer is not None:
            writer.close()


async def dates_of_refused_certificate(exc: BaseException, profile: Profile) -> tuple[datetime, datetime] | None:
    """The certificate's dates when `exc` is a date failure (expired / not yet valid), else None."""
    error = verify_error(exc)
    if error is None or error.verify_code not in DATE_CODES:
        return None
    return await certificate_dates(profile)
