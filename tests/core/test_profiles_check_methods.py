"""`qlik-tui profiles check` offline for every sign-in method, through the real command line."""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path

import pytest
import trustme
from cryptography.hazmat.primitives import serialization

from qlik_tui.core.auth.offline_check import check_offline
from qlik_tui.core.profiles.loader import load_profiles
from tests.cli_helpers import assert_clean_failure, run_cli


def api_key(exp: float | None) -> str:
    """A token shaped like Qlik's API keys (ES384, signed by Qlik: the signature is not ours to check)."""

    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    claims: dict[str, object] = {"sub": "64f1a2b3c4d5", "subType": "user", "tenantId": "t1", "jti": "k1"}
    if exp is not None:
        claims["exp"] = int(exp)
    return f"{part({'alg': 'ES384', 'kid': 'abc', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


def write(folder: Path, body: str) -> Path:
    path = folder / "profiles.toml"
    path.write_text(body)
    return path


def secret_file(folder: Path, name: str, value: str, mode: int = 0o600) -> Path:
    path = folder / name
    path.write_text(value + "\n")
    os.chmod(path, mode)
    return path


@pytest.fixture(scope="module")
def qmc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What QMC exports: client.pem, client_key.pem (RSA) and root.pem, plus a second CA's root."""
    folder = tmp_path_factory.mktemp("qmc")
    ca = trustme.CA(organization_name="QMC root")
    leaf = ca.issue_cert("QlikClient", key_type=trustme.KeyType.RSA)
    (folder / "client.pem").write_bytes(leaf.cert_chain_pems[0].bytes())
    (folder / "client_key.pem").write_bytes(leaf.private_key_pem.bytes())
    os.chmod(folder / "client_key.pem", 0o600)
    ca.cert_pem.write_to_path(str(folder / "root.pem"))
    trustme.CA(organization_name="another site").cert_pem.write_to_path(str(folder / "other-root.pem"))
    other = ca.issue_cert("other", key_type=trustme.KeyType.RSA)
    (folder / "other_key.pem").write_bytes(other.private_key_pem.bytes())
    os.chmod(folder / "other_key.pem", 0o600)
    return folder


def cert_profile(qmc: Path, extra: str = "", key: str = "client_key.pem", ca: str = "root.pem") -> str:
    return (
        '[profiles.qrs]\ntype = "qseow"\nauth = "certificate"\nurl = "https://qs.example.com:4242"\n'
        f'user = \'INTERNAL\\sa_api\'\nclient_cert = "{qmc / "client.pem"}"\nclient_key = "{qmc / key}"\n'
        f'ca_bundle = "{qmc / ca}"\n{extra}'
    )


def test_certificate_profile_checks_match_dates_and_ca(tmp_path: Path, qmc: Path) -> None:
    proc = run_cli("profiles", "check", "qrs", "--profiles", str(write(tmp_path, cert_profile(qmc))))
    assert proc.returncode == 0, proc.stderr
    assert "profile    qrs (QSEoW, https://qs.example.com:4242, auth = certificate)" in proc.stdout
    assert f"cert       {qmc / 'client.pem'}: " in proc.stdout and "matches the key" in proc.stdout
    assert "X-Qlik-User: UserDirectory=INTERNAL; UserId=sa_api" in proc.stdout
    assert "days left)" in proc.stdout and f"ca         {qmc / 'root.pem'}: 1 certificate" in proc.stdout
    assert proc.stdout.rstrip().endswith("ok")


def test_certificate_that_is_not_the_keys_fails(tmp_path: Path, qmc: Path) -> None:
    proc = run_cli("profiles", "check", "qrs", "--profiles", str(write(tmp_path, cert_profile(qmc, key="other_key.pem"))))
    assert_clean_failure(proc)
    assert proc.returncode == 3 and "is not the public half of" in proc.stderr and "same QMC export" in proc.stderr


def test_client_certificate_from_another_ca_warns(tmp_path: Path, qmc: Path) -> None:
    proc = run_cli("profiles", "check", "qrs", "--profiles", str(write(tmp_path, cert_profile(qmc, ca="other-root.pem"))))
    assert proc.returncode == 0 and "which is not in" in proc.stdout and "same QMC export?" in proc.stdout


def test_a_ca_bundle_that_is_not_one_fails(tmp_path: Path, qmc: Path) -> None:
    proc = run_cli("profiles", "check", "qrs", "--profiles", str(write(tmp_path, cert_profile(qmc, ca="client_key.pem"))))
    assert_clean_failure(proc)
    assert "not a PEM certificate bundle" in proc.stderr and "this is a private key" in proc.stderr


def test_expired_client_certificate(tmp_path: Path, qmc: Path) -> None:
    profile = load_profiles(write(tmp_path, cert_profile(qmc))).profiles["qrs"]
    from qlik_tui.core.errors import KeyFileError

    with pytest.raises(KeyFileError, match="the certificate expired on") as info:
        list(check_offline(profile, now=33_000_000_000.0))  # trustme certificates end in the year 3000
    assert "QMC" in info.value.hint


