from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from qlik_tui.core.auth import token_cache
from qlik_tui.core.auth.keys import GeneratedKeys, load_private_key, load_public_key
from qlik_tui.core.auth.token_cache import TokenCache
from qlik_tui.core.auth.tokens import MintedToken, check_key_against_cert, decode, mint
from qlik_tui.core.errors import KeyFileError, TokenError
from qlik_tui.core.events import MINTED, REMINTED, EventBus
from qlik_tui.core.profiles.loader import load_profiles
from tests.conftest import write_profiles


def test_qseow_token_verifies_with_the_certificate(profiles_file: Path, keys: GeneratedKeys) -> None:
    prof = load_profiles(profiles_file).profiles["prod"]
    tok = mint(prof)
    public = load_public_key(keys.cert_path)
    claims = jwt.decode(tok.token, public, algorithms=["RS256"])
    assert claims["userDirectory"] == "LAB" and claims["userId"] == "goran"
    assert "aud" not in claims and "iss" not in claims and "jti" not in claims
    assert claims["exp"] - int(time.time()) == pytest.approx(3600, abs=2)
    header = jwt.get_unverified_header(tok.token)
    assert header == {"alg": "RS256", "typ": "JWT"}
    assert tok.token not in repr(tok)


@pytest.mark.parametrize("alg", ["RS384", "RS512"])
def test_qseow_algorithms_and_audience(tmp_path: Path, keys: GeneratedKeys, alg: str) -> None:
    path = write_profiles(tmp_path, keys, default=None)
    text = path.read_text().replace('lifetime = "1h"', f'lifetime = "1h"\nalgorithm = "{alg}"\naudience = "qlik.example"', 1)
    path.write_text(text)
    prof = load_profiles(path).profiles["prod"]
    tok = mint(prof)
    claims = jwt.decode(tok.token, load_public_key(keys.cert_path), algorithms=[alg], audience="qlik.example")
    assert claims["aud"] == "qlik.example"
    assert jwt.get_unverified_header(tok.token)["alg"] == alg


def test_cloud_token_follows_every_rule(profiles_file: Path, keys: GeneratedKeys) -> None:
    prof = load_profiles(profiles_file).profiles["eu"]
    a, b = mint(prof), mint(prof)
    public = load_public_key(keys.cert_path)
    claims = jwt.decode(
        a.token, public, algorithms=["RS256"], audience="qlik.api/login/jwt-session", issuer="https://issuer.example.com"
    )
    assert jwt.get_unverified_header(a.token) == {"alg": "RS256", "typ": "JWT", "kid": "kid-1"}
    assert claims["sub"] == "goran" and claims["subType"] == "user"
    assert claims["email_verified"] is True
    assert claims["groups"] == ["Sales"] and "group" not in claims
    assert claims["exp"] - claims["nbf"] <= 3600
    assert claims["iat"] <= time.time() and claims["nbf"] <= time.time()
    assert a.claims["jti"] != b.claims["jti"]
    assert a.claims["sub"] == b.claims["sub"]


def test_cloud_one_hour_token_stays_within_limit_despite_skew(tmp_path: Path, keys: GeneratedKeys) -> None:
    path = write_profiles(tmp_path, keys)
    path.write_text(path.read_text().replace('lifetime = "30m"', 'lifetime = "1h"\nclock_skew = 30'))
    claims = mint(load_profiles(path).profiles["eu"]).claims
    assert claims["exp"] - claims["nbf"] == 3600


def test_decode_names_a_missing_audience_in_words(keys: GeneratedKeys) -> None:
    token = jwt.encode({"userId": "a", "exp": int(time.time()) + 60}, keys.key_path.read_bytes(), algorithm="RS256")
    found = decode(token, audience="qlik.example").audience
    # Before: "MISMATCH (token has None, ...)": Python's None, not a word a user reads.
    assert found == "MISMATCH (the token has no `aud`, expected 'qlik.example')"


