"""Hostile or absurd things a profile can point at or hold: each is one clear message, never a
traceback, a hang or a silent yes. Real files, real devices, a real FIFO, real RSA keys."""

from __future__ import annotations

import math
import os
import shutil
import stat
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from qlik_tui.core.auth.key_permissions import key_file_warning
from qlik_tui.core.auth.keys import GeneratedKeys, load_private_key, load_public_key
from qlik_tui.core.auth.tokens import mint
from qlik_tui.core.catalog.discovery import load_openapi_file
from qlik_tui.core.errors import KeyFileError, ProfileError, QlikTuiError, TokenError
from qlik_tui.core.file_read import MiB, read_regular_file
from qlik_tui.core.profiles.loader import load_profiles
from qlik_tui.core.profiles.model import QseowProfile
from tests.cli_helpers import assert_clean_failure, run_cli
from tests.conftest import write_profiles

QSEOW = '[profiles.q]\ntype = "qseow"\nurl = "https://h"\nkey = "{key}"\n{extra}\n[profiles.q.claims]\n{claims}\n'
CLAIMS = 'userId = "goran"\nuserDirectory = "LAB"'


def qseow_problems(tmp_path: Path, keys: GeneratedKeys, extra: str = "", claims: str = CLAIMS) -> list[str]:
    path = tmp_path / "p.toml"
    path.write_text(QSEOW.format(key=keys.key_path, extra=extra, claims=claims))
    return load_profiles(path).broken.get("q", [])


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


# ---- files: devices, FIFOs, huge files ------------------------------------------------


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused_as_keys_certs_profiles_and_catalogs(device: str) -> None:
    path = Path(device)
    with pytest.raises(KeyFileError, match="is a character device, not a private key"):
        load_private_key(path)
    with pytest.raises(KeyFileError, match="is a character device, not a certificate"):
        load_public_key(path)
    with pytest.raises(ProfileError, match="is a character device, not a profiles file"):
        load_profiles(path)
    with pytest.raises(QlikTuiError, match="is a character device, not a catalog file"):
        load_openapi_file(path)


def test_a_fifo_is_refused_without_blocking(fifo: Path) -> None:
    # No writer ever opens the pipe: a plain open() would wait forever.
    with pytest.raises(KeyFileError, match=r"named pipe \(FIFO\), not a private key"):
        load_private_key(fifo)
    with pytest.raises(ProfileError, match="named pipe"):
        load_profiles(fifo)


def test_the_cli_refuses_a_fifo_profiles_file_and_a_device_key(tmp_path: Path, fifo: Path, keys: GeneratedKeys) -> None:
    proc = run_cli("token", "--profiles", str(fifo), timeout=20)
    assert_clean_failure(proc)
    assert f"{fifo}: is a named pipe (FIFO), not a profiles file" in proc.stderr
    path = tmp_path / "p.toml"
    path.write_text(QSEOW.format(key="/dev/zero", extra="", claims=CLAIMS))
    proc = run_cli("token", "--profiles", str(path), timeout=20)
    assert_clean_failure(proc)
    assert "/dev/zero: is a character device, not a private key" in proc.stderr and "hint:" in proc.stderr


def test_files_over_the_cap_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.pem"
    big.write_bytes(b"-----BEGIN PRIVATE KEY-----\n" + b"A" * (MiB + 10))
    with pytest.raises(KeyFileError, match=r"too big for a private key \(the limit is 1.0 MiB\)"):
        load_private_key(big)
    profiles = tmp_path / "huge.toml"
    profiles.write_bytes(b"# " + b"x" * (5 * MiB) + b"\n")
    with pytest.raises(ProfileError, match="too big for a profiles file"):
        load_profiles(profiles)


def test_the_cap_holds_even_if_the_file_grows_after_the_check(tmp_path: Path) -> None:
    # /proc files report size 0 but have content: the read itself must stop at the cap.
    data = read_regular_file(Path("/proc/self/status"), what="file", limit=100_000)
    assert data.startswith(b"Name:")
    with pytest.raises(QlikTuiError, match="more than"):
        read_regular_file(Path("/proc/self/status"), what="status file", limit=10)


