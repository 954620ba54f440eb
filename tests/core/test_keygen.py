from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from qlik_tui.core.auth.keys import generate_keypair, key_matches, load_private_key, load_public_key
from qlik_tui.core.errors import KeyFileError


def test_generates_matching_sha256_pair(tmp_path: Path) -> None:
    paths = generate_keypair(tmp_path / "k", bits=2048, days=10, common_name="lab")
    assert stat.S_IMODE(os.stat(paths.key_path).st_mode) == 0o600
    cert = x509.load_pem_x509_certificate(paths.cert_path.read_bytes())
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA256)
    assert cert.subject.rfc4514_string() == "CN=lab"
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days == 10
    private = load_private_key(paths.key_path)
    assert private.key_size == 2048
    assert key_matches(private, load_public_key(paths.cert_path))
    assert key_matches(private, load_public_key(paths.public_key_path))


def test_never_overwrites_without_force(tmp_path: Path) -> None:
    first = generate_keypair(tmp_path, bits=2048)
    before = first.key_path.read_bytes()
    with pytest.raises(KeyFileError, match="already exists"):
        generate_keypair(tmp_path, bits=2048)
    assert first.key_path.read_bytes() == before
    generate_keypair(tmp_path, bits=2048, force=True)
    assert first.key_path.read_bytes() != before


@pytest.mark.parametrize(("bits", "days"), [(1024, 10), (2048, 0)])
def test_rejects_weak_or_empty(tmp_path: Path, bits: int, days: int) -> None:
    with pytest.raises(KeyFileError):
        generate_keypair(tmp_path, bits=bits, days=days)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--days", "99999999999"], "--days 99999999999: the certificate must be valid for 1 to 36,500 days"),
        (["--days", "3000000"], "--days 3000000: the certificate must be valid for 1 to 36,500 days"),
        (["--cn", ""], "--cn: the common name must be 1 to 64 characters, not 0"),
        (["--cn", "x" * 65], "--cn: the common name must be 1 to 64 characters, not 65"),
    ],
)
def test_keygen_values_past_what_a_certificate_holds_are_messages(tmp_path: Path, args: list[str], said: str) -> None:
    # OverflowError (timedelta, datetime) and cryptography's ValueError reached the user as tracebacks.
    from tests.cli_helpers import run_cli

    proc = run_cli("keygen", "--dir", str(tmp_path / "k"), "--bits", "2048", *args)
    assert proc.returncode == 3 and said in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert not (tmp_path / "k").exists()
