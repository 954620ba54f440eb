"""QSEoW connections against the strict simulator over real loopback HTTP(S)."""

from __future__ import annotations

import asyncio
import re
import time

from qlik_tui.core.events import REMINTED, SESSION_STARTED
from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.types import Request
from qlik_tui.demo.environment import Demo
from tests.sim.conftest import profile, variant

GET_ABOUT = Request.build("GET", "/qrs/about")


class Clock:
    """The connection's clock, moved forward on purpose: a token expires without the test
    sleeping through its life (the simulator keeps real time and does not check iat)."""

    def __init__(self) -> None:
        self.skew = 0.0

    def __call__(self) -> float:
        return time.time() + self.skew


async def test_xrfkey_is_fresh_and_well_formed(demo: Demo) -> None:
    async with open_connection(profile(demo, "demo-qseow")) as conn:
        for _ in range(6):
            assert (await conn.send(GET_ABOUT)).ok
    keys = demo.qseow.stats.xrfkeys
    assert len(keys) == 6 and len(set(keys)) == 6
    assert all(re.fullmatch(r"[0-9a-zA-Z]{16}", k) for k in keys)


async def test_one_jwt_login_then_session_cookie(demo: Demo) -> None:
    async with open_connection(profile(demo, "demo-qseow")) as conn:
        for path in ("/qrs/about", "/qrs/app", "/qrs/app/count", "/qrs/stream/full", "/qrs/user"):
            response = await conn.send(Request.build("GET", path))
            assert response.ok, response.error
        assert conn.tokens.mint_count == 1
        assert conn.events.count(SESSION_STARTED) == 1
    assert demo.qseow.stats.jwt_logins == 1
    assert demo.qseow.session_count() == 1


async def test_filter_and_orderby_are_encoded_for_qrs(demo: Demo) -> None:
    query = [("filter", "name sw 'Sales' and published eq true"), ("orderby", "name desc")]
    async with open_connection(profile(demo, "demo-qseow")) as conn:
        response = await conn.send(Request.build("GET", "/qrs/app", query))
    assert response.ok, response.error
    names = [a["name"] for a in response.json()]
    assert names and all(n.startswith("Sales") for n in names)
    assert names == sorted(names, key=str.lower, reverse=True)
    assert "%20" in response.url and "+" not in response.url.split("?")[1]


async def test_expiry_drives_a_remint_and_no_expired_token_is_sent(demo: Demo) -> None:
    clock = Clock()
    async with open_connection(profile(demo, "demo-qseow"), clock=clock) as conn:
        assert (await conn.send(GET_ABOUT)).ok
        first = conn.tokens.token
        assert first is not None
        # The session ends on both sides (idle timeout): the next request must carry a JWT.
        demo.qseow.drop_sessions()
        conn.drop_session()  # type: ignore[attr-defined]
        clock.skew = first.seconds_left() + 1
        requests_before = demo.qseow.stats.requests
        response = await conn.send(GET_ABOUT)
        assert response.ok, response.error
        assert conn.tokens.token is not first and conn.tokens.mint_count == 2
        assert [e.detail for e in conn.events.history if e.kind == REMINTED] == ["after expiry"]
    assert demo.qseow.stats.requests - requests_before == 1  # minted before sending, not after a 401
    assert demo.qseow.stats.refused_tokens == 0


async def test_session_lost_with_expired_token_says_expiry(demo: Demo) -> None:
    clock = Clock()
    async with open_connection(profile(demo, "demo-qseow"), clock=clock) as conn:
        assert (await conn.send(GET_ABOUT)).ok
        demo.qseow.drop_sessions()
        clock.skew = 5 * 60 + 1
        assert (await conn.send(GET_ABOUT)).ok
        assert [e.detail for e in conn.events.history if e.kind == REMINTED] == ["after expiry"]
    assert demo.qseow.stats.refused_tokens == 0


async def test_token_within_margin_is_reminted_before_use(demo: Demo) -> None:
    clock = Clock()
    async with open_connection(profile(demo, "demo-qseow"), clock=clock) as conn:
        first = await conn.token()
        clock.skew = first.seconds_left() - 30  # 30 s left: inside the 60 s margin of a 5-minute token
        token = await conn.token()
        assert token is not first and token.seconds_left(clock()) > 4 * 60 and conn.tokens.mint_count == 2
        assert [e.detail for e in conn.events.history if e.kind == REMINTED] == ["before expiry"]


async def test_refused_token_reminted_and_retried_exactly_once(demo: Demo) -> None:
    demo.qseow.faults.refuse_tokens = 1
    async with open_connection(profile(demo, "demo-qseow")) as conn:
        response = await conn.send(GET_ABOUT)
        assert response.ok, response.error
        assert conn.tokens.mint_count == 2
        assert [e.detail for e in conn.events.history if e.kind == REMINTED] == ["after 401"]
    assert demo.qseow.stats.requests == 2


async def test_refused_twice_gives_up_with_a_hint(demo: Demo) -> None:
    demo.qseow.faults.refuse_tokens = 5
    async with open_connection(profile(demo, "demo-qseow")) as conn:
        response = await conn.send(GET_ABOUT)
    assert response.status == 401 and response.error is not None
    assert "claim names" in response.error.hint and "certificate" in response.error.hint
    assert demo.qseow.stats.requests == 2  # the first try and exactly one retry


