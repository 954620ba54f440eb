"""`token --decode` with odd and hostile input: one clear verdict or message, exit 0/1/2, bounded."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest

from qlik_tui.core.auth.keys import GeneratedKeys, load_private_key
from qlik_tui.core.auth.token_lint import ERROR, WARNING, lint
from qlik_tui.core.errors import KeyFileError, NotAJwtError
from tests.cli_helpers import run_cli

AUD = "qlik.api/login/jwt-session"


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def sign(keys: GeneratedKeys, claims: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
    return jwt.encode(claims, load_private_key(keys.key_path), algorithm="RS256", headers=headers)


def qseow(now: float) -> dict[str, Any]:
    return {"userId": "joe", "userDirectory": "LAB", "iat": int(now), "exp": int(now) + 600}


def cloud(now: float, **changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": "https://issuer.example.com",
        "aud": AUD,
        "sub": "joe@example.com",
        "subType": "user",
        "name": "Joe",
        "email": "joe@example.com",
        "email_verified": True,
        "jti": "one-time-id",
        "iat": int(now),
        "nbf": int(now),
        "exp": int(now) + 600,
    }
    return {**claims, **changes}


def rules(verdict: Any, level: str | None = None) -> set[str]:
    return {f.rule for f in verdict.findings if level is None or f.level == level}


@pytest.mark.parametrize("raw", [b'{"exp": NaN}', b'{"exp": Infinity}', b'{"exp": 1e400}', b'{"exp": -Infinity}'])
def test_nan_and_infinite_times_are_not_json(raw: bytes) -> None:
    # NaN and Infinity are not JSON: Qlik's parser refuses the token, and --json must stay JSON.
    token = b64(b'{"alg":"RS256"}') + "." + b64(raw) + ".c2ln"
    with pytest.raises(NotAJwtError, match="not base64url-encoded JSON"):
        lint(token)
    proc = run_cli("token", "--decode", token, "--json")
    assert proc.returncode == 2 and json.loads(proc.stdout)["jwt"] is False


def test_claims_nested_without_end_are_refused_in_one_line() -> None:
    deep = b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    token = b64(b'{"alg":"RS256"}') + "." + b64(deep) + ".c2ln"
    with pytest.raises(NotAJwtError, match="nested"):
        lint(token)
    proc = run_cli("token", "--decode", "-", stdin=token)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "nested" in proc.stderr


def test_a_token_without_signature_is_refused(keys: GeneratedKeys) -> None:
    now = time.time()
    head, body, _ = sign(keys, qseow(now)).split(".")
    verdict = lint(f"{head}.{body}.", now=now)
    assert not verdict.accepted and rules(verdict) == {"signature-missing"}
    assert run_cli("token", "--decode", f"{head}.{body}.").returncode == 1


@pytest.mark.parametrize("damage", ["padding", "standard-alphabet", "line-break"])
def test_segments_that_are_not_base64url_are_named(keys: GeneratedKeys, damage: str) -> None:
    # Python's decoder forgives these; a JWT library on Qlik's side does not (RFC 7515: base64url, no padding).
    now = time.time()
    token = sign(keys, qseow(now))
    head, body, signature = token.split(".")
    if damage == "padding":
        token = f"{head}{'=' * (-len(head) % 4 or 4)}.{body}.{signature}"
    elif damage == "standard-alphabet":
        token = f"{head}.{body}.{signature.replace('-', '+').replace('_', '/')}"
        assert token.count("+") + token.count("/"), "the test needs a signature with - or _"
    else:
        token = f"{head}.{body[:10]}\n{body[10:]}.{signature}"
    verdict = lint(token, now=now)
    assert not verdict.accepted and rules(verdict) == {"encoding"}, verdict.findings


def test_whitespace_around_and_a_pasted_bearer_prefix_are_fine(keys: GeneratedKeys) -> None:
    now = time.time()
    token = sign(keys, qseow(now))
    for pasted in (f"\n  {token}\r\n\n", f"Bearer {token}", f"bearer  {token}\n"):
        verdict = lint(pasted, cert=keys.cert_path, now=now)
        assert verdict.accepted and verdict.findings == [] and verdict.decoded.signature == "verified"


def test_a_huge_token_is_judged_quickly_and_printed_short(keys: GeneratedKeys) -> None:
    now = time.time()
    token = sign(keys, {**qseow(now), "pad": "x" * 10_000_000})
    verdict = lint(token, now=now)
    assert rules(verdict, ERROR) == {"size"} and "MiB" in verdict.findings[0].message
    started = time.monotonic()
    proc = run_cli("token", "--decode", "-", stdin=token)
    assert proc.returncode == 1 and time.monotonic() - started < 30
    assert len(proc.stdout) < 10_000 and "10000002 characters" in proc.stdout  # the value in its quotes
    big = sign(keys, {**qseow(now), "pad": "x" * 9000})
    assert rules(lint(big, now=now), WARNING) == {"size"}


def test_stdin_that_never_ends_is_capped() -> None:
    proc = run_cli("token", "--decode", "-", stdin="a" * (17 * 1024 * 1024))
    assert proc.returncode == 2 and "too big" in proc.stderr and "Traceback" not in proc.stderr


def test_a_jwks_that_is_a_device_is_never_read(keys: GeneratedKeys) -> None:
    token = sign(keys, cloud(time.time()), {"kid": "k"})
    with pytest.raises(KeyFileError, match="character device"):
        lint(token, jwks=Path("/dev/zero"))


def test_qs_jwt_random_sub_is_named(keys: GeneratedKeys) -> None:
    # qs-jwt's create-qscloud makes `sub` from 42 random bytes (56 base64url characters) on every run.
    now = time.time()
    random_sub = b64(bytes(range(42)))
    assert len(random_sub) == 56
    verdict = lint(sign(keys, cloud(now, sub=random_sub), {"kid": "k"}), now=now)
    assert verdict.accepted and rules(verdict, WARNING) == {"sub-random"}
    assert rules(lint(sign(keys, cloud(now), {"kid": "k"}), now=now)) == set()


def test_lifetime_over_an_hour_reads_in_whole_seconds(keys: GeneratedKeys) -> None:
    now = time.time()
    verdict = lint(sign(keys, cloud(now, exp=int(now) + 365 * 86400), {"kid": "k"}), now=now)
    assert [f.message for f in verdict.findings] == ["`exp - nbf` is 31536000 s (365d): Qlik Cloud allows at most 3600 s"]
