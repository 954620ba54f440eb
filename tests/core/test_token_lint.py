"""`token --decode` judges tokens as Qlik would: qs-jwt's known mistakes, real RS256 signatures."""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from qlik_tui.core.auth.keys import GeneratedKeys, load_private_key, load_public_key
from qlik_tui.core.auth.token_lint import ERROR, WARNING, lint
from qlik_tui.core.auth.tokens import mint
from qlik_tui.core.errors import NotAJwtError
from qlik_tui.core.profiles.loader import load_profiles
from tests.cli_helpers import run_cli

AUD = "qlik.api/login/jwt-session"


def sign(keys: GeneratedKeys, claims: dict[str, Any], headers: dict[str, Any] | None = None, alg: str = "RS256") -> str:
    """A token signed for real with the test key."""
    return jwt.encode(claims, load_private_key(keys.key_path), algorithm=alg, headers=headers)


def qs_jwt_cloud(now: float, **changes: Any) -> dict[str, Any]:
    """The claims qs-jwt's `create-qscloud` makes with `--expires 3600` (a string: 3.6 s)."""
    iat = int(now)
    claims: dict[str, Any] = {
        "jti": secrets.token_urlsafe(24),
        "sub": secrets.token_urlsafe(32),
        "subType": "user",
        "name": "Joe Doe",
        "email": "joe@example.com",
        "group": ["Sales", "Finance"],
        "email_verified": "true",
        "iat": iat,
        "nbf": iat,
        "exp": iat + 3,
        "aud": AUD,
        "iss": "https://issuer.example.com",
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def rules(verdict: Any, level: str | None = None) -> set[str]:
    return {f.rule for f in verdict.findings if level is None or f.level == level}


def test_qs_jwt_cloud_token_is_refused_for_group_and_string_email_verified(keys: GeneratedKeys) -> None:
    now = float(int(time.time()))
    token = sign(keys, qs_jwt_cloud(now), {"kid": "kid-1"})
    verdict = lint(token, cert=keys.cert_path, now=now)
    assert verdict.product == "cloud" and "aud" in verdict.product_reason
    assert not verdict.accepted
    assert rules(verdict, ERROR) == {"group-claim", "email_verified-type"}
    assert rules(verdict, WARNING) == {"lifetime-short"}
    assert verdict.decoded.signature == "verified"
    messages = " | ".join(f.message for f in verdict.findings)
    assert "reads only `groups`" in messages and "lives only 3 s" in messages and '"true" (str)' in messages


def test_cloud_token_without_kid_jti_or_nbf_and_a_year_long(keys: GeneratedKeys) -> None:
    now = float(int(time.time()))
    claims = qs_jwt_cloud(now, jti=None, nbf=None, email=None, exp=int(now) + 365 * 86400, groups=["A"], group=None)
    claims["email_verified"] = True
    verdict = lint(sign(keys, claims), now=now)
    assert rules(verdict) == {"kid-missing", "jti-missing", "nbf-missing", "email-missing"}
    # Without nbf Qlik measures nothing against 3600 s; with it, a 365-day token is over the rule.
    year = lint(sign(keys, {**claims, "nbf": int(now), "jti": "j", "email": "e@x"}, {"kid": "k"}), now=now)
    assert rules(year) == {"lifetime-over-1h"}
    assert "at most 3600 s" in year.findings[0].message


def test_exp_in_milliseconds_is_named_and_decoding_does_not_crash(keys: GeneratedKeys) -> None:
    now = float(int(time.time()))
    token = sign(keys, {"userId": "joe", "userDirectory": "LAB", "iat": int(now), "exp": int(now + 3600) * 1000})
    verdict = lint(token, now=now)
    assert verdict.product == "qseow" and rules(verdict) == {"exp-milliseconds"}
    assert "milliseconds" in verdict.decoded.times()["exp"]
    proc = run_cli("token", "--decode", token)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "year 50,000" in proc.stdout


def test_expired_qs_jwt_qseow_token_says_how_long_ago(keys: GeneratedKeys) -> None:
    now = float(int(time.time()))
    claims = {
        "userId": "joe",
        "userDirectory": "LAB",
        "name": "Joe",
        "email": "joe@example.com",
        "group": ["Sales"],
        "iat": int(now) - 7200,
        "exp": int(now) - 3600,
        "aud": "qlik.example",
    }
    token = sign(keys, claims)
    verdict = lint(token, audience="qlik.example", cert=keys.cert_path, now=now)
    assert verdict.product == "qseow" and not verdict.accepted
    assert rules(verdict, ERROR) == {"expired"} and rules(verdict, WARNING) == {"group-claim"}
    assert next(f.message for f in verdict.findings if f.rule == "expired") == "expired 1h ago"
    proc = run_cli("token", "--decode", token, "--audience", "qlik.example", "--json")
    doc = json.loads(proc.stdout)
    assert proc.returncode == 1 and doc["jwt"] is True and doc["accepted"] is False and doc["product"] == "qseow"
    assert {p["rule"] for p in doc["problems"]} == {"expired", "group-claim"}


def test_not_yet_valid_and_future_iat(keys: GeneratedKeys) -> None:
    now = float(int(time.time()))
    claims = qs_jwt_cloud(now, nbf=int(now) + 600, iat=int(now) + 600, exp=int(now) + 1200, groups=["A"], group=None)
    claims["email_verified"] = False
    verdict = lint(sign(keys, claims, {"kid": "k"}), now=now)
    assert rules(verdict) == {"not-yet-valid", "iat-future"}
    assert "10m from now" in verdict.findings[0].message


def test_tokens_qlik_tui_mints_are_accepted(profiles_file: Path, keys: GeneratedKeys) -> None:
    profiles = load_profiles(profiles_file).profiles
    for name, product in (("prod", "qseow"), ("eu", "cloud")):
        verdict = lint(mint(profiles[name]).token, cert=keys.cert_path, issuer=None)
        assert verdict.product == product and verdict.accepted and verdict.findings == [], verdict.findings
    cloud = lint(mint(profiles["eu"]).token, issuer="https://issuer.example.com")
    assert cloud.accepted
    wrong = lint(mint(profiles["eu"]).token, issuer="https://other.example.com", audience="qlik.api")
    assert rules(wrong) == {"issuer", "audience"}


def test_algorithms_each_product_refuses(keys: GeneratedKeys) -> None:
    now = float(int(time.time()))
    base = {"userId": "joe", "userDirectory": "LAB", "iat": int(now), "exp": int(now) + 600}
    hs = jwt.encode(base, "a-shared-secret-that-is-long-enough-32b", algorithm="HS256")
    assert rules(lint(hs, now=now)) == {"alg"}
    rs384 = sign(keys, base, alg="RS384")
    assert lint(rs384, now=now).accepted
    assert "alg" in rules(lint(rs384, product="cloud", now=now))
    es = jwt.encode(base, ec.generate_private_key(ec.SECP256R1()), algorithm="ES256")
    assert "RS256, RS384, RS512 only" in lint(es, now=now).findings[0].message


def test_signature_with_a_jwks_key_chosen_by_kid(tmp_path: Path, keys: GeneratedKeys, other_keys: GeneratedKeys) -> None:
    def jwk(k: GeneratedKeys, kid: str) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(load_public_key(k.cert_path)))
        return {**doc, "kid": kid, "use": "sig"}

    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [jwk(other_keys, "old"), jwk(keys, "new")]}))
    now = float(int(time.time()))
    claims = qs_jwt_cloud(now, groups=["A"], group=None, exp=int(now) + 600)
    claims["email_verified"] = True
    assert lint(sign(keys, claims, {"kid": "new"}), jwks=jwks, now=now).decoded.signature == "verified"
    forged = lint(sign(keys, claims, {"kid": "old"}), jwks=jwks, now=now)
    assert forged.decoded.signature.startswith("INVALID") and rules(forged) == {"signature"}
    unknown = lint(sign(keys, claims, {"kid": "gone"}), jwks=jwks, now=now)
    assert "no key with kid" in unknown.decoded.signature and not unknown.accepted


