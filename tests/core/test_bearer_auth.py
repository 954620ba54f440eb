"""API keys and OAuth token answers read strictly, the access-token cache, and the API-key lint."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path

import pytest

from qlik_tui.core.auth.api_key import api_key_info, load_api_key, parse_api_key, refuse_if_expired
from qlik_tui.core.auth.oauth import AccessToken, AccessTokenCache, oauth_error, parse_token_answer, token_request_body
from qlik_tui.core.auth.token_lint import lint
from qlik_tui.core.errors import RequestFailed
from qlik_tui.core.events import OAUTH_TOKEN_FETCHED, EventBus
from qlik_tui.core.profiles.loader import load_profiles

NOW = 1_800_000_000.0


def unsigned(claims: dict[str, object], alg: str = "ES384") -> str:
    def part(doc: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(doc).encode()).rstrip(b"=").decode()

    return f"{part({'alg': alg, 'kid': 'k', 'typ': 'JWT'})}.{part(claims)}.c2ln"


KEY_CLAIMS = {
    "sub": "u1",
    "subType": "user",
    "tenantId": "t1",
    "jti": "j1",
    "aud": "qlik.api",
    "iss": "qlik.api/api-keys",
    "exp": NOW + 3600,
}


def test_an_api_key_is_read_as_the_jwt_it_is() -> None:
    key = parse_api_key(unsigned(KEY_CLAIMS))
    info = api_key_info(key)
    assert key.expires_at == NOW + 3600 and key.claim("tenantId") == "t1" and len(key.fingerprint) == 16
    assert info.kind == "api_key" and info.expires_at == NOW + 3600 and "u1" in info.label
    assert ("tenant t1" in info.details) and ("key id j1" in info.details)
    refuse_if_expired(key, "p", NOW)  # alive: nothing raised
    with pytest.raises(RequestFailed, match="expired on 2027"):
        refuse_if_expired(key, "p", NOW + 3600)


def test_a_key_that_is_no_jwt_is_sent_as_it_is_with_unknown_expiry() -> None:
    key = parse_api_key("opaque-key")
    assert not key.is_jwt and key.expires_at is None
    refuse_if_expired(key, "p", NOW)
    assert "expiry is unknown" in api_key_info(key).label


def test_a_key_pasted_with_bearer_is_taken_without_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token = unsigned(KEY_CLAIMS)
    monkeypatch.setenv("P10_KEY", f"Bearer {token}")
    (tmp_path / "p.toml").write_text(
        '[profiles.k]\ntype = "cloud"\nurl = "https://t.example"\nauth = "api_key"\napi_key_env = "P10_KEY"\n'
    )
    assert load_api_key(load_profiles(tmp_path / "p.toml").profiles["k"]).key == token


def test_the_token_request_is_form_encoded_with_scopes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("P10_SECRET", "a b&c=d")
    (tmp_path / "p.toml").write_text(
        '[profiles.o]\ntype = "cloud"\nurl = "https://t.example"\nauth = "oauth"\nclient_id = "cid"\n'
        'client_secret_env = "P10_SECRET"\nscopes = ["user_default", "admin_classic"]\n'
    )
    body = token_request_body(load_profiles(tmp_path / "p.toml").profiles["o"])  # type: ignore[arg-type]
    assert body == b"grant_type=client_credentials&client_id=cid&client_secret=a+b%26c%3Dd&scope=user_default+admin_classic"


@pytest.mark.parametrize(
    ("doc", "lifetime"),
    [
        ({"expires_in": 600}, 600),
        ({"expires_in": "600"}, 600),
        ({"expires_at": "2027-01-15T09:00:00.000Z"}, 3600),  # NOW is 2027-01-15T08:00:00Z
        ({}, 3600),
        ({"expires_in": -5}, 0),
        ({"expires_in": 10**12}, 366 * 86400),
    ],
)
def test_the_token_life_comes_from_expires_in_or_expires_at(doc: dict[str, object], lifetime: float) -> None:
    answer = json.dumps({"access_token": "t", "token_type": "bearer", **doc}).encode()
    token = parse_token_answer(200, "application/json", answer, "cid", NOW)
    assert token.value == "t" and token.lifetime == pytest.approx(lifetime)


@pytest.mark.parametrize(
    ("status", "body", "said"),
    [
        (
            401,
            {"errors": [{"code": "OAUTH-3", "title": "invalid_client", "detail": "client authentication failed"}]},
            "invalid_client",
        ),
        (400, {"error": "invalid_scope", "error_description": "no"}, "invalid_scope"),
        (400, {"error": "unauthorized_client"}, "client-credentials grant"),
        (403, {"errors": [{"code": "OAUTH-9", "title": "Forbidden"}]}, "403"),
        (200, {"access_token": "t", "token_type": "mac"}, "not bearer"),
        (200, {"access_token": "bad\nvalue", "token_type": "bearer"}, "usable access_token"),
        (200, ["not", "an", "object"], "without a JSON object"),
    ],
)
def test_token_answers_that_are_no_token_say_why(status: int, body: object, said: str) -> None:
    with pytest.raises(RequestFailed) as caught:
        parse_token_answer(status, "application/json", json.dumps(body).encode(), "cid", NOW)
    assert said in caught.value.message and caught.value.hint


def test_oauth_errors_are_read_in_both_shapes() -> None:
    assert oauth_error({"error": "invalid_client", "error_description": "x"}) == ("invalid_client", "x")
    assert oauth_error({"errors": [{"code": "OAUTH-3", "title": "invalid_client", "detail": "d"}]}) == ("invalid_client", "d")
    assert oauth_error({"errors": [{"code": "X-1", "title": "Nope"}]}) == ("X-1", "Nope")
    assert oauth_error("text") == ("", "")


async def test_the_cache_fetches_once_for_concurrent_callers_and_again_near_expiry() -> None:
    now = [NOW]
    fetched: list[float] = []
    events = EventBus()
    cache = AccessTokenCache(events, lambda: now[0])

    async def fetch() -> AccessToken:
        fetched.append(now[0])
        await asyncio.sleep(0.01)  # a slow tenant: everyone else waits on the lock meanwhile
        return AccessToken(f"t{len(fetched)}", now[0], now[0] + 300)

    first = await asyncio.gather(*(cache.get(fetch) for _ in range(20)))
    assert {t.value for t in first} == {"t1"} and len(fetched) == 1
    now[0] += 239  # 61 s left: still fresh (the margin is 60 s)
    assert (await cache.get(fetch)).value == "t1"
    now[0] += 2
    assert (await cache.get(fetch)).value == "t2" and cache.refresh_count == 1
    stale = cache.token
    replaced = await asyncio.gather(*(cache.replace(stale, fetch, "after 401") for _ in range(5)))
    assert {t.value for t in replaced} == {"t3"} and len(fetched) == 3
    assert [e.detail.split(";")[0] for e in events.history if e.kind == OAUTH_TOKEN_FETCHED][1:] == ["before expiry", "after 401"]


def test_api_keys_are_judged_by_their_own_rules() -> None:
    good = lint(unsigned(KEY_CLAIMS), now=NOW)
    assert good.product == "api_key" and good.accepted and not good.findings
    broken = lint(unsigned({**KEY_CLAIMS, "sub": "", "subType": "bot", "exp": NOW - 90}), now=NOW)
    rules = {f.rule for f in broken.findings}
    assert {"sub-missing", "subType", "expired"} <= rules and not broken.accepted
    assert not rules & {"kid-missing", "email-missing", "alg"}  # no JWT-login rules
    forced = lint(
        unsigned({"sub": "x", "exp": NOW + 60, "aud": "qlik.api/login/jwt-session"}, "RS256"), product="api_key", now=NOW
    )
    assert {"iss", "jti-missing", "subType"} <= {f.rule for f in forced.findings}


def test_hostile_error_bodies_never_break_the_message() -> None:
    deep: object = "x"
    for _ in range(5000):
        deep = [deep]
    code, description = oauth_error({"errors": [{"code": 42, "title": deep, "detail": "d" * 10_000}]})
    assert code == "42" and len(description) <= 301
    body = b'{"errors": [{"code": "X", "title": ' + b"[" * 5000 + b"1" + b"]" * 5000 + b"}]}"
    with pytest.raises(RequestFailed) as caught:
        parse_token_answer(401, "application/json", body, "cid", NOW)
    assert caught.value.status == 401 and "X" in caught.value.message