def test_decode_reports_signature_audience_and_state(profiles_file: Path, keys: GeneratedKeys, other_keys: GeneratedKeys) -> None:
    prof = load_profiles(profiles_file).profiles["prod"]
    tok = mint(prof).token
    good = decode(tok, cert=keys.cert_path, audience="nope")
    assert good.signature == "verified" and good.state == "valid"
    assert good.audience.startswith("MISMATCH")
    assert set(good.times()) == {"iat", "exp"} and good.times()["exp"].endswith("Z")
    bad = decode("Bearer " + tok, cert=other_keys.cert_path)
    assert bad.signature.startswith("INVALID")
    assert decode(tok, now=time.time() + 7200).state == "expired"


def test_decode_tokens_made_by_other_tools(keys: GeneratedKeys) -> None:
    key = load_private_key(keys.key_path)
    foreign = jwt.encode(
        {"sub": "x", "nbf": time.time() + 100, "exp": time.time() + 200}, key, algorithm="RS512", headers={"kid": "k"}
    )
    d = decode(foreign, cert=keys.public_key_path)
    assert d.state == "not yet valid" and d.signature == "verified" and d.header["kid"] == "k"
    hs = jwt.encode({"a": 1}, "a-shared-secret-that-is-long-enough-32b", algorithm="HS256")
    assert "not RS256" in decode(hs, cert=keys.cert_path).signature


@pytest.mark.parametrize(
    "garbage", ["", "abc", "a.b", "a.b.c", "!!!.???.xxx", base64.urlsafe_b64encode(b"[1]").decode() + ".e30.x"]
)
def test_decode_garbage_is_a_clear_error(garbage: str) -> None:
    with pytest.raises(TokenError) as info:
        decode(garbage)
    assert info.value.hint


def test_key_cert_mismatch_detected(tmp_path: Path, keys: GeneratedKeys, other_keys: GeneratedKeys) -> None:
    path = write_profiles(tmp_path, keys)
    path.write_text(path.read_text().replace(str(keys.cert_path), str(other_keys.cert_path)))
    assert check_key_against_cert(load_profiles(path).profiles["prod"]) is False
    assert check_key_against_cert(load_profiles(path).profiles["eu"]) is None


# ---- key files ----------------------------------------------------------------------


def _pem(
    key: object, password: bytes | None = None, fmt: serialization.PrivateFormat = serialization.PrivateFormat.PKCS8
) -> bytes:
    enc = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, fmt, enc)  # type: ignore[attr-defined]


def test_pkcs1_and_encrypted_keys(tmp_path: Path, keys: GeneratedKeys, monkeypatch: pytest.MonkeyPatch) -> None:
    key = load_private_key(keys.key_path)
    pkcs1 = tmp_path / "pkcs1.pem"
    pkcs1.write_bytes(_pem(key, fmt=serialization.PrivateFormat.TraditionalOpenSSL))
    assert b"BEGIN RSA PRIVATE KEY" in pkcs1.read_bytes()
    assert load_private_key(pkcs1).private_numbers() == key.private_numbers()
    enc = tmp_path / "enc.pem"
    enc.write_bytes(_pem(key, b"s3cret"))
    with pytest.raises(KeyFileError, match="encrypted and no passphrase"):
        load_private_key(enc)
    with pytest.raises(KeyFileError, match=r"\$QS_PASS is not set"):
        load_private_key(enc, "QS_PASS")
    monkeypatch.setenv("QS_PASS", "wrong")
    with pytest.raises(KeyFileError, match="wrong passphrase"):
        load_private_key(enc, "QS_PASS")
    monkeypatch.setenv("QS_PASS", "s3cret")
    assert load_private_key(enc, "QS_PASS").private_numbers() == key.private_numbers()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "not found"),
        (b"hello", "found no PEM data"),
        ("cert", "this is the certificate"),
        ("ec", "not RSA"),
        (b"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", "OpenSSH"),
    ],
)
def test_bad_key_files(tmp_path: Path, keys: GeneratedKeys, content: object, expected: str) -> None:
    path = tmp_path / "key.pem"
    if content == "cert":
        path.write_bytes(keys.cert_path.read_bytes())
    elif content == "ec":
        path.write_bytes(_pem(ec.generate_private_key(ec.SECP256R1())))
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(KeyFileError) as info:
        load_private_key(path)
    text = info.value.message + " " + info.value.hint
    assert expected in text and str(path) in info.value.message


