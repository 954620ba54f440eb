"""Private keys, certificates and public keys: loading (cached), matching, generating.

Every failure names the file and says what the file actually holds, because "could not
deserialize key data" is the message people meet in other tools and learn nothing from.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from ..errors import KeyFileError, SecretError
from ..file_read import KEY_FILE_LIMIT, read_regular_file
from ..profiles.model import SecretSource
from .secrets import resolve_source

# NIST SP 800-131A: RSA under 2048 bits is disallowed for signatures (PyJWT warns on it).
MIN_RSA_BITS = 2048
_cache: dict[tuple[str, int, int, str | None], rsa.RSAPrivateKey] = {}


def passphrase_for(path: Path, source: SecretSource, base_dir: Path) -> str:
    """The key's passphrase from its source; an unset variable keeps the message people know."""
    if source.kind == "env" and os.environ.get(str(source.value)) is None:
        raise KeyFileError(
            f"{path}: the passphrase variable ${source.value} is not set",
            f"export {source.value}=... before running, or remove key_passphrase_env if the key is not encrypted",
        )
    try:
        return resolve_source(source, "key_passphrase", base_dir)
    except SecretError as exc:
        raise KeyFileError(f"{path}: {exc.message}", exc.hint) from None


def read_key_file(path: Path, what: str) -> bytes:
    """A key or certificate file, bounded in size, with the hint people need when it is missing."""
    return read_regular_file(
        path,
        what=what,
        limit=KEY_FILE_LIMIT,
        error=KeyFileError,
        missing_hint="check the path in the profile (relative paths are relative to the profiles file)",
    )


def describe_pem(data: bytes) -> str:
    """What kind of PEM block a file holds, for error messages."""
    for marker, label in (
        (b"BEGIN CERTIFICATE", "a certificate"),
        (b"BEGIN PUBLIC KEY", "a public key"),
        (b"BEGIN RSA PUBLIC KEY", "a public key"),
        (b"BEGIN EC PRIVATE KEY", "an EC private key"),
        (b"BEGIN OPENSSH PRIVATE KEY", "an OpenSSH private key"),
        (b"BEGIN ENCRYPTED PRIVATE KEY", "an encrypted private key"),
        (b"BEGIN RSA PRIVATE KEY", "an RSA private key"),
        (b"BEGIN PRIVATE KEY", "a private key"),
    ):
        if marker in data:
            return label
    return "no PEM data"


