"""QSEoW sessions whatever the proxy calls its cookie: one proxy session for many requests."""

from __future__ import annotations

import asyncio

import pytest

from qlik_tui.core.events import SESSION_COOKIE_MISSING, SESSION_LOST, SESSION_STARTED
from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.types import Request
from qlik_tui.demo.environment import Demo
from qlik_tui.demo.http_server import SimRequest, SimResponse
from qlik_tui.demo.qseow_sim import QseowSimulator
from tests.sim.conftest import profile, variant

PATHS = ("/qrs/about", "/qrs/app/count", "/qrs/stream")


async def test_a_cookie_of_any_name_is_the_session(demo: Demo) -> None:
    async with open_connection(profile(demo, "demo-qseow-cookie")) as conn:
        for path in PATHS:
            response = await conn.send(Request.build("GET", path))
            assert response.ok, response.error
        assert conn.tokens.mint_count == 1
        assert conn.events.count(SESSION_STARTED) == 1
    assert demo.qseow.session_count("custom") == 1
    assert demo.qseow.stats.jwt_logins == 1


async def test_header_proxy_signs_in_once_with_the_header(demo: Demo) -> None:
    async with open_connection(profile(demo, "demo-qseow-header")) as conn:
        for path in PATHS:
            response = await conn.send(Request.build("GET", path))
            assert response.ok, response.error
        assert conn.events.count(SESSION_STARTED) == 1
        info = conn.credential_info()
        assert info is not None and info.kind == "header" and "X-Qlik-Demo-User: DEMO\\alice" in info.label
    assert demo.qseow.session_count("hdr") == 1
    assert demo.qseow.stats.header_logins == 1 and demo.qseow.stats.jwt_logins == 0


class HeaderSpy:
    """Wraps the site to note, per request, whether the trusted header came along."""

    def __init__(self, site: QseowSimulator) -> None:
        self.site = site
        self.faults = site.faults
        self.seen: list[bool] = []

    def __call__(self, req: SimRequest) -> SimResponse:
        self.seen.append(req.header("x-qlik-demo-user") is not None)
        return self.site(req)


async def test_the_header_goes_only_on_the_request_that_signs_in(demo: Demo) -> None:
    spy = HeaderSpy(demo.qseow)
    demo.qseow_server._server.site.simulator = spy  # the control wrapper's site
    async with open_connection(profile(demo, "demo-qseow-header")) as conn:
        for path in PATHS:
            assert (await conn.send(Request.build("GET", path))).ok
    assert spy.seen == [True, False, False]


async def test_a_lost_header_session_signs_in_again_once(demo: Demo) -> None:
    async with open_connection(profile(demo, "demo-qseow-header")) as conn:
        assert (await conn.send(Request.build("GET", "/qrs/about"))).ok
        demo.qseow.drop_sessions()
        response = await conn.send(Request.build("GET", "/qrs/app/count"))
        assert response.ok, response.error
        assert conn.events.count(SESSION_LOST) == 1 and conn.events.count(SESSION_STARTED) == 2
    assert demo.qseow.stats.header_logins == 2


async def test_a_pinned_cookie_name_is_the_only_session(demo: Demo) -> None:
    # Pinned to the proxy's name as the QMC shows it: over http Qlik appends -HTTP, still the session.
    pinned = variant(demo, "demo-qseow-cookie", session_cookie="QlikSessionCustom")
    async with open_connection(pinned) as conn:
        for path in PATHS:
            assert (await conn.send(Request.build("GET", path))).ok
        assert conn.events.count(SESSION_COOKIE_MISSING) == 0
    assert demo.qseow.session_count("custom") == 1


async def test_a_pinned_name_the_proxy_never_sets_is_said(demo: Demo) -> None:
    pinned = variant(demo, "demo-qseow-cookie", session_cookie="X-Qlik-Session-custom")
    async with open_connection(pinned) as conn:
        for path in PATHS:
            assert (await conn.send(Request.build("GET", path))).ok
        missing = [e.detail for e in conn.events.history if e.kind == SESSION_COOKIE_MISSING]
        # Without its session cookie every request carries a JWT: that is what the warning is for.
        assert conn.session_cookie() is None  # type: ignore[attr-defined]
    assert len(missing) == 1 and "QlikSessionCustom-HTTP" in missing[0]


async def test_a_cookie_set_before_signing_in_is_not_the_session(demo: Demo) -> None:
    # A load balancer's cookie on an unauthenticated answer must not pass for the session.
    async with open_connection(profile(demo, "demo-qseow-cookie")) as conn:
        conn.client.cookies.set("AWSALB", "sticky", domain="127.0.0.1")
        for path in PATHS:
            assert (await conn.send(Request.build("GET", path))).ok
        assert conn.session_names == {"QlikSessionCustom-HTTP"}  # type: ignore[attr-defined]
    assert demo.qseow.session_count("custom") == 1


@pytest.mark.parametrize(("name", "prefix"), [("demo-qseow-header", "hdr"), ("demo-qseow-cookie", "custom")])
async def test_concurrent_first_requests_share_one_sign_in(demo: Demo, name: str, prefix: str) -> None:
    async with open_connection(profile(demo, name)) as conn:
        responses = await asyncio.gather(*(conn.send(Request.build("GET", p)) for p in PATHS * 3))
        assert all(r.ok for r in responses), [r.error for r in responses if not r.ok]
        assert conn.events.count(SESSION_STARTED) == 1
    assert demo.qseow.session_count(prefix) == 1