def test_not_a_jwt_exits_2_in_text_and_json() -> None:
    with pytest.raises(NotAJwtError):
        lint("eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24")
    text = run_cli("token", "--decode", "not.a.jwt")
    assert text.returncode == 2 and "hint:" in text.stderr and "Traceback" not in text.stderr
    doc = run_cli("token", "--decode", "nope", "--json")
    assert doc.returncode == 2 and json.loads(doc.stdout)["jwt"] is False


def test_escapes_in_claims_reach_the_terminal_visible(keys: GeneratedKeys) -> None:
    now = float(int(time.time()))
    evil = {"userId": "joe\x1b]52;c;cm0gLXJmIH4=\x07", "userDirectory": "LAB\x9b2J", "\u202ename": "x", "exp": int(now) + 60}
    proc = run_cli("token", "--decode", sign(keys, evil, {"kid": "k\x1b[2J"}))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for raw in ("\x1b", "\x9b", "\x07", "\u202e"):
        assert raw not in proc.stdout
    assert "\\x9b2J" in proc.stdout and "\\u202ename" in proc.stdout
    as_json = run_cli("token", "--decode", sign(keys, evil), "--json")
    assert "\x9b" not in as_json.stdout and json.loads(as_json.stdout)["claims"]["userDirectory"] == "LAB\x9b2J"


def test_bad_key_options_fail_cleanly(tmp_path: Path, keys: GeneratedKeys) -> None:
    token = sign(keys, {"userId": "joe", "userDirectory": "LAB", "exp": int(time.time()) + 60})
    broken = tmp_path / "jwks.json"
    broken.write_text('{"keys": [{"kty": "RSA"}]}')
    proc = run_cli("token", "--decode", token, "--jwks", str(broken))
    assert proc.returncode == 3 and "not a usable JWKS" in proc.stderr and "Traceback" not in proc.stderr
    both = run_cli("token", "--decode", token, "--jwks", str(broken), "--cert", str(keys.cert_path))
    assert both.returncode == 2 and "pass one" in both.stderr
    minting = run_cli("token", "--product", "cloud")
    assert minting.returncode == 2 and "go with --decode" in minting.stderr
