"""Which CAs a connection trusts, and that its HTTP requests and Engine socket trust the same ones."""

from __future__ import annotations

import ssl
from pathlib import Path

import certifi
import pytest

from qlik_tui.core.engine.session import open_socket
from qlik_tui.core.engine.target import engine_target
from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.tls import system_context
from qlik_tui.core.http.types import Request
from qlik_tui.demo.engine_apps import generate_rows
from qlik_tui.demo.environment import Demo
from tests.cli_helpers import run_cli
from tests.sim.conftest import profile, variant


def first_app(demo: Demo) -> str:
    return str(demo.qseow.store.objects["app"][0]["id"])


async def test_requests_and_the_engine_socket_share_one_context(tls_demo: Demo) -> None:
    connection = open_connection(profile(tls_demo, "demo-qseow"))
    try:
        assert (await connection.send(Request.build("GET", "/qrs/about"))).ok
        target = await engine_target(connection, first_app(tls_demo))
        assert target.ssl is connection.tls_context()  # the CA bundle read once, for both
        socket = await open_socket(connection, target)
        assert "OnAuthenticationInformation" in str(await socket.recv())
        await socket.close()
    finally:
        await connection.aclose()


async def test_a_plain_http_profile_reads_no_ca_store(demo: Demo) -> None:
    connection = open_connection(profile(demo, "demo-qseow"))
    try:
        assert (await connection.send(Request.build("GET", "/qrs/about"))).ok
        context = connection.tls_context()
        # Nothing to verify over http; and should TLS ever be tried, it verifies against no CA.
        assert context.cert_store_stats()["x509_ca"] == 0 and context.verify_mode == ssl.CERT_REQUIRED
    finally:
        await connection.aclose()


def test_without_ca_bundle_the_system_store_is_trusted_by_requests_and_the_engine(tls_demo: Demo, tmp_path: Path) -> None:
    """A CA an admin added to the system's store (here through OpenSSL's SSL_CERT_FILE) is
    trusted by the sign-in, the requests and the Engine's wss:// upgrade alike."""
    variant(tls_demo, "demo-qseow", drop=("ca_bundle",))
    path = tls_demo.profiles_path.with_name("variant-demo-qseow.toml")
    app = first_app(tls_demo)
    no_store = {"SSL_CERT_FILE": str(tmp_path / "none.pem"), "SSL_CERT_DIR": str(tmp_path / "none")}
    refused = run_cli("call", "--profiles", str(path), "-p", "demo-qseow", "GET", "/qrs/about", env=no_store)
    assert refused.returncode != 0 and "certificate" in refused.stderr and "Traceback" not in refused.stderr

    # The CA the tls_demo fixture wrote: the profile no longer names it, the "system" does.
    store = {"SSL_CERT_FILE": str(tmp_path / "ca.pem"), "SSL_CERT_DIR": str(tmp_path / "none")}
    assert Path(store["SSL_CERT_FILE"]).is_file()
    called = run_cli("call", "--profiles", str(path), "-p", "demo-qseow", "GET", "/qrs/about", env=store)
    assert called.returncode == 0, called.stderr
    evaluated = run_cli("engine", "--profiles", str(path), "-p", "demo-qseow", "eval", app, "Count(OrderID)", env=store)
    assert evaluated.returncode == 0, evaluated.stderr
    assert evaluated.stdout.split() == [str(len(generate_rows(app)))]


def test_an_empty_system_store_falls_back_to_certifi(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "none.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "none"))
    assert ssl.create_default_context().cert_store_stats()["x509_ca"] == 0  # the system offers none now
    certifi_count = ssl.create_default_context(cafile=certifi.where()).cert_store_stats()["x509_ca"]
    assert system_context().cert_store_stats()["x509_ca"] == certifi_count > 0
