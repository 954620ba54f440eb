"""Qlik Cloud connections against the strict tenant simulator over real loopback HTTP(S)."""

from __future__ import annotations

import asyncio

import pytest

from qlik_tui.core.errors import RequestFailed
from qlik_tui.core.events import CSRF_REFRESHED, LOGGED_IN, REMINTED
from qlik_tui.core.http.cloud import CloudConnection
from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.types import Request
from qlik_tui.demo.environment import Demo
from tests.sim.conftest import profile, variant


def cloud(demo: Demo, **kwargs: object) -> CloudConnection:
    conn = open_connection(profile(demo, "demo-cloud"), **kwargs)
    assert isinstance(conn, CloudConnection)
    return conn


async def test_logs_in_once_and_reuses_the_session(demo: Demo) -> None:
    async with cloud(demo) as conn:
        for path in ("/api/v1/spaces", "/api/v1/items", "/api/v1/users", "/api/v1/spaces"):
            assert (await conn.send(Request.build("GET", path))).ok
        assert conn.events.count(LOGGED_IN) == 1
    assert demo.cloud.stats.jwt_logins == 1
    assert not any(p == "/login/jwt-session" for p in demo.cloud.stats.paths[1:])


async def test_redirects_followed_with_cookies(demo: Demo) -> None:
    async with cloud(demo) as conn:
        me = await conn.send(Request.build("GET", "/api/v1/users/me"))
        tenant = await conn.send(Request.build("GET", "/api/v1/tenants/me"))
    assert me.ok and me.json()["subject"] == "alice"
    assert tenant.ok and tenant.json()["name"] == "demo-tenant"
    assert "/api/v1/users/" in me.url and not me.url.endswith("/me")


async def test_csrf_fetched_once_for_many_writes(demo: Demo) -> None:
    async with cloud(demo) as conn:
        for i in range(3):
            created = await conn.send(
                Request.build("POST", "/api/v1/spaces", body=f'{{"name": "S{i}", "type": "shared"}}'.encode())
            )
            assert created.status == 201, created.error
    assert demo.cloud.stats.csrf_fetches == 1


async def test_csrf_refreshed_after_csrf_token_2(demo: Demo) -> None:
    async with cloud(demo) as conn:
        assert (await conn.send(Request.build("GET", "/api/v1/spaces"))).ok
        await conn.ensure_csrf()
        demo.cloud.faults.csrf_rotate = 1
        created = await conn.send(Request.build("POST", "/api/v1/spaces", body=b'{"name": "Rotated", "type": "shared"}'))
        assert created.status == 201, created.error
        assert [e.detail for e in conn.events.history if e.kind == CSRF_REFRESHED][-1] == "after CSRF-TOKEN-2"


async def test_relogin_with_new_jti_after_session_loss(demo: Demo) -> None:
    async with cloud(demo) as conn:
        assert (await conn.send(Request.build("GET", "/api/v1/spaces"))).ok
        first_jti = conn.tokens.token.claims["jti"]  # type: ignore[union-attr]
        demo.cloud.drop_sessions()
        again = await conn.send(Request.build("POST", "/api/v1/spaces", body=b'{"name": "After", "type": "shared"}'))
        assert again.status == 201, again.error
        assert conn.tokens.token.claims["jti"] != first_jti  # type: ignore[union-attr]
        assert conn.events.count(LOGGED_IN) == 2
    assert demo.cloud.stats.jwt_logins == 2 and demo.cloud.stats.refused_tokens == 0


async def test_session_dies_after_uses(demo: Demo) -> None:
    demo.cloud.faults.session_uses = 2
    async with cloud(demo) as conn:
        for _ in range(5):
            assert (await conn.send(Request.build("GET", "/api/v1/spaces"))).ok
    assert demo.cloud.stats.jwt_logins >= 2 and demo.cloud.stats.refused_tokens == 0


async def test_refused_first_token_gets_one_fresh_try(demo: Demo) -> None:
    demo.cloud.faults.refuse_tokens = 1
    async with cloud(demo) as conn:
        assert (await conn.send(Request.build("GET", "/api/v1/spaces"))).ok
        assert any(e.kind == REMINTED for e in conn.events.history)


