"""Qlik Cloud with API keys and OAuth clients against the strict tenant simulator, over real loopback HTTP(S)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from qlik_tui.core.errors import RequestFailed, SecretError
from qlik_tui.core.events import BEARER_REFUSED, CACHED_SESSION_REFUSED, OAUTH_TOKEN_FETCHED, SESSION_RESTORED
from qlik_tui.core.http.cloud_bearer import CloudBearerConnection
from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.types import Request
from qlik_tui.core.profiles.model import Profile
from qlik_tui.demo.cloud_bearer_sim import BearerAuthority, OAuthClient
from qlik_tui.demo.environment import Demo
from tests.sim.conftest import profile, variant


def bearer(p: Profile, **kwargs: object) -> CloudBearerConnection:
    conn = open_connection(p, **kwargs)
    assert isinstance(conn, CloudBearerConnection)
    return conn


def key_profile(demo: Demo, tmp_path: Path, key: str) -> Profile:
    """demo-cloud-apikey reading `key` from a 0600 file."""
    path = tmp_path / "key"
    path.write_text(key + "\n")
    path.chmod(0o600)
    return variant(demo, "demo-cloud-apikey", api_key_file=str(path))


async def test_api_key_reads_writes_pages_and_redirects_over_tls_without_login_or_csrf(tls_demo: Demo) -> None:
    async with bearer(profile(tls_demo, "demo-cloud-apikey")) as conn:
        me = await conn.send(Request.build("GET", "/api/v1/users/me"))
        items = await conn.send(Request.build("GET", "/api/v1/items", [("limit", "5")]), all_pages=True)
        created = await conn.send(Request.build("POST", "/api/v1/spaces", body=b'{"name": "Keyed", "type": "shared"}'))
        info = conn.credential_info()
    assert me.ok and me.json()["subject"] == "alice" and not me.url.endswith("/me")  # 301 followed
    assert items.ok and items.pages > 1 and len(items.json()["data"]) == len(tls_demo.cloud.store.items)
    assert created.status == 201, created.error
    stats = tls_demo.cloud.stats
    assert stats.jwt_logins == 0 and stats.csrf_fetches == 0 and stats.bearer_requests >= 4
    assert info is not None and info.kind == "api_key" and info.expires_at is not None
    assert "alice" in info.label and any("tenant" in d for d in info.details)


async def test_an_expired_api_key_is_refused_before_it_is_sent(demo: Demo, tmp_path: Path) -> None:
    key = demo.cloud.bearers.issue_api_key("alice", lifetime=-3600)
    async with bearer(key_profile(demo, tmp_path, key)) as conn:
        with pytest.raises(RequestFailed) as caught:
            await conn.send(Request.build("GET", "/api/v1/users/me"))
    assert "expired on" in caught.value.message and "not sent" in caught.value.message
    assert "generate a new API key" in caught.value.hint
    assert demo.cloud.stats.bearer_requests == 0
    assert key not in caught.value.message + caught.value.hint


@pytest.mark.parametrize("case", ["revoked", "unknown"])
async def test_revoked_or_unknown_api_keys_get_a_hint(demo: Demo, tmp_path: Path, case: str) -> None:
    if case == "revoked":
        key = demo.cloud.bearers.issue_api_key("alice")
        demo.cloud.bearers.revoke(key)
    else:  # a key from another tenant: same shape, another signing key
        key = BearerAuthority("another-tenant").issue_api_key("alice")
    async with bearer(key_profile(demo, tmp_path, key)) as conn:
        response = await conn.send(Request.build("GET", "/api/v1/users/me"))
        assert conn.events.count(BEARER_REFUSED) == 1
    assert response.status == 401 and response.error is not None
    assert "refused the API key" in response.error.message
    assert "revoked" in response.error.hint and "generate a new one" in response.error.hint
    assert demo.cloud.stats.refused_bearers == 1  # no retry: a refused key stays refused


async def test_a_missing_api_key_names_where_it_was_looked_for(demo: Demo) -> None:
    p = variant(demo, "demo-cloud-apikey", drop=("api_key_file",), api_key_env="P10_CLOUD_NO_SUCH_VAR")
    async with bearer(p) as conn:
        with pytest.raises(SecretError) as caught:
            await conn.send(Request.build("GET", "/api/v1/users/me"))
    assert "$P10_CLOUD_NO_SUCH_VAR is not set" in caught.value.message


async def test_three_oauth_requests_cost_one_token_fetch_over_tls(tls_demo: Demo) -> None:
    async with bearer(profile(tls_demo, "demo-cloud-oauth")) as conn:
        for path in ("/api/v1/users/me", "/api/v1/spaces", "/api/v1/items"):
            assert (await conn.send(Request.build("GET", path))).ok
        created = await conn.send(Request.build("POST", "/api/v1/spaces", body=b'{"name": "M2M", "type": "shared"}'))
        info = conn.credential_info()
    assert created.status == 201, created.error
    assert tls_demo.cloud.stats.oauth_token_fetches == 1 and tls_demo.cloud.stats.csrf_fetches == 0
    assert conn.events.count(OAUTH_TOKEN_FETCHED) == 1
    assert info is not None and info.kind == "oauth" and info.expires_at is not None and info.issued_at is not None
    assert info.expires_at - info.issued_at == pytest.approx(600, abs=1)  # the demo's expires_in
    assert "refreshed 0 times" in info.details[0]


async def test_concurrent_oauth_requests_share_one_fetch(demo: Demo) -> None:
    async with bearer(profile(demo, "demo-cloud-oauth")) as conn:
        responses = await asyncio.gather(*(conn.send(Request.build("GET", "/api/v1/spaces")) for _ in range(12)))
    assert all(r.ok for r in responses)
    assert demo.cloud.stats.oauth_token_fetches == 1


async def test_a_token_near_expiry_is_refreshed_once(demo: Demo) -> None:
    now = [1_000_000.0]
    demo.cloud.bearers.token_lifetime = 300
    async with bearer(profile(demo, "demo-cloud-oauth"), clock=lambda: now[0]) as conn:
        assert (await conn.send(Request.build("GET", "/api/v1/spaces"))).ok
        now[0] += 250  # 50 s left: inside the 60 s margin
        results = await asyncio.gather(*(conn.send(Request.build("GET", "/api/v1/spaces")) for _ in range(5)))
        assert all(r.ok for r in results)
        assert (await conn.send(Request.build("GET", "/api/v1/items"))).ok
        info = conn.credential_info()
    assert demo.cloud.stats.oauth_token_fetches == 2
    assert [e.detail for e in conn.events.history if e.kind == OAUTH_TOKEN_FETCHED][1].startswith("before expiry")
    assert info is not None and "refreshed 1 time" in info.details[0]


async def test_a_token_that_expired_on_the_tenant_is_replaced_once_after_401(demo: Demo) -> None:
    demo.cloud.bearers.token_lifetime = 1
    async with bearer(profile(demo, "demo-cloud-oauth"), clock=lambda: 0.0) as conn:  # our clock never moves
        assert (await conn.send(Request.build("GET", "/api/v1/spaces"))).ok
        await asyncio.sleep(1.1)  # the tenant's token dies; we do not know it
        demo.cloud.bearers.token_lifetime = 600
        again = await conn.send(Request.build("GET", "/api/v1/spaces"))
    assert again.ok, again.error
    assert demo.cloud.stats.oauth_token_fetches == 2 and conn.events.count(BEARER_REFUSED) == 1


async def test_a_refused_token_is_retried_once_with_a_new_one(demo: Demo) -> None:
    async with bearer(profile(demo, "demo-cloud-oauth")) as conn:
        assert (await conn.send(Request.build("GET", "/api/v1/spaces"))).ok
        demo.cloud.faults.refuse_tokens = 1
        retried = await conn.send(Request.build("GET", "/api/v1/spaces"))
        assert retried.ok and demo.cloud.stats.oauth_token_fetches == 2
        demo.cloud.faults.refuse_tokens = 10
        refused = await conn.send(Request.build("GET", "/api/v1/spaces"))
    assert refused.status == 401 and refused.error is not None
    assert "refused the access token" in refused.error.message and "scopes" in refused.error.hint
    assert demo.cloud.stats.oauth_token_fetches == 3  # one retry per request, never a loop


@pytest.mark.parametrize(
    ("changes", "said", "hint"),
    [
        ({"client_secret_env": "P10_CLOUD_WRONG"}, "invalid_client", "client secret"),
        ({"client_id": "no-such-client"}, "invalid_client", "client_id"),
        ({"scopes": ["admin_classic", "not_a_scope"]}, "invalid_scope", "scopes"),
    ],
)
async def test_oauth_refusals_say_what_and_what_to_do(
    demo: Demo, monkeypatch: pytest.MonkeyPatch, changes: dict[str, object], said: str, hint: str
) -> None:
    wrong = "wrong-secret-p10-abcdef"
    monkeypatch.setenv("P10_CLOUD_WRONG", wrong)
    drop = ("client_secret_file",) if "client_secret_env" in changes else ()
    async with bearer(variant(demo, "demo-cloud-oauth", drop=drop, **changes)) as conn:
        with pytest.raises(RequestFailed) as caught:
            await conn.send(Request.build("GET", "/api/v1/spaces"))
    assert said in caught.value.message and hint in caught.value.hint
    secret = (demo.profiles_path.parent / "secrets" / "oauth-client-secret").read_text().strip()
    assert secret not in caught.value.message and wrong not in caught.value.message + caught.value.hint
    assert demo.cloud.stats.bearer_requests == 0


async def test_token_requests_wait_out_429_as_retry_after_asks(demo: Demo) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    demo.cloud.faults.retry_after = 2
    demo.cloud.faults.rate_limit = 1  # the token request is the first request
    async with bearer(profile(demo, "demo-cloud-oauth"), sleep=sleep) as conn:
        response = await conn.send(Request.build("GET", "/api/v1/spaces"))
    assert response.ok and waits == [2]
    assert demo.cloud.stats.paths[:2] == ["/oauth/token", "/oauth/token"]  # refused with 429, then asked again


async def test_html_instead_of_a_token_answer_is_explained(demo: Demo) -> None:
    # The QSEoW site is no Qlik Cloud tenant: its answer to /oauth/token is no token.
    async with bearer(variant(demo, "demo-cloud-oauth", url=demo.qseow_server.url)) as conn:
        with pytest.raises(RequestFailed) as caught:
            await conn.send(Request.build("GET", "/api/v1/spaces"))
    assert "/oauth/token" in caught.value.message or "token request" in caught.value.message
    assert "url" in caught.value.hint


async def test_the_access_token_outlives_the_run_and_a_refused_kept_one_is_replaced_quietly(demo: Demo) -> None:
    async with bearer(profile(demo, "demo-cloud-oauth")) as first:
        assert (await first.send(Request.build("GET", "/api/v1/spaces"))).ok
        state = first.session_state()
    assert state is not None and state["kind"] == "oauth"
    secret = (demo.profiles_path.parent / "secrets" / "oauth-client-secret").read_text().strip()
    assert secret not in json.dumps(state)
    async with bearer(profile(demo, "demo-cloud-oauth")) as second:
        second.restore_session(state)
        assert (await second.send(Request.build("GET", "/api/v1/spaces"))).ok
        assert second.events.count(SESSION_RESTORED) == 1
    assert demo.cloud.stats.oauth_token_fetches == 1  # the kept token was used
    demo.cloud.bearers.revoke(state["access_token"])
    async with bearer(profile(demo, "demo-cloud-oauth")) as third:
        third.restore_session(state)
        response = await third.send(Request.build("GET", "/api/v1/spaces"))
        assert third.events.count(CACHED_SESSION_REFUSED) == 1
    assert response.ok and demo.cloud.stats.oauth_token_fetches == 2


async def test_api_key_connections_keep_no_session(demo: Demo) -> None:
    async with bearer(profile(demo, "demo-cloud-apikey")) as conn:
        assert (await conn.send(Request.build("GET", "/api/v1/spaces"))).ok
        assert conn.session_state() is None


async def test_a_stale_kept_token_is_not_restored(demo: Demo) -> None:
    state = {"kind": "oauth", "access_token": "x.y.z", "issued_at": 0.0, "expires_at": 10.0, "scope": ""}
    async with bearer(profile(demo, "demo-cloud-oauth")) as conn:
        conn.restore_session(state)
        assert conn.access.token is None and conn.events.count(SESSION_RESTORED) == 0


def test_the_simulator_refuses_bearers_at_the_jwt_login(demo: Demo) -> None:
    import httpx

    key = demo.cloud.bearers.issue_api_key("alice")
    answer = httpx.post(f"{demo.cloud_server.url}/login/jwt-session", headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 401 and answer.json()["errors"][0]["code"] == "LOGIN-1"
    client = OAuthClient("c", "s", ("user_default",))
    demo.cloud.bearers.register(client)
    form = {"grant_type": "client_credentials", "client_id": "c", "client_secret": "nope"}
    refused = httpx.post(f"{demo.cloud_server.url}/oauth/token", data=form)
    assert refused.status_code == 401 and refused.json()["errors"][0]["title"] == "invalid_client"


async def test_a_token_endpoint_that_stays_rate_limited_ends_in_one_message(demo: Demo) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    demo.cloud.faults.retry_after = 1
    demo.cloud.faults.rate_limit = 50
    async with bearer(profile(demo, "demo-cloud-oauth"), sleep=sleep) as conn:
        with pytest.raises(RequestFailed) as caught:
            await conn.send(Request.build("GET", "/api/v1/spaces"))
    assert caught.value.status == 429 and "rate-limiting the token request" in caught.value.message
    assert waits and len(waits) == len([p for p in demo.cloud.stats.paths if p == "/oauth/token"]) - 1


def test_the_simulated_token_endpoint_allows_100_requests_a_minute(demo: Demo) -> None:
    import httpx

    form = {"grant_type": "client_credentials", "client_id": "demo-m2m-client", "client_secret": "wrong"}
    with httpx.Client(base_url=demo.cloud_server.url) as client:
        statuses = [client.post("/oauth/token", data=form).status_code for _ in range(101)]
    assert statuses[:100] == [401] * 100 and statuses[100] == 429


@pytest.mark.parametrize("name", ["demo-cloud-apikey", "demo-cloud-oauth"])
async def test_an_untrusted_tenant_certificate_is_explained_not_a_traceback(tls_demo: Demo, name: str) -> None:
    async with bearer(variant(tls_demo, name, drop=("ca_bundle",))) as conn:
        with pytest.raises(RequestFailed) as caught:
            await conn.send(Request.build("GET", "/api/v1/spaces"))
    assert "certificate" in caught.value.message.lower() and "ca_bundle" in caught.value.hint
    assert tls_demo.cloud.stats.requests == 0  # nothing reached the tenant: no secret went out


async def test_a_403_for_an_oauth_client_points_at_its_scopes(demo: Demo) -> None:
    demo.cloud.faults.deny_settings = 1  # reading identity providers needs TenantAdmin
    async with bearer(profile(demo, "demo-cloud-oauth")) as conn:
        response = await conn.send(Request.build("GET", "/api/v1/identity-providers"))
    assert response.status == 403 and response.error is not None and "scopes" in response.error.hint
    assert demo.cloud.stats.oauth_token_fetches == 1  # a 403 is no reason for a new token