# ---- catalog_files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "catalog file not found"),
        (b"\xff\xfe not text", "not UTF-8"),
        (b"{nope", "not JSON"),
        (b'{"openapi": "3.0.0"}', "not an OpenAPI or Swagger document"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_bad_catalog_files_name_the_file(tmp_path: Path, content: bytes | None, expected: str) -> None:
    path = tmp_path / "spec.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(QlikTuiError) as info:
        load_openapi_file(path)
    assert str(path) in info.value.message and expected in info.value.message and info.value.hint


def test_odd_shapes_inside_a_catalog_file_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text(
        '{"openapi": "3.0.0", "paths": {"/api/v1/x": {"parameters": null, "get": {"parameters": 5, "summary": "X"}},'
        ' "/api/v1/y": {"get": {"parameters": [{"in": "query", "name": "q"}, 7]}}, "/api/v1/z": 3}}'
    )
    endpoints = load_openapi_file(path)
    assert [(e.method, e.path, e.params) for e in endpoints] == [("GET", "/api/v1/x", ()), ("GET", "/api/v1/y", ("q",))]


def test_endpoints_command_with_a_bad_catalog_file(tmp_path: Path, keys: GeneratedKeys) -> None:
    path = write_profiles(tmp_path, keys)
    path.write_text(path.read_text().replace('lifetime = "30m"', 'lifetime = "30m"\ncatalog_files = ["/dev/urandom"]'))
    proc = run_cli("endpoints", "-p", "eu", "--profiles", str(path), timeout=20)
    assert_clean_failure(proc)
    assert "/dev/urandom: is a character device, not a catalog file" in proc.stderr


# ---- lifetimes, clock skew --------------------------------------------------------------


@pytest.mark.parametrize(
    ("lifetime", "expected"),
    [
        ("9223372036854775807", "longer than ten years"),
        ('"99999999999d"', "longer than ten years"),
        ('"365000d"', "longer than ten years"),
        ('"31d"', "30-day limit"),
        ('"1000 years"', "is not a duration"),
        ('"' + "1" * 5000 + 's"', "is not a duration"),
    ],
)
def test_absurd_lifetimes_are_refused(tmp_path: Path, keys: GeneratedKeys, lifetime: str, expected: str) -> None:
    problems = qseow_problems(tmp_path, keys, f"lifetime = {lifetime}")
    assert len(problems) == 1 and problems[0].startswith("key `lifetime`") and expected in problems[0], problems


def test_thirty_days_is_accepted(tmp_path: Path, keys: GeneratedKeys) -> None:
    assert qseow_problems(tmp_path, keys, 'lifetime = "30d"') == []


def test_huge_lifetime_on_the_command_line_is_a_message(tmp_path: Path, keys: GeneratedKeys) -> None:
    path = tmp_path / "p.toml"
    path.write_text(QSEOW.format(key=keys.key_path, extra="lifetime = 9223372036854775807", claims=CLAIMS))
    proc = run_cli("token", "--json", "--profiles", str(path))
    assert_clean_failure(proc)
    assert "key `lifetime`" in proc.stderr and "ten years" in proc.stderr


@pytest.mark.parametrize(("lifetime", "expected"), [("2h", "over the 1-hour limit"), ("99999999999d", "longer than ten years")])
def test_demo_refuses_a_lifetime_its_profiles_could_not_use(tmp_path: Path, lifetime: str, expected: str) -> None:
    proc = run_cli("demo", "--serve", "--dir", str(tmp_path / "demo"), "--lifetime", lifetime, timeout=30)
    assert_clean_failure(proc)
    assert proc.returncode == 2 and expected in proc.stderr and not (tmp_path / "demo").exists()


@pytest.mark.parametrize("skew", ["9223372036854775807", "nan", "inf", "-1", '"5s"', "301"])
def test_clock_skew_out_of_range(tmp_path: Path, keys: GeneratedKeys, skew: str) -> None:
    problems = qseow_problems(tmp_path, keys, f"clock_skew = {skew}")
    assert len(problems) == 1 and "key `clock_skew`" in problems[0] and "0 to 300" in problems[0], problems


# ---- claims -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        (CLAIMS + "\nscore = nan", "claim `score`: nan is not a number JSON can carry"),
        (CLAIMS + "\nscore = -inf", "claim `score`: -inf is not a number JSON can carry"),
        (CLAIMS + "\nlevels = [1.0, [inf]]", "claim `levels`: inf is not a number"),
        ('userId = 5\nuserDirectory = "LAB"', "claim `userId`: must be a non-empty string"),
        ('userId = "goran"\nuserDirectory = ["LAB"]', "claim `userDirectory`: must be a non-empty string"),
        ('UserId = true\nuserDirectory = "LAB"', "claim `UserId`: must be a non-empty string"),
    ],
)
def test_qseow_claims_json_cannot_carry(tmp_path: Path, keys: GeneratedKeys, claims: str, expected: str) -> None:
    problems = qseow_problems(tmp_path, keys, claims=claims)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("claim", "value"), [("sub", "nan"), ("name", "42"), ("email", "inf"), ("sub", "[1]"), ("name", "{ a = 1 }")]
)
def test_cloud_identity_claims_must_be_strings(tmp_path: Path, keys: GeneratedKeys, claim: str, value: str) -> None:
    good = {"sub": '"s"', "name": '"n"', "email": '"e@x.com"'}
    good[claim] = value
    path = tmp_path / "p.toml"
    path.write_text(
        f'[profiles.c]\ntype="cloud"\nurl="https://t"\nkey="{keys.key_path}"\nkey_id="k"\nissuer="i"\n[profiles.c.claims]\n'
        + "".join(f"{k} = {v}\n" for k, v in good.items())
        + "email_verified = true\n"
    )
    problems = load_profiles(path).broken["c"]
    assert any(p.startswith(f"claim `{claim}`: must be a non-empty string") for p in problems), problems