async def test_twenty_concurrent_first_requests_log_in_once(demo: Demo) -> None:
    async with cloud(demo) as conn:
        responses = await asyncio.gather(*(conn.send(Request.build("GET", "/api/v1/spaces")) for _ in range(20)))
        assert all(r.ok for r in responses) and conn.tokens.mint_count == 1
    assert demo.cloud.stats.jwt_logins == 1


async def test_rate_limit_waits_then_succeeds(demo: Demo) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async with cloud(demo, sleep=sleep) as conn:
        assert (await conn.send(Request.build("GET", "/api/v1/spaces"))).ok
        demo.cloud.faults.rate_limit, demo.cloud.faults.retry_after = 2, 3
        assert (await conn.send(Request.build("GET", "/api/v1/spaces"))).ok
    assert waits == [3, 3]


async def test_rate_limit_exhausted_is_a_clear_error(demo: Demo) -> None:
    async def sleep(seconds: float) -> None:
        pass

    async with cloud(demo, sleep=sleep) as conn:
        assert (await conn.send(Request.build("GET", "/api/v1/spaces"))).ok
        demo.cloud.faults.rate_limit = 10
        response = await conn.send(Request.build("GET", "/api/v1/spaces"))
    assert response.status == 429 and response.error is not None
    assert "rate limited" in response.error.message and "slow down" in response.error.hint
    # the operation's own limit, from the spec's x-qlik-tier
    assert "GET /api/v1/spaces is rate limited at tier 1, 1,000/min" in response.error.hint


async def test_all_pages_concatenated(demo: Demo) -> None:
    async with cloud(demo) as conn:
        response = await conn.send(
            Request.build("GET", "/api/v1/items", [("resourceType", "app"), ("limit", "10")]), all_pages=True
        )
        capped = await conn.send(
            Request.build("GET", "/api/v1/items", [("resourceType", "app"), ("limit", "10")]), all_pages=True, max_pages=2
        )
    assert response.ok and response.pages == 5
    ids = [i["id"] for i in response.json()["data"]]
    assert len(ids) == 45 and len(set(ids)) == 45
    assert capped.pages == 2 and len(capped.json()["data"]) == 20 and "next" in capped.json()["links"]


async def test_qlik_error_body_in_message(demo: Demo) -> None:
    async with cloud(demo) as conn:
        response = await conn.send(Request.build("GET", "/api/v1/users/nope"))
    assert response.status == 404 and "USERS-7" in response.error.message  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        ({"key_id": "wrong-kid"}, "kid"),
        ({"issuer": "https://elsewhere"}, "issuer"),
    ],
)
async def test_login_refused_explained(demo: Demo, changes: dict[str, str], detail: str) -> None:
    async with open_connection(variant(demo, "demo-cloud", **changes)) as conn:
        with pytest.raises(RequestFailed) as info:
            await conn.send(Request.build("GET", "/api/v1/spaces"))
    assert "refused the JWT login" in info.value.message and detail in info.value.message
    assert "issuer" in info.value.hint and "key_id" in info.value.hint


async def test_wrong_signing_key_refused(demo: Demo, other_keys: object) -> None:
    prof = variant(demo, "demo-cloud", key=str(other_keys.key_path))  # type: ignore[attr-defined]
    async with open_connection(prof) as conn:
        with pytest.raises(RequestFailed) as info:
            await conn.send(Request.build("GET", "/api/v1/spaces"))
    assert "signature" in info.value.message


async def test_reload_progresses(demo: Demo) -> None:
    app_id = next(iter(demo.cloud.store.apps))
    async with cloud(demo) as conn:
        created = await conn.send(Request.build("POST", "/api/v1/reloads", body=f'{{"appId": "{app_id}"}}'.encode()))
        assert created.status == 201 and created.json()["status"] == "QUEUED"
        await asyncio.sleep(1.1)
        later = await conn.send(Request.build("GET", f"/api/v1/reloads/{created.json()['id']}"))
    assert later.json()["status"] in ("RELOADING", "SUCCEEDED")


async def test_https_cloud(tls_demo: Demo) -> None:
    async with cloud(tls_demo) as conn:
        assert (await conn.send(Request.build("GET", "/api/v1/users/me"))).ok