def test_public_key_refuses_a_private_key(keys: GeneratedKeys) -> None:
    with pytest.raises(KeyFileError) as info:
        load_public_key(keys.key_path)
    assert "found a private key" in info.value.message and "never share the private key" in info.value.hint


def test_key_is_cached_until_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "k.pem"
    first = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(_pem(first))
    assert load_private_key(path) is load_private_key(path)
    second = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(_pem(second) + b"\n")
    assert load_private_key(path).private_numbers() == second.private_numbers()


def test_mint_with_missing_key_names_the_file(tmp_path: Path, keys: GeneratedKeys) -> None:
    path = write_profiles(tmp_path, keys)
    path.write_text(path.read_text().replace(str(keys.key_path), "missing/key.pem"))
    with pytest.raises(KeyFileError) as info:
        mint(load_profiles(path).profiles["prod"])
    assert str(tmp_path.resolve() / "missing" / "key.pem") in info.value.message


def test_claims_json_shapes(profiles_file: Path) -> None:
    tok = mint(load_profiles(profiles_file).profiles["eu"]).token
    payload = json.loads(base64.urlsafe_b64decode(tok.split(".")[1] + "=="))
    assert payload["email_verified"] is True  # a JSON boolean, not "true"


async def test_the_token_cache_mints_once_for_concurrent_callers_and_replaces_only_the_stale_token(
    profiles_file: Path,
) -> None:
    now = [time.time()]
    events = EventBus()
    cache = TokenCache(load_profiles(profiles_file).profiles["prod"], events, lambda: now[0])
    first = await asyncio.gather(*(cache.get() for _ in range(20)))
    assert len({t.token for t in first}) == 1 and cache.mint_count == 1
    now[0] += 3600 - 61  # 61 s left of an hour: fresh (the margin is 60 s)
    assert (await cache.get()) is first[0] and cache.mint_count == 1
    now[0] += 2
    second = await cache.get()
    assert second is not first[0] and cache.mint_count == 2
    replaced = await asyncio.gather(*(cache.replace(second, "after 401") for _ in range(5)))
    assert len({id(t) for t in replaced}) == 1 and replaced[0] is not second and cache.mint_count == 3
    # a refusal of a token already replaced costs nothing
    assert (await cache.replace(second, "after 401")) is replaced[0] and cache.mint_count == 3
    kinds = [(e.kind, e.detail) for e in events.history if e.kind in (MINTED, REMINTED)]
    assert [k for k, _ in kinds] == [MINTED, REMINTED, REMINTED]
    assert [d for _, d in kinds][1:] == ["before expiry", "after 401"]


async def test_the_token_cache_adopts_a_first_token_minted_before_it_and_signs_in_a_thread(
    profiles_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The TUI mints the first token before the HTTP stack loads; the connection's cache takes
    # it over (one "minted" event), and never swaps out a token it already has.
    profile = load_profiles(profiles_file).profiles["prod"]
    events = EventBus()
    cache = TokenCache(profile, events)
    early = mint(profile)
    cache.adopt(early)
    assert (await cache.get()) is early and cache.mint_count == 1
    cache.adopt(mint(profile))
    assert cache.token is early and cache.mint_count == 1
    assert [e.kind for e in events.history] == [MINTED]
    # Signing (the key loaded, PyJWT imported) happens off the event loop's thread.
    threads: list[threading.Thread] = []

    def spying_mint(*args: Any) -> MintedToken:
        threads.append(threading.current_thread())
        return mint(*args)

    monkeypatch.setattr(token_cache, "mint", spying_mint)
    renewed = await cache.mint_now()
    assert renewed is not early and threads and threads[0] is not threading.main_thread()
