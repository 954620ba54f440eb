"""`profiles check` without a network, for every sign-in method: what can be proved from files alone.

Client certificates (the certificate is the key's, dates, issued by the CA bundle), CA
bundles, secret sources (they resolve; the value is never shown), API keys (a JWT whose `exp`
is in the future), file modes. Each step is one `Finding`; a step that makes the profile
unusable raises the error people would otherwise meet on their first request.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ..errors import KeyFileError, SecretError, TokenError
from ..file_read import KEY_FILE_LIMIT, read_regular_file
from ..profiles.model import CloudProfile, Profile, QseowProfile
from ..timefmt import iso
from .client_cert import load_client_key
from .key_permissions import key_file_warning
from .secrets import resolve_secret

SOON = 30 * 86400  # a certificate or API key with less left than this gets a warning


@dataclass(frozen=True)
class Finding:
    """One line of the check: a label ("cert", "secret"...), what was found, and whether it is a warning."""

    label: str
    text: str
    warning: bool = False


def check_offline(profile: Profile, now: float | None = None) -> Iterator[Finding]:
    """What the profile's method lets us check offline (JWT minting is the CLI's existing path)."""
    now = time.time() if now is None else now
    if isinstance(profile, QseowProfile) and profile.auth == "certificate":
        yield from _certificate(profile, now)
    elif isinstance(profile, QseowProfile) and profile.auth == "header":
        where = f"{profile.url}/{profile.virtual_proxy}" if profile.virtual_proxy else profile.url
        yield Finding("header", f"{profile.header_name}: {profile.user} on every request to {where} (no secret to check)")
    elif isinstance(profile, CloudProfile) and profile.auth == "api_key":
        yield from _api_key(profile, now)
    elif isinstance(profile, CloudProfile) and profile.auth == "oauth":
        resolve_secret(profile, "client_secret")
        source = profile.secrets["client_secret"].describe("client_secret")
        yield Finding("secret", f"client secret: read from {source} (not shown)")
        scopes = " ".join(profile.scopes) or "the client's defaults"
        yield Finding("client", f"OAuth client {profile.client_id}, scopes: {scopes}")
    if profile.ca_bundle_path is not None:
        yield from _ca_bundle(profile.ca_bundle_path)


def _certificate(profile: QseowProfile, now: float) -> Iterator[Finding]:
    cert_path, key_path = profile.client_cert_path, profile.client_key_path
    assert cert_path is not None and key_path is not None  # the loader requires both
    cert = load_certificate(cert_path, "client certificate")
    key = load_client_key(key_path, profile)
    yield Finding("key", f"{key_path}: loaded")
    warning = key_file_warning(key_path)
    if warning:
        yield Finding("warning", warning, warning=True)
    ours = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    theirs = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if ours != theirs:
        raise KeyFileError(
            f"{cert_path}: this certificate is not the public half of {key_path}",
            "use client.pem and client_key.pem from the same QMC export",
        )
    yield Finding("cert", f"{cert_path}: {subject(cert)}, matches the key")
    yield from _dates(cert, cert_path, now)
    directory, user_id = profile.user_directory_and_id
    yield Finding("user", f"X-Qlik-User: UserDirectory={directory}; UserId={user_id}")
    if profile.ca_bundle_path is not None:
        cas = load_certificates(profile.ca_bundle_path)
        if not any(ca.subject == cert.issuer for ca in cas):
            yield Finding(
                "warning",
                f"{cert_path} was issued by {cert.issuer.rfc4514_string()}, which is not in {profile.ca_bundle_path}: "
                "are client.pem and root.pem from the same QMC export?",
                warning=True,
            )


def _dates(cert: x509.Certificate, path: Path, now: float) -> Iterator[Finding]:
    starts, ends = cert.not_valid_before_utc.timestamp(), cert.not_valid_after_utc.timestamp()
    if now < starts:
        raise KeyFileError(f"{path}: the certificate is valid only from {iso(starts)}", "check this machine's clock")
    if now >= ends:
        raise KeyFileError(
            f"{path}: the certificate expired on {iso(ends)}",
            "export new client certificates in the QMC (Certificates > Export) and replace these files",
        )
    days = (ends - now) / 86400
    line = f"valid until {iso(ends)} ({days:.0f} days left)"
    yield Finding("warning" if ends - now < SOON else "expiry", line, warning=ends - now < SOON)


def _api_key(profile: CloudProfile, now: float) -> Iterator[Finding]:
    from .tokens import decode

    key = resolve_secret(profile, "api_key")
    source = profile.secrets["api_key"].describe("api_key")
    try:
        decoded = decode(key, now=now)
    except TokenError:
        raise SecretError(
            f"the API key read from {source} is not a Qlik API key (they are JWTs: three dot-separated parts)",
            "copy the whole key again from the tenant (profile menu > Settings > API keys > Generate new key)",
        ) from None
    yield Finding("secret", f"API key: read from {source} (not shown)")
    exp = decoded.claims.get("exp")
    if decoded.state == "expired":
        raise SecretError(
            f"the API key read from {source} expired on {decoded.times().get('exp', '?')}",
            "generate a new key in the tenant (profile menu > Settings > API keys) and put it there",
        )
    who = decoded.claims.get("sub")
    label = f"API key for {who}" if isinstance(who, str) else "API key"
    if not isinstance(exp, (int, float)) or isinstance(exp, bool):
        yield Finding("expiry", f"{label}: no expiry in the key")
        return
    left = exp - now
    text = f"{label}: valid until {iso(exp)} ({left / 86400:.0f} days left)"
    yield Finding("warning" if left < SOON else "expiry", text, warning=left < SOON)


def _ca_bundle(path: Path) -> Iterator[Finding]:
    cas = load_certificates(path)
    more = ", ..." if len(cas) > 1 else ""
    yield Finding("ca", f"{path}: {len(cas)} certificate{'s' if len(cas) != 1 else ''} ({subject(cas[0])}{more})")


def subject(cert: x509.Certificate) -> str:
    """The certificate's subject, RFC 4514 (CN=..., O=...)."""
    return cert.subject.rfc4514_string() or "(empty subject)"


def load_certificates(path: Path) -> list[x509.Certificate]:
    """Every PEM certificate in a bundle; KeyFileError when there is none or one is damaged."""
    data = read_regular_file(
        path, what="CA bundle", limit=KEY_FILE_LIMIT, error=KeyFileError, missing_hint="check `ca_bundle` in the profile"
    )
    try:
        certs = x509.load_pem_x509_certificates(data)
    except ValueError:
        hint = "QMC exports root.pem: name it here, whole, including the BEGIN/END lines"
        if b"PRIVATE KEY" in data:
            hint = "this is a private key; `ca_bundle` names the CA certificate (QMC's root.pem)"
        raise KeyFileError(f"{path}: not a PEM certificate bundle", hint) from None
    return certs


def load_certificate(path: Path, what: str) -> x509.Certificate:
    """The first PEM certificate in a file (a chain may follow); KeyFileError with what the file holds otherwise."""
    data = read_regular_file(
        path, what=what, limit=KEY_FILE_LIMIT, error=KeyFileError, missing_hint="check the path in the profile"
    )
    try:
        return x509.load_pem_x509_certificates(data)[0]
    except ValueError:
        hint = "expected -----BEGIN CERTIFICATE----- (QMC's client.pem)"
        if b"PRIVATE KEY" in data:
            hint = "this is the private key; `client_cert` names client.pem, `client_key` names client_key.pem"
        raise KeyFileError(f"{path}: not a PEM certificate", hint) from None