def test_encrypted_client_key_with_passphrase_command(tmp_path: Path, qmc: Path) -> None:
    key = serialization.load_pem_private_key((qmc / "client_key.pem").read_bytes(), password=None)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"qmc-pass")
    )
    (tmp_path / "enc_key.pem").write_bytes(encrypted)
    os.chmod(tmp_path / "enc_key.pem", 0o600)
    body = cert_profile(qmc).replace(str(qmc / "client_key.pem"), str(tmp_path / "enc_key.pem"))
    secret_file(tmp_path, "pass", "qmc-pass")
    ok = run_cli("profiles", "check", "--profiles", str(write(tmp_path, body + 'key_passphrase_file = "pass"\n')))
    assert ok.returncode == 0, ok.stderr
    assert "qmc-pass" not in ok.stdout + ok.stderr
    secret_file(tmp_path, "pass", "wrong")
    bad = run_cli("profiles", "check", "--profiles", str(write(tmp_path, body + 'key_passphrase_file = "pass"\n')))
    assert_clean_failure(bad)
    assert "wrong passphrase for the client key" in bad.stderr


def test_api_key_profile_resolves_and_shows_expiry(tmp_path: Path) -> None:
    key = api_key(time.time() + 90 * 86400)
    secret_file(tmp_path, "eu.key", key)
    body = '[profiles.eu]\ntype = "cloud"\nauth = "api_key"\nurl = "https://t.eu.qlikcloud.com"\napi_key_file = "eu.key"\n'
    proc = run_cli("profiles", "check", "eu", "--profiles", str(write(tmp_path, body)))
    assert proc.returncode == 0, proc.stderr
    assert "secret     API key: read from file eu.key (api_key_file) (not shown)" in proc.stdout
    assert "expiry     API key for 64f1a2b3c4d5: valid until" in proc.stdout and "(90 days left)" in proc.stdout
    assert key not in proc.stdout + proc.stderr and key.split(".")[1] not in proc.stdout


def test_expired_or_malformed_api_key_and_loose_file(tmp_path: Path) -> None:
    body = '[profiles.eu]\ntype = "cloud"\nauth = "api_key"\nurl = "https://t.eu.qlikcloud.com"\napi_key_file = "eu.key"\n'
    path = write(tmp_path, body)
    expired = api_key(time.time() - 86400)
    secret_file(tmp_path, "eu.key", expired)
    proc = run_cli("profiles", "check", "eu", "--profiles", str(path))
    assert_clean_failure(proc)
    assert "the API key read from file eu.key (api_key_file) expired on" in proc.stderr and expired not in proc.stderr
    secret_file(tmp_path, "eu.key", "not-a-key-at-all")
    proc = run_cli("profiles", "check", "eu", "--profiles", str(path))
    assert_clean_failure(proc)
    assert "is not a Qlik API key" in proc.stderr and "not-a-key-at-all" not in proc.stderr
    secret_file(tmp_path, "eu.key", api_key(None), mode=0o644)
    proc = run_cli("profiles", "check", "eu", "--profiles", str(path))
    assert_clean_failure(proc)
    assert "others can read (mode 0644); not used" in proc.stderr and "chmod 600" in proc.stderr


def test_oauth_profile_resolves_its_secret_without_showing_it(tmp_path: Path) -> None:
    body = (
        '[profiles.m2m]\ntype = "cloud"\nauth = "oauth"\nurl = "https://t.eu.qlikcloud.com"\nclient_id = "6f2d0c"\n'
        'client_secret_env = "M2M_SECRET"\nscopes = ["user_default"]\n'
    )
    path = write(tmp_path, body)
    proc = run_cli("profiles", "check", "m2m", "--profiles", str(path), env={"M2M_SECRET": "very-secret-value"})
    assert proc.returncode == 0, proc.stderr
    assert "client secret: read from $M2M_SECRET (client_secret_env) (not shown)" in proc.stdout
    assert "OAuth client 6f2d0c, scopes: user_default" in proc.stdout and "very-secret-value" not in proc.stdout
    missing = run_cli("profiles", "check", "m2m", "--profiles", str(path), env={"M2M_SECRET": ""})
    assert_clean_failure(missing)
    assert "is empty (looked in $M2M_SECRET (client_secret_env))" in missing.stderr


def test_header_profile_says_what_it_sends(tmp_path: Path) -> None:
    body = (
        '[profiles.hdr]\ntype = "qseow"\nauth = "header"\nurl = "https://qs.example.com"\nvirtual_proxy = "hdr"\n'
        'header_name = "X-Qlik-User-Header"\nuser = "alice"\n'
    )
    path = write(tmp_path, body)
    proc = run_cli("profiles", "check", "--profiles", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "header     X-Qlik-User-Header: alice on every request to https://qs.example.com/hdr" in proc.stdout
    # online, every method tries its sign-in: this host does not exist, which is said, not a traceback
    online = run_cli("profiles", "check", "--online", "--profiles", str(path))
    assert online.returncode == 1 and "Traceback" not in online.stderr
    assert "could not compare: the server did not answer" in online.stdout


def test_profiles_list_names_the_method(tmp_path: Path) -> None:
    example = Path(__file__).parents[2] / "profiles.example.toml"
    text = run_cli("profiles", "list", "--profiles", str(example)).stdout.splitlines()
    assert text[0].startswith("* prod ") and "[" not in text[0]
    assert text[3].startswith("  qrs ") and text[3].endswith("https://qliksense.example.com:4242  [certificate]")
    rows = json.loads(run_cli("profiles", "list", "--json", "--profiles", str(example)).stdout)
    assert [r["auth"] for r in rows] == ["jwt", "jwt", "header", "certificate", "api_key", "oauth"]