async def test_session_loss_recovers_with_one_new_login(demo: Demo) -> None:
    async with open_connection(profile(demo, "demo-qseow")) as conn:
        assert (await conn.send(GET_ABOUT)).ok
        demo.qseow.drop_sessions()
        assert (await conn.send(GET_ABOUT)).ok
    assert demo.qseow.stats.jwt_logins == 2


async def test_twenty_concurrent_requests_share_one_mint_and_one_session(demo: Demo) -> None:
    clock = Clock()
    async with open_connection(profile(demo, "demo-qseow"), clock=clock) as conn:
        assert (await conn.send(GET_ABOUT)).ok
        demo.qseow.drop_sessions()
        clock.skew = 5 * 60 + 1  # the cached token has now expired
        logins_before, mints_before = demo.qseow.stats.jwt_logins, conn.tokens.mint_count
        responses = await asyncio.gather(*(conn.send(Request.build("GET", "/qrs/app/count")) for _ in range(20)))
        assert all(r.ok for r in responses)
        assert conn.tokens.mint_count - mints_before == 1
    assert demo.qseow.stats.jwt_logins - logins_before == 1
    assert demo.qseow.stats.refused_tokens == 0


async def test_concurrent_session_loss_causes_one_remint(demo: Demo) -> None:
    async with open_connection(profile(demo, "demo-qseow")) as conn:
        assert (await conn.send(GET_ABOUT)).ok
        demo.qseow.drop_sessions()
        responses = await asyncio.gather(*(conn.send(GET_ABOUT) for _ in range(20)))
        assert all(r.ok for r in responses)
        assert conn.tokens.mint_count == 2
    assert demo.qseow.stats.jwt_logins == 2


async def test_wrong_prefix_is_explained(demo: Demo) -> None:
    async with open_connection(variant(demo, "demo-qseow", virtual_proxy="wrong")) as conn:
        response = await conn.send(GET_ABOUT)
    assert response.status == 302 and response.error is not None
    assert "login page" in response.error.message and "virtual_proxy" in response.error.hint


async def test_wrong_claim_names_are_explained(demo: Demo) -> None:
    prof = variant(demo, "demo-qseow", claims={"userid": "alice", "userdirectory": "DEMO"})
    async with open_connection(prof) as conn:
        response = await conn.send(GET_ABOUT)
    assert response.status == 401 and response.error is not None
    assert "claim names" in response.error.hint


async def test_inactive_user_refused(demo: Demo) -> None:
    prof = variant(demo, "demo-qseow", claims={"userId": "former", "userDirectory": "LAB"})
    async with open_connection(prof) as conn:
        response = await conn.send(GET_ABOUT)
    assert response.status == 401 and "inactive" in response.error.hint  # type: ignore[union-attr]


async def test_audience_mismatch_refused(demo: Demo) -> None:
    demo.qseow.config.audience = "qlik.example"
    async with open_connection(variant(demo, "demo-qseow", audience="other")) as conn:
        assert (await conn.send(GET_ABOUT)).status == 401
    async with open_connection(variant(demo, "demo-qseow", audience="qlik.example")) as conn:
        assert (await conn.send(GET_ABOUT)).ok


async def test_host_allow_list_403(demo: Demo) -> None:
    demo.qseow.config.allowed_hosts = ["qlik.example.com"]
    async with open_connection(profile(demo, "demo-qseow")) as conn:
        response = await conn.send(GET_ABOUT)
    assert response.status == 403 and "allow list" in response.error.hint  # type: ignore[union-attr]


async def test_rate_limit_waits_retry_after(demo: Demo) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    demo.qseow.faults.rate_limit, demo.qseow.faults.retry_after = 2, 7
    async with open_connection(profile(demo, "demo-qseow"), sleep=sleep) as conn:
        response = await conn.send(GET_ABOUT)
    assert response.ok and waits == [7, 7]


async def test_server_error_explained(demo: Demo) -> None:
    demo.qseow.faults.server_errors = 1
    async with open_connection(profile(demo, "demo-qseow")) as conn:
        response = await conn.send(GET_ABOUT)
    assert response.status == 503 and "server" in response.error.message  # type: ignore[union-attr]


async def test_writes_and_conflicts(demo: Demo) -> None:
    async with open_connection(profile(demo, "demo-qseow")) as conn:
        created = await conn.send(Request.build("POST", "/qrs/tag", body=b'{"name": "From qlik-tui"}'))
        assert created.status == 201, created.error
        tag = created.json()
        stale = await conn.send(
            Request.build("PUT", f"/qrs/tag/{tag['id']}", body=b'{"name": "x", "modifiedDate": "2000-01-01T00:00:00.000Z"}')
        )
        assert stale.status == 409 and "modifiedDate" in stale.error.hint  # type: ignore[union-attr]
        deleted = await conn.send(Request.build("DELETE", f"/qrs/tag/{tag['id']}"))
        assert deleted.status == 204 and deleted.ok


async def test_https_with_private_ca(tls_demo: Demo) -> None:
    async with open_connection(profile(tls_demo, "demo-qseow")) as conn:
        response = await conn.send(GET_ABOUT)
    assert response.ok and response.url.startswith("https://")
    assert tls_demo.qseow.cookie_name("https") == "X-Qlik-Session-jwt"


async def test_latency_does_not_break_anything(demo: Demo) -> None:
    demo.qseow.faults.latency = 0.2
    async with open_connection(profile(demo, "demo-qseow")) as conn:
        started = time.perf_counter()
        response = await conn.send(GET_ABOUT)
    assert response.ok and time.perf_counter() - started >= 0.2 and response.elapsed >= 0.2