def test_mint_refuses_claims_that_are_not_json(keys: GeneratedKeys, tmp_path: Path) -> None:
    # A profile built in code (not through the loader) carrying NaN: PyJWT would write `NaN`.
    profile = QseowProfile(name="q", url="https://h", key=str(keys.key_path), base_dir=tmp_path, claims={"x": math.nan})
    with pytest.raises(TokenError, match=r"claim `x` cannot go into a token"):
        mint(profile)


def test_toml_nested_five_thousand_levels(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ProfileError, match="nested too deeply"):
        load_profiles(path)
    proc = run_cli("token", "--profiles", str(path))
    assert_clean_failure(proc)
    assert "nested too deeply" in proc.stderr and "RecursionError" not in proc.stderr


def test_claims_nested_deep_through_table_headers(tmp_path: Path, keys: GeneratedKeys) -> None:
    # Dotted headers build deep tables without tomllib recursing: our own checks must not recurse either.
    header = "profiles.q.claims." + ".".join(["a"] * 5000)
    path = tmp_path / "p.toml"
    path.write_text(QSEOW.format(key=keys.key_path, extra="", claims=CLAIMS) + f"[{header}]\nb = 1\n")
    problems = load_profiles(path).broken["q"]
    assert problems == ["claim `a`: nested more than 16 levels deep; no Qlik claim looks like that"]


# ---- keys -------------------------------------------------------------------------------


def _small_key(tmp_path: Path) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    path = tmp_path / "small.pem"
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    path.chmod(0o600)
    return path


def test_rsa_keys_under_2048_bits_are_refused(tmp_path: Path) -> None:
    path = _small_key(tmp_path)
    with pytest.raises(KeyFileError) as info:
        load_private_key(path)
    assert "1024 bits" in info.value.message and "qlik-tui keygen" in info.value.hint
    profiles = tmp_path / "p.toml"
    profiles.write_text(QSEOW.format(key=path, extra="", claims=CLAIMS))
    proc = run_cli("token", "--profiles", str(profiles))
    assert_clean_failure(proc)
    assert "Warning" not in proc.stderr and "1024 bits" in proc.stderr and "keygen" in proc.stderr


def test_key_open_to_others_is_a_warning_with_the_fix(tmp_path: Path, keys: GeneratedKeys) -> None:
    key = tmp_path / "key.pem"
    shutil.copy(keys.key_path, key)
    key.chmod(0o600)
    assert key_file_warning(key) is None
    key.chmod(0o640)
    assert key_file_warning(key) == f"private key {key} is open to group (mode 0640): run chmod 600 {key}"
    key.chmod(0o644)
    profiles = tmp_path / "p.toml"
    profiles.write_text(QSEOW.format(key=key, extra="", claims=CLAIMS))
    proc = run_cli("token", "--profiles", str(profiles))
    assert proc.returncode == 0 and jwt.get_unverified_header(proc.stdout.strip())["alg"] == "RS256"
    assert proc.stderr.splitlines() == [
        f"qlik-tui: warning: private key {key} is open to group and others (mode 0644): run chmod 600 {key}"
    ]
    check = run_cli("profiles", "check", "--profiles", str(profiles))
    assert check.returncode == 0 and f"warning    private key {key} is open to group and others" in check.stdout
    assert stat.S_IMODE(key.stat().st_mode) == 0o644  # warned, never changed behind the user's back


def test_a_certificate_named_as_the_key_is_no_secret_to_warn_about(tmp_path: Path, keys: GeneratedKeys) -> None:
    cert = tmp_path / "cert.pem"
    shutil.copy(keys.cert_path, cert)
    cert.chmod(0o644)  # as keygen and every CA leave certificates
    assert key_file_warning(cert) is None
    profiles = tmp_path / "p.toml"
    profiles.write_text(QSEOW.format(key=cert, extra="", claims=CLAIMS))
    proc = run_cli("token", "--profiles", str(profiles))
    assert_clean_failure(proc)
    assert "open to" not in proc.stderr and "found a certificate" in proc.stderr
