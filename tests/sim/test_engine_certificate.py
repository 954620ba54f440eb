"""The QSEoW Engine port with client certificates: TLS demands the certificate, the upgrade
names the user in X-Qlik-User (real loopback TLS with a trustme CA)."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from qlik_tui.core.engine.session import EngineSession, open_socket
from qlik_tui.core.engine.target import EngineTarget, certificate_target, ssl_context, x_qlik_user
from qlik_tui.core.errors import RequestFailed
from qlik_tui.core.http.connections import open_connection
from qlik_tui.demo.engine_apps import generate_rows
from qlik_tui.demo.engine_port import EnginePort
from qlik_tui.demo.environment import Demo
from qlik_tui.demo.http_server import RunningServer
from tests.sim.conftest import profile

APP = ("5d7a2c4e-0000-4000-8000-00000000beef", "Cert App")


@pytest.fixture
def engine_port(tmp_path: Path, trust: trustme.CA) -> Iterator[tuple[RunningServer, EnginePort]]:
    """An Engine port over TLS that requires client certificates signed by the trustme CA."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    trust.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    trust.configure_trust(context)
    context.verify_mode = ssl.CERT_REQUIRED
    site = EnginePort(docs=lambda: [APP])
    server = RunningServer(site, tls=context)
    yield server, site
    site.engine.close_all()
    server.stop()


@pytest.fixture
def client_pem(tmp_path: Path, trust: trustme.CA) -> Path:
    path = tmp_path / "client.pem"
    trust.issue_cert("qlik-client").private_key_and_cert_chain_pem.write_to_path(str(path))
    return path


async def test_client_certificate_and_x_qlik_user_open_the_app(
    tls_demo: Demo, engine_port: tuple[RunningServer, EnginePort], client_pem: Path
) -> None:
    server, _ = engine_port
    async with open_connection(profile(tls_demo, "demo-qseow")) as connection:
        target = certificate_target(connection, APP[0], client_pem, client_pem, "LAB\\svc_qlik", server.port)
        assert target.url == f"wss://127.0.0.1:{server.port}/app/{APP[0]}"
        assert target.headers == {"X-Qlik-User": "UserDirectory=LAB; UserId=svc_qlik"}
        engine = EngineSession(connection, APP[0], await open_socket(connection, target))
        try:
            await engine._wait_connected()
            assert engine.notifications[0].params["userDirectory"] == "LAB"
            doc = await engine.open_doc()
            value = await engine.call(doc, "EvaluateEx", ["Count(OrderID)"])
            assert value["qValue"]["qNumber"] == len(generate_rows(APP[0]))
        finally:
            await engine.close()


async def test_the_certificate_branch_of_engine_target_once_profiles_carry_its_fields(
    tls_demo: Demo, engine_port: tuple[RunningServer, EnginePort], client_pem: Path
) -> None:
    server, _ = engine_port
    async with open_connection(profile(tls_demo, "demo-qseow")) as connection:
        # The fields issue #10 adds; set here to prove the dispatch works end to end.
        for name, value in (("auth", "certificate"), ("client_cert", str(client_pem)), ("client_key", str(client_pem))):
            object.__setattr__(connection.profile, name, value)
        object.__setattr__(connection.profile, "user", "LAB\\svc_qlik")
        object.__setattr__(connection.profile, "engine_port", server.port)
        async with await EngineSession.open(connection, APP[0]) as engine:
            assert await engine.open_doc(no_data=True) == 1


async def test_without_a_client_certificate_the_handshake_fails_with_a_hint(
    tls_demo: Demo, engine_port: tuple[RunningServer, EnginePort]
) -> None:
    server, _ = engine_port
    async with open_connection(profile(tls_demo, "demo-qseow")) as connection:
        bare = EngineTarget(
            url=f"wss://127.0.0.1:{server.port}/app/{APP[0]}",
            headers={"X-Qlik-User": "UserDirectory=LAB; UserId=svc_qlik"},
            ssl=ssl_context(connection),
        )
        with pytest.raises(RequestFailed) as caught:
            await open_socket(connection, bare)
        assert "wants a client certificate" in caught.value.message and "client_key.pem" in caught.value.hint


async def test_an_upgrade_without_x_qlik_user_is_refused(
    tls_demo: Demo, engine_port: tuple[RunningServer, EnginePort], client_pem: Path
) -> None:
    server, site = engine_port
    async with open_connection(profile(tls_demo, "demo-qseow")) as connection:
        target = certificate_target(connection, APP[0], client_pem, client_pem, "LAB\\svc_qlik", server.port)
        target.headers = {}
        with pytest.raises(RequestFailed) as caught:
            await open_socket(connection, target)
        assert caught.value.status == 403 and site.refusals == 1


def test_x_qlik_user_forms() -> None:
    assert x_qlik_user("DOM\\alice") == "UserDirectory=DOM; UserId=alice"
    assert x_qlik_user("UserDirectory=DOM; UserId=alice") == "UserDirectory=DOM; UserId=alice"
    with pytest.raises(RequestFailed, match="not DIRECTORY"):
        x_qlik_user("alice")
