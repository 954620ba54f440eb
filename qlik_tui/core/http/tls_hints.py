"""TLS failures that QSEoW's own certificates cause: a port that wants a client certificate,
a client certificate the site refuses, and server certificates that name the machine."""

from __future__ import annotations

from urllib.parse import urlsplit

from ..errors import RequestFailed
from ..profiles.model import Profile, QseowProfile

# Alerts a server sends when it wants a client certificate and got none.
_CERT_REQUIRED = ("CERTIFICATE_REQUIRED", "certificate required", "PEER_DID_NOT_RETURN_A_CERTIFICATE")
# Alerts a server sends when it refuses the client certificate it got.
_CERT_REFUSED = (
    "UNKNOWN_CA",
    "BAD_CERTIFICATE",
    "CERTIFICATE_UNKNOWN",
    "CERTIFICATE_EXPIRED",
    "DECRYPT_ERROR",
    "HANDSHAKE_FAILURE",
)
HINT_CLIENT_CERT = (
    "use client.pem and client_key.pem exported by this site's QMC (its root.pem signed them); "
    "a certificate from another site, a re-created root or an expired one is refused"
)


def _uses_client_cert(profile: Profile) -> bool:
    return isinstance(profile, QseowProfile) and profile.auth == "certificate"


def tls_refusal(
    text: str, alert: str | None, profile: Profile, target: str, cert_names: list[str] | None
) -> RequestFailed | None:
    """A message and hint for the QSEoW certificate cases, or None for any other failure.

    `text` is the failure as the request saw it; `alert` what a second, listening connection
    heard (peer_cert.handshake_alert): the server's TLS alert, "closed", or None.
    """
    if cert_names is not None:
        return _name_mismatch(profile, target, cert_names)
    heard = f"{text} {alert or ''}"
    if any(word in heard for word in _CERT_REQUIRED):
        if _uses_client_cert(profile):
            return RequestFailed(
                f"{target}: the server refused the TLS handshake: it got no client certificate", HINT_CLIENT_CERT
            )
        return RequestFailed(
            f"{target}: the server refused the TLS handshake: it wants a client certificate",
            "this is QRS's certificate port (4242): use auth = \"certificate\" with QMC's client_cert and client_key, "
            "or the proxy's port (443) with a virtual proxy",
        )
    if _uses_client_cert(profile) and (alert == "closed" or any(word in heard for word in _CERT_REFUSED)):
        # A refused certificate often shows only as a closed connection: the alert is lost
        # when TLS 1.3 finishes the client's side of the handshake before the server checks.
        return RequestFailed(f"{target}: the server refused the TLS handshake with this client certificate", HINT_CLIENT_CERT)
    return None


def _name_mismatch(profile: Profile, target: str, names: list[str]) -> RequestFailed:
    typed = urlsplit(profile.url).hostname or "?"
    shown = ", ".join(names) or "no names"
    machine = next((n for n in names if not n[:1].isdigit() and "*" not in n), None)
    if machine is None:
        fix = "use one of those names in `url`, or ask for a certificate that names the host you use"
    else:
        port = f":{urlsplit(profile.url).port}" if urlsplit(profile.url).port else ""
        fix = (
            f"use the machine's name in `url` (https://{machine}{port}), or, if that name does not resolve here, "
            f"map it to the server's address in /etc/hosts (C:\\Windows\\System32\\drivers\\etc\\hosts)"
        )
    return RequestFailed(
        f"{target}: TLS verification failed: the server's certificate names {shown}, not {typed}",
        f"QMC's server certificates name the machine, not the DNS name people type: {fix}",
    )
