"""The QSEoW Engine port with client certificates: the demo's certificate profile (QMC's
export) opens apps on the Engine's own port; TLS demands the certificate and the upgrade
names the user in X-Qlik-User (real loopback TLS)."""

from __future__ import annotations

import ssl

import pytest

from qlik_tui.core.engine.session import EngineSession, open_socket
from qlik_tui.core.engine.target import EngineTarget, certificate_target
from qlik_tui.core.errors import RequestFailed
from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.qrs_certificate import CertificateConnection
from qlik_tui.demo.engine_apps import generate_rows
from qlik_tui.demo.environment import Demo
from tests.sim.conftest import profile


def _an_app(demo: Demo) -> str:
    return str(demo.qseow.store.objects["app"][0]["id"])


async def test_the_certificate_profile_opens_an_app_on_the_engine_port(tls_demo: Demo) -> None:
    app_id = _an_app(tls_demo)
    assert tls_demo.engine_port_server is not None
    async with open_connection(profile(tls_demo, "demo-qseow-cert")) as connection:
        assert isinstance(connection, CertificateConnection)
        target = certificate_target(connection, app_id)
        assert target.url == f"wss://127.0.0.1:{tls_demo.engine_port_server.port}/app/{app_id}"
        assert target.headers == {"X-Qlik-User": "UserDirectory=DEMO; UserId=alice"}
        async with await EngineSession.open(connection, app_id) as engine:
            assert engine.notifications and engine.notifications[0].params["userDirectory"] == "DEMO"
            doc = await engine.open_doc()
            value = await engine.call(doc, "EvaluateEx", ["Count(OrderID)"])
            assert value["qValue"]["qNumber"] == len(generate_rows(app_id))


async def test_without_a_client_certificate_the_handshake_fails_with_a_hint(tls_demo: Demo) -> None:
    assert tls_demo.engine_port_server is not None
    app_id = _an_app(tls_demo)
    async with open_connection(profile(tls_demo, "demo-qseow-cert")) as connection:
        bare = EngineTarget(
            url=f"wss://127.0.0.1:{tls_demo.engine_port_server.port}/app/{app_id}",
            headers={"X-Qlik-User": "UserDirectory=DEMO; UserId=alice"},
            ssl=ssl.create_default_context(cafile=str(tls_demo.profiles_path.parent / "qmc" / "root.pem")),
        )
        with pytest.raises(RequestFailed) as caught:
            await open_socket(connection, bare)
        assert "wants a client certificate" in caught.value.message and "client_key.pem" in caught.value.hint


async def test_an_upgrade_without_x_qlik_user_is_refused(tls_demo: Demo) -> None:
    app_id = _an_app(tls_demo)
    async with open_connection(profile(tls_demo, "demo-qseow-cert")) as connection:
        assert isinstance(connection, CertificateConnection)
        target = certificate_target(connection, app_id)
        target.headers = {}
        with pytest.raises(RequestFailed) as caught:
            await open_socket(connection, target)
        assert caught.value.status == 403
