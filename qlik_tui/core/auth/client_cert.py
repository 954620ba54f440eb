"""QMC's exported client certificate (client.pem + client_key.pem): loaded, checked, put into TLS.

Every failure names the file and what it holds, as keys.py does for JWT keys: the files
people have are an export from a server they may not administer, and a wrong one (the
root.pem, the server's pair, a key for another certificate) is the usual mistake.
"""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from ..errors import KeyFileError
from ..profiles.model import QseowProfile
from .keys import describe_pem, passphrase_for, read_key_file
from .secrets import resolve_secret


@dataclass(frozen=True)
class ClientCertificate:
    """A client certificate and its key, checked to belong together."""

    cert_path: Path
    key_path: Path
    subject: str
    issuer: str
    not_before: float
    not_after: float
    # the key's passphrase, when the key is encrypted: kept only to hand to OpenSSL
    passphrase: str | None = field(default=None, repr=False)


def _certificate(path: Path) -> x509.Certificate:
    data = read_key_file(path, "client certificate")
    if b"BEGIN CERTIFICATE" not in data:
        found = describe_pem(data)
        hint = (
            "this is a private key: `client_cert` names QMC's client.pem, `client_key` its client_key.pem"
            if "private" in found
            else "export the certificates from the QMC (Certificates > Export, platform independent PEM format)"
        )
        raise KeyFileError(f"{path}: not a certificate (found {found})", hint)
    try:
        return x509.load_pem_x509_certificate(data)
    except ValueError:
        raise KeyFileError(f"{path}: the certificate is damaged", "export it again from the QMC, whole") from None


def _passphrase(profile: QseowProfile) -> str | None:
    return resolve_secret(profile, "key_passphrase") if "key_passphrase" in profile.secrets else None


def load_client_key(path: Path, profile: QseowProfile) -> PrivateKeyTypes:
    """The client certificate's private key (RSA or EC, as TLS takes it), decrypted with the profile's passphrase."""
    data = read_key_file(path, "client key")
    source = profile.secrets.get("key_passphrase")
    passphrase = passphrase_for(path, source, profile.base_dir).encode() if source else None
    try:
        return serialization.load_pem_private_key(data, password=passphrase)
    except TypeError:
        if passphrase is None:
            raise KeyFileError(
                f"{path}: the client key is encrypted and no passphrase was given",
                "set key_passphrase_env, key_passphrase_file or key_passphrase_command in the profile",
            ) from None
        raise KeyFileError(
            f"{path}: the client key is not encrypted, but a passphrase was given", "remove key_passphrase_* from the profile"
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        if source is not None and b"ENCRYPTED" in data:
            raise KeyFileError(
                f"{path}: wrong passphrase for the client key", f"check what {source.describe('key_passphrase')} holds"
            ) from None
        raise KeyFileError(
            f"{path}: not a usable private key (found {describe_pem(data)})",
            "`client_key` names QMC's client_key.pem (-----BEGIN RSA PRIVATE KEY-----)",
        ) from None


def _spki(public: object) -> bytes:
    return public.public_bytes(  # type: ignore[attr-defined, no-any-return]
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_client_certificate(profile: QseowProfile) -> ClientCertificate:
    """The profile's client certificate and key, checked; KeyFileError or SecretError says what is wrong."""
    cert_path = profile.client_cert_path
    if cert_path is None:
        raise KeyFileError(f"profile '{profile.name}' names no client_cert", 'add client_cert = "client.pem" (QMC\'s export)')
    key_path = profile.client_key_path or cert_path  # a combined PEM holds both
    cert = _certificate(cert_path)
    passphrase = _passphrase(profile)
    key = load_client_key(key_path, profile)
    if _spki(key.public_key()) != _spki(cert.public_key()):
        raise KeyFileError(
            f"{key_path}: this key does not belong to the certificate {cert_path}",
            "use client.pem and client_key.pem from the same QMC export",
        )
    if cert.not_valid_after_utc.timestamp() < time.time():
        raise KeyFileError(
            f"{cert_path}: the client certificate expired on {cert.not_valid_after_utc:%Y-%m-%d %H:%M} UTC",
            "export a new client certificate from the QMC (Certificates > Export)",
        )
    return ClientCertificate(
        cert_path,
        key_path,
        cert.subject.rfc4514_string(),
        cert.issuer.rfc4514_string(),
        cert.not_valid_before_utc.timestamp(),
        cert.not_valid_after_utc.timestamp(),
        passphrase,
    )


def client_tls_context(context: ssl.SSLContext, client: ClientCertificate) -> ssl.SSLContext:
    """`context` (the server check) made to present `client` too."""
    # A callable, never None: OpenSSL would otherwise prompt on the terminal for a passphrase.
    password = client.passphrase or ""
    try:
        context.load_cert_chain(str(client.cert_path), str(client.key_path), password=lambda: password)
    except (ssl.SSLError, OSError) as exc:
        raise KeyFileError(
            f"{client.cert_path}: TLS could not use the client certificate ({str(exc)[:120]})",
            "export client.pem and client_key.pem again from the QMC",
        ) from None
    return context
