"""The certificate set a QMC exports for a site: root.pem, server.pem, client.pem and their keys.

QSEoW makes one root CA per site (CN `<machine>-CA`), a server certificate that names the
machine (not the DNS alias users type), and a client certificate (CN `QlikClient`) that QRS
on port 4242 trusts because that root signed it. Keys are RSA 2048 in PKCS#1 PEM, as QMC
writes them, so the client is tested against the files people actually have.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

MACHINE_NAME = "qlik-node1.demo.internal"  # what QMC's server certificate calls the machine
CLIENT_CN = "QlikClient"


@dataclass(frozen=True)
class QmcCertificates:
    """Paths of an exported set (keys 0600)."""

    root: Path
    server: Path
    server_key: Path
    client: Path
    client_key: Path


@functools.lru_cache(maxsize=8)
def _key(role: str) -> rsa.RSAPrivateKey:
    # RSA generation is the slow part (~0.1 s a key); a process reuses one key per role, so
    # every simulator in a test run still gets its own certificates without the wait.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _alt_names(names: tuple[str, ...]) -> x509.SubjectAlternativeName:
    entries: list[x509.GeneralName] = []
    for name in names:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return x509.SubjectAlternativeName(entries)


def _write_key(path: Path, key: rsa.RSAPrivateKey, passphrase: str | None) -> None:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption()
    )
    path.unlink(missing_ok=True)
    path.touch(mode=0o600)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, encryption))


def export_certificates(
    folder: Path,
    *,
    server_names: tuple[str, ...] = (MACHINE_NAME,),
    client_days: int = 365,
    key_passphrase: str | None = None,
) -> QmcCertificates:
    """Write a QMC-like certificate set into `folder` and return its paths.

    `server_names` are the names in the server certificate (the machine's, by default only
    that); `key_passphrase` encrypts client_key.pem, as QMC's export dialog offers.
    """
    now = dt.datetime.now(dt.timezone.utc)
    machine = server_names[0]
    ca_key, server_key, client_key = _key("root"), _key("server"), _key("client")
    ca_name = _name(f"{machine.split('.')[0]}-CA")
    root = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    def leaf(subject: str, key: rsa.RSAPrivateKey, usage: x509.ObjectIdentifier, days: int) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(subject))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        )
        if usage == ExtendedKeyUsageOID.SERVER_AUTH:
            builder = builder.add_extension(_alt_names(server_names), critical=False)
        return builder.sign(ca_key, hashes.SHA256())

    server = leaf(machine, server_key, ExtendedKeyUsageOID.SERVER_AUTH, 3650)
    client = leaf(CLIENT_CN, client_key, ExtendedKeyUsageOID.CLIENT_AUTH, client_days)
    folder.mkdir(parents=True, exist_ok=True)
    paths = QmcCertificates(
        folder / "root.pem", folder / "server.pem", folder / "server_key.pem", folder / "client.pem", folder / "client_key.pem"
    )
    pem = serialization.Encoding.PEM
    paths.root.write_bytes(root.public_bytes(pem))
    paths.server.write_bytes(server.public_bytes(pem))
    paths.client.write_bytes(client.public_bytes(pem))
    _write_key(paths.server_key, server_key, None)
    _write_key(paths.client_key, client_key, key_passphrase)
    return paths