def load_private_key(
    path: Path, passphrase_from: str | SecretSource | None = None, *, base_dir: Path | None = None
) -> rsa.RSAPrivateKey:
    """Load an RSA private key (PKCS#1 or PKCS#8 PEM), cached until the file changes.

    `passphrase_from` says where an encrypted key's passphrase is: a SecretSource
    (`key_passphrase_env/_file/_command`), or the name of an environment variable.
    File sources resolve against `base_dir` (the profiles folder).
    """
    source = SecretSource("env", passphrase_from) if isinstance(passphrase_from, str) else passphrase_from
    try:
        stat = path.stat()
    except OSError:
        stat = None
    where = source.describe("key_passphrase") if source else None
    cache_key = (str(path), stat.st_mtime_ns if stat else 0, stat.st_size if stat else 0, where)
    if stat and cache_key in _cache:
        return _cache[cache_key]
    data = read_key_file(path, "private key")
    passphrase: bytes | None = None
    if source is not None:
        passphrase = passphrase_for(path, source, base_dir or path.parent).encode("utf-8")
    try:
        key = serialization.load_pem_private_key(data, password=passphrase)
    except TypeError as exc:
        if "encrypted" in str(exc) and passphrase is None:
            raise KeyFileError(
                f"{path}: the private key is encrypted and no passphrase was given",
                "set key_passphrase_env (a variable), key_passphrase_file or key_passphrase_command in the profile",
            ) from None
        raise KeyFileError(
            f"{path}: the private key is not encrypted, but a passphrase was given",
            f"remove key_passphrase_{source.kind if source else 'env'} from the profile",
        ) from None
    except ValueError:
        found = describe_pem(data)
        if passphrase is not None and b"ENCRYPTED" in data:
            raise KeyFileError(f"{path}: wrong passphrase for the private key", f"check what {where} holds") from None
        hint = {
            "a certificate": "this is the certificate; `key` must name the private key (the certificate goes in `cert`)",
            "a public key": "this is the public key; `key` must name the private key",
            "an OpenSSH private key": "convert it: ssh-keygen -p -m PEM -f FILE, or run `qlik-tui keygen`",
        }.get(found, "expected a PEM RSA private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)")
        raise KeyFileError(f"{path}: not a usable private key (found {found})", hint) from None
    except UnsupportedAlgorithm:
        raise KeyFileError(
            f"{path}: the key uses an algorithm this machine cannot load", "use an RSA key (qlik-tui keygen)"
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyFileError(
            f"{path}: the private key is {type(key).__name__.replace('_', '')}, not RSA",
            "Qlik accepts RS256/RS384/RS512 only: use an RSA key (qlik-tui keygen makes one)",
        )
    if key.key_size < MIN_RSA_BITS:
        raise KeyFileError(
            f"{path}: the RSA key is {key.key_size} bits; Qlik tokens need at least {MIN_RSA_BITS}",
            "make a new key pair with `qlik-tui keygen --dir DIR` and give Qlik its certificate",
        )
    if stat:
        _cache[cache_key] = key
    return key


def load_public_key(path: Path) -> rsa.RSAPublicKey:
    """Load the public key of a PEM certificate, or a PEM public key."""
    data = read_key_file(path, "certificate")
    public: object = None
    if b"BEGIN CERTIFICATE" in data:
        try:
            public = x509.load_pem_x509_certificate(data).public_key()
        except ValueError:
            raise KeyFileError(
                f"{path}: the certificate is damaged", "copy it again, whole, including the BEGIN/END lines"
            ) from None
    elif b"PUBLIC KEY" in data:
        try:
            public = serialization.load_pem_public_key(data)
        except ValueError:
            raise KeyFileError(
                f"{path}: the public key is damaged", "copy it again, whole, including the BEGIN/END lines"
            ) from None
    else:
        found = describe_pem(data)
        hint = (
            "never share the private key; name the certificate (or public key) here"
            if "private" in found
            else "expected -----BEGIN CERTIFICATE----- or -----BEGIN PUBLIC KEY-----"
        )
        raise KeyFileError(f"{path}: not a certificate or public key (found {found})", hint)
    if not isinstance(public, rsa.RSAPublicKey):
        raise KeyFileError(f"{path}: the public key is not RSA", "Qlik accepts RS256/RS384/RS512 only: use an RSA certificate")
    if public.key_size < MIN_RSA_BITS:
        raise KeyFileError(
            f"{path}: the certificate's RSA key is {public.key_size} bits; at least {MIN_RSA_BITS} are needed",
            "make a new key pair with `qlik-tui keygen --dir DIR`",
        )
    return public


def key_matches(private: rsa.RSAPrivateKey, public: rsa.RSAPublicKey) -> bool:
    """True when `public` is the public half of `private`."""
    return private.public_key().public_numbers() == public.public_numbers()


MAX_CERT_DAYS = 36_500  # a century


@dataclass(frozen=True)
class GeneratedKeys:
    """Paths written by `generate_keypair`."""

    key_path: Path
    cert_path: Path
    public_key_path: Path


def generate_keypair(
    directory: Path, *, bits: int = 4096, days: int = 1825, common_name: str = "qlik-tui", force: bool = False
) -> GeneratedKeys:
    """Write private.pem (0600), cert.pem (SHA-256 self-signed) and public.pem into `directory`."""
    if bits < 2048 or bits > 16384:
        raise KeyFileError(f"--bits {bits}: RSA keys must be 2048 to 16384 bits", "use 2048, 3072 or 4096")
    if days < 1 or days > MAX_CERT_DAYS:
        # past ~2.9 million days datetime overflows; a century is already more than any proxy needs
        raise KeyFileError(
            f"--days {days}: the certificate must be valid for 1 to {MAX_CERT_DAYS:,} days", "use e.g. --days 1825"
        )
    if not 1 <= len(common_name) <= 64:  # X.509 allows 1 to 64 characters (cryptography raised ValueError)
        raise KeyFileError(f"--cn: the common name must be 1 to 64 characters, not {len(common_name)}", "e.g. --cn qlik-tui")
    paths = GeneratedKeys(directory / "private.pem", directory / "cert.pem", directory / "public.pem")
    existing = [p for p in (paths.key_path, paths.cert_path, paths.public_key_path) if p.exists()]
    if existing and not force:
        raise KeyFileError(
            f"{existing[0]}: already exists; nothing was written",
            "choose another --dir, or pass --force to replace the files",
        )
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KeyFileError(f"{directory}: cannot create the folder ({exc.strerror})", "choose a folder you can write") from None
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    pub_pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    try:
        _write_new(paths.key_path, key_pem, 0o600, force)
        _write_new(paths.cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644, force)
        _write_new(paths.public_key_path, pub_pem, 0o644, force)
    except OSError as exc:
        raise KeyFileError(f"{directory}: cannot write the key files ({exc.strerror})", "choose a folder you can write") from None
    return paths


def _write_new(path: Path, data: bytes, mode: int, force: bool) -> None:
    # O_EXCL so that a file appearing between the check and the write is never clobbered.
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
    fd = os.open(path, flags, mode)
    try:
        os.fchmod(fd, mode)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
