"""The Engine's WebSocket upgrade over real loopback sockets: every rule of the front doors,
each tested by breaking it alone (with the unbroken target as the control)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from qlik_tui.core.engine.errors import HIJACKING_HINT
from qlik_tui.core.engine.session import EngineSession, open_socket
from qlik_tui.core.engine.target import EngineTarget, engine_target
from qlik_tui.core.errors import RequestFailed
from qlik_tui.core.events import ENGINE_CONNECTED, ENGINE_NOTIFICATION
from qlik_tui.core.http.cloud import CloudConnection
from qlik_tui.core.http.connection import Connection
from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.qseow import QseowConnection
from qlik_tui.demo.environment import Demo
from tests.sim.conftest import profile


def qseow_app(demo: Demo) -> str:
    return str(demo.qseow.store.objects["app"][0]["id"])


def cloud_app(demo: Demo) -> str:
    return next(iter(demo.cloud.store.apps))


@pytest.fixture
async def qseow(tls_demo: Demo) -> AsyncIterator[QseowConnection]:
    connection = open_connection(profile(tls_demo, "demo-qseow"))
    assert isinstance(connection, QseowConnection)
    yield connection
    await connection.aclose()


@pytest.fixture
async def cloud(tls_demo: Demo) -> AsyncIterator[CloudConnection]:
    connection = open_connection(profile(tls_demo, "demo-cloud"))
    assert isinstance(connection, CloudConnection)
    yield connection
    await connection.aclose()


async def refused(connection: Connection, target: EngineTarget) -> RequestFailed:
    with pytest.raises(RequestFailed) as caught:
        ws = await open_socket(connection, target)
        await ws.close()
    return caught.value


async def accepted(connection: Connection, target: EngineTarget) -> str:
    """The first message the Engine sends on an accepted socket."""
    ws = await open_socket(connection, target)
    try:
        return str(await ws.recv())
    finally:
        await ws.close()


async def test_qseow_jwt_target_follows_the_rules(tls_demo: Demo, qseow: QseowConnection) -> None:
    target = await engine_target(qseow, qseow_app(tls_demo))
    assert target.url.startswith("wss://127.0.0.1:") and f"/jwt/app/{qseow_app(tls_demo)}?qlik-csrf-token=" in target.url
    assert "Authorization" not in target.headers and "X-Qlik-Session-jwt=" in target.headers["Cookie"]
    assert target.origin == qseow.profile.url
    assert "OnAuthenticationInformation" in await accepted(qseow, target)


async def test_qseow_bearer_on_the_upgrade_gets_403_with_the_hijacking_hint(tls_demo: Demo, qseow: QseowConnection) -> None:
    target = await engine_target(qseow, qseow_app(tls_demo))
    token = (await qseow.token()).token  # a valid JWT: the proxy refuses it on the upgrade all the same
    error = await refused(qseow, dataclasses.replace(target, headers={**target.headers, "Authorization": f"Bearer {token}"}))
    assert error.status == 403 and error.hint == HIJACKING_HINT
    assert "cross-site WebSocket hijacking" in error.hint and "Authorization" in error.hint


async def test_qseow_missing_or_wrong_csrf_token_is_refused(tls_demo: Demo, qseow: QseowConnection) -> None:
    target = await engine_target(qseow, qseow_app(tls_demo))
    bare = target.url.split("?", 1)[0]
    assert (await refused(qseow, dataclasses.replace(target, url=bare))).status == 403
    assert (await refused(qseow, dataclasses.replace(target, url=bare + "?qlik-csrf-token=forged"))).status == 403


async def test_qseow_foreign_or_missing_origin_is_refused(tls_demo: Demo, qseow: QseowConnection) -> None:
    target = await engine_target(qseow, qseow_app(tls_demo))
    assert (await refused(qseow, dataclasses.replace(target, origin="https://evil.example"))).status == 403
    assert (await refused(qseow, dataclasses.replace(target, origin=None))).status == 403


async def test_qseow_upgrade_without_the_session_cookie_is_refused(tls_demo: Demo, qseow: QseowConnection) -> None:
    target = await engine_target(qseow, qseow_app(tls_demo))
    error = await refused(qseow, dataclasses.replace(target, headers={}))
    assert error.status == 401 and "sign in again" in error.hint


async def test_qseow_before_november_2024_goes_on_without_csrf(tls_demo: Demo, qseow: QseowConnection) -> None:
    tls_demo.qseow.config.websocket_csrf = False  # /qps/csrftoken answers 404, as on older servers
    async with await EngineSession.open(qseow, qseow_app(tls_demo)) as engine:
        assert await engine.open_doc() == 1
    target = await engine_target(qseow, qseow_app(tls_demo))
    assert "qlik-csrf-token" not in target.url


async def test_qseow_session_lost_before_the_upgrade_signs_in_again(tls_demo: Demo, qseow: QseowConnection) -> None:
    target = await engine_target(qseow, qseow_app(tls_demo))
    assert target.headers["Cookie"]
    tls_demo.qseow.drop_sessions()  # the proxy restarted: the cookie the client holds is dead
    async with await EngineSession.open(qseow, qseow_app(tls_demo)) as engine:
        assert engine.session_state == "SESSION_CREATED"
    assert tls_demo.qseow.stats.jwt_logins == 2


async def test_cloud_jwt_uses_cookies_and_csrf(tls_demo: Demo, cloud: CloudConnection) -> None:
    target = await engine_target(cloud, cloud_app(tls_demo))
    assert f"/app/{cloud_app(tls_demo)}?qlik-csrf-token=" in target.url and "eas.sid=" in target.headers["Cookie"]
    assert "Authorization" not in target.headers
    assert "OnAuthenticationInformation" in await accepted(cloud, target)


async def test_cloud_rules_each_refused_alone(tls_demo: Demo, cloud: CloudConnection) -> None:
    target = await engine_target(cloud, cloud_app(tls_demo))
    bare = target.url.split("?", 1)[0]
    assert (await refused(cloud, dataclasses.replace(target, url=bare))).status == 403  # no csrf
    assert (await refused(cloud, dataclasses.replace(target, headers={}))).status == 401  # no cookies
    assert (await refused(cloud, dataclasses.replace(target, origin="https://evil.example"))).status == 403
    # A Bearer the tenant does not know is refused (API keys and OAuth come with issue #10).
    assert (await refused(cloud, dataclasses.replace(target, url=bare, headers={"Authorization": "Bearer nope"}))).status == 401


async def test_a_profile_and_connection_that_do_not_match_say_so(tls_demo: Demo, cloud: CloudConnection) -> None:
    object.__setattr__(cloud.profile, "auth", "oauth")  # an OAuth profile on a JWT connection: no rule fits
    with pytest.raises(RequestFailed, match="auth = 'oauth'") as caught:
        await engine_target(cloud, cloud_app(tls_demo))
    assert "api_key and oauth" in caught.value.hint


async def test_notifications_become_connection_events(tls_demo: Demo, qseow: QseowConnection) -> None:
    async with await EngineSession.open(qseow, qseow_app(tls_demo)) as engine:
        assert [n.method for n in engine.notifications] == ["OnAuthenticationInformation", "OnConnected"]
        assert engine.notifications[0].params["userId"] == "alice"
    described = [e.detail for e in qseow.events.history if e.kind == ENGINE_NOTIFICATION]
    assert described[1] == "OnConnected qSessionState=SESSION_CREATED"
    assert qseow.events.count(ENGINE_CONNECTED) == 1
    assert all("qlik-csrf-token" not in e.detail for e in qseow.events.history)  # the token is never in an event


async def test_a_redirect_on_the_upgrade_is_not_followed_and_says_login_page(tls_demo: Demo, qseow: QseowConnection) -> None:
    target = await engine_target(qseow, qseow_app(tls_demo))
    # Another prefix: the root proxy answers with a 302 to its forms login, cookies would follow it.
    error = await refused(qseow, dataclasses.replace(target, url=target.url.replace("/jwt/app/", "/other/app/")))
    assert error.status == 302 and "login page" in error.hint
