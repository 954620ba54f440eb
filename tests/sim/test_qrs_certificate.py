"""QRS on its certificate port: QMC's client certificate over real loopback TLS, and each refusal."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import tomli_w
import trustme

from qlik_tui.core.errors import KeyFileError, RequestFailed
from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.qrs_certificate import CertificateConnection
from qlik_tui.core.http.types import Request
from qlik_tui.core.profiles.loader import load_profiles, parse_toml_text
from qlik_tui.demo.environment import Demo
from qlik_tui.demo.http_server import RunningServer
from qlik_tui.demo.qmc_certs import MACHINE_NAME, export_certificates
from qlik_tui.demo.qrs_port_sim import BAD_USER_TEXT, QrsPortSimulator, parse_qlik_user, qrs_port_context
from tests.cli_helpers import assert_clean_failure, run_cli
from tests.sim.conftest import profile, variant

COUNT = Request.build("GET", "/qrs/app/count")


async def test_certificate_profile_reads_the_site(demo: Demo) -> None:
    async with open_connection(profile(demo, "demo-qseow-cert")) as conn:
        assert isinstance(conn, CertificateConnection)
        before = conn.credential_info()  # the token panel shows it before anything is sent
        assert before is not None and before.label == "client certificate CN=QlikClient"
        for _ in range(3):
            response = await conn.send(COUNT)
            assert response.ok, response.error
            assert response.json() == {"value": 60}
            assert not response.header("set-cookie")  # no session on this port
        info = conn.credential_info()
    assert info is not None and info.kind == "certificate"
    assert info.label == "client certificate CN=QlikClient" and info.expires_at is not None
    assert "X-Qlik-User: UserDirectory=DEMO; UserId=alice" in info.details
    assert demo.qrs_port is not None
    keys = demo.qrs_port.stats.xrfkeys
    assert len(keys) == 3 and len(set(keys)) == 3


def test_qlik_user_header_parsing_is_strict() -> None:
    assert parse_qlik_user("UserDirectory=CORP; UserId=jdoe") == ("CORP", "jdoe")
    assert parse_qlik_user("userid = jdoe ;userdirectory= CORP;") == ("CORP", "jdoe")
    for bad in (None, "", "CORP\\jdoe", "UserDirectory=CORP", "UserDirectory=CORP; UserId=", "UserId=a; UserId=b"):
        assert parse_qlik_user(bad) is None, bad


async def test_simulator_answers_400_to_a_malformed_user_and_refuses_no_certificate(demo: Demo) -> None:
    assert demo.qrs_port_server is not None
    qmc = demo.profiles_path.parent / "qmc"
    context = ssl.create_default_context(cafile=str(qmc / "root.pem"))
    context.load_cert_chain(qmc / "client.pem", qmc / "client_key.pem")
    url = f"{demo.qrs_port_server.url}/qrs/about?xrfkey=abcdefghijklmnop"
    headers = {"X-Qlik-Xrfkey": "abcdefghijklmnop", "X-Qlik-User": "CORP\\jdoe"}
    async with httpx.AsyncClient(verify=context) as client:
        answer = await client.get(url, headers=headers)
    assert answer.status_code == 400 and answer.text == BAD_USER_TEXT
    good = {"X-Qlik-User": "UserDirectory=DEMO; UserId=alice"}
    async with httpx.AsyncClient(verify=context) as client:
        unequal = await client.get(url, headers={**good, "X-Qlik-Xrfkey": "ABCDEFGHIJKLMNOP"})
        allowed = await client.get(url, headers={**good, "X-Qlik-Xrfkey": "abcdefghijklmnop"})
    assert unequal.status_code == 403 and "XSRF prevention check failed" in unequal.text
    assert allowed.status_code == 200
    # Without a certificate the server ends the handshake with an alert (read, not raced by a write).
    bare = ssl.create_default_context(cafile=str(qmc / "root.pem"))
    with socket.create_connection(("127.0.0.1", demo.qrs_port_server.port), timeout=5) as raw:
        with bare.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            with pytest.raises(ssl.SSLError, match="CERTIFICATE_REQUIRED"):
                tls.recv(1)


async def test_a_user_without_directory_is_refused_before_sending(demo: Demo) -> None:
    # X-Qlik-User needs a directory: the profile is refused when the file is read, so nothing is sent
    assert demo.qrs_port is not None
    before = demo.qrs_port.stats.requests
    doc = parse_toml_text(demo.profiles_path.read_text())
    doc["profiles"]["demo-qseow-cert"]["user"] = "alice"
    path = demo.profiles_path.with_name("no-directory.toml")
    path.write_text(tomli_w.dumps(doc))
    loaded = load_profiles(path)
    problems = " ".join(loaded.broken["demo-qseow-cert"])
    assert "X-Qlik-User" in problems and "DIRECTORY" in problems
    assert demo.qrs_port.stats.requests == before


async def test_an_unknown_user_gets_a_hint_naming_the_user(demo: Demo) -> None:
    async with open_connection(variant(demo, "demo-qseow-cert", user="CORP\\nobody")) as conn:
        response = await conn.send(COUNT)
    assert response.status == 403 and response.error is not None
    assert "CORP\\nobody" in response.error.message and "unknown to the site" in response.error.hint


async def test_a_jwt_profile_on_the_certificate_port_is_told_why(demo: Demo) -> None:
    assert demo.qrs_port_server is not None
    root = demo.profiles_path.parent / "qmc" / "root.pem"
    wrong = variant(demo, "demo-qseow", url=demo.qrs_port_server.url, ca_bundle=str(root))
    async with open_connection(wrong) as conn:
        with pytest.raises(RequestFailed) as caught:
            await conn.send(COUNT)
    assert "wants a client certificate" in caught.value.message
    assert 'auth = "certificate"' in caught.value.hint


async def test_a_client_certificate_from_another_ca_is_refused_with_a_hint(demo: Demo, tmp_path: Path) -> None:
    leaf = trustme.CA().issue_cert("QlikClient")
    leaf.cert_chain_pems[0].write_to_path(str(tmp_path / "client.pem"))
    leaf.private_key_pem.write_to_path(str(tmp_path / "client_key.pem"))
    foreign = variant(
        demo, "demo-qseow-cert", client_cert=str(tmp_path / "client.pem"), client_key=str(tmp_path / "client_key.pem")
    )
    async with open_connection(foreign) as conn:
        with pytest.raises(RequestFailed) as caught:
            await conn.send(COUNT)
    assert "refused the TLS handshake with this client certificate" in caught.value.message
    assert "root.pem" in caught.value.hint


@pytest.fixture
def machine_named_port(demo: Demo, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A QRS port whose server certificate names only the machine, as QMC's do."""
    certs = export_certificates(tmp_path / "machine", server_names=(MACHINE_NAME,))
    assert demo.qrs_port is not None
    site = QrsPortSimulator(demo.qrs_port.routes)
    with RunningServer(site, tls=qrs_port_context(certs.server, certs.server_key, certs.root)) as server:
        yield server.url, tmp_path / "machine"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_a_certificate_naming_the_machine_gets_the_fix(demo: Demo, machine_named_port: tuple[str, Path], host: str) -> None:
    url, folder = machine_named_port
    changed = variant(
        demo,
        "demo-qseow-cert",
        url=url.replace("127.0.0.1", host),
        ca_bundle=str(folder / "root.pem"),
        client_cert=str(folder / "client.pem"),
        client_key=str(folder / "client_key.pem"),
    )
    async with open_connection(changed) as conn:
        with pytest.raises(RequestFailed) as caught:
            await conn.send(COUNT)
    assert f"names {MACHINE_NAME}, not {host}" in caught.value.message
    assert f"https://{MACHINE_NAME}:{url.rsplit(':', 1)[1]}" in caught.value.hint and "/etc/hosts" in caught.value.hint


async def test_a_key_of_another_certificate_is_named(demo: Demo) -> None:
    qmc = demo.profiles_path.parent / "qmc"
    mixed = variant(demo, "demo-qseow-cert", client_key=str(qmc / "server_key.pem"))
    async with open_connection(mixed) as conn:
        with pytest.raises(KeyFileError, match="does not belong to the certificate"):
            await conn.send(COUNT)


async def test_an_encrypted_key_opens_with_its_passphrase(demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    certs = export_certificates(tmp_path / "locked", server_names=(MACHINE_NAME, "127.0.0.1"), key_passphrase="s3cret-pass")
    assert b"ENCRYPTED" in certs.client_key.read_bytes()
    assert demo.qrs_port is not None
    site = QrsPortSimulator(demo.qrs_port.routes)
    with RunningServer(site, tls=qrs_port_context(certs.server, certs.server_key, certs.root)) as server:
        files = {"ca_bundle": str(certs.root), "client_cert": str(certs.client), "client_key": str(certs.client_key)}
        monkeypatch.setenv("P10_KEY_PASS", "s3cret-pass")
        locked = variant(demo, "demo-qseow-cert", url=server.url, key_passphrase_env="P10_KEY_PASS", **files)
        async with open_connection(locked) as conn:
            response = await conn.send(COUNT)
        assert response.ok, response.error
        monkeypatch.setenv("P10_KEY_PASS", "wrong")
        async with open_connection(locked) as conn:
            with pytest.raises(KeyFileError, match="wrong passphrase"):
                await conn.send(COUNT)
        async with open_connection(variant(demo, "demo-qseow-cert", url=server.url, **files)) as conn:
            with pytest.raises(KeyFileError, match="encrypted and no passphrase"):
                await conn.send(COUNT)


def test_cli_call_with_the_certificate_profile(demo: Demo) -> None:
    proc = run_cli("call", "--profiles", str(demo.profiles_path), "-p", "demo-qseow-cert", "GET", "/qrs/app/count")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().replace(" ", "").replace("\n", "") == '{"value":60}'


def test_cli_call_on_the_certificate_port_without_one_fails_cleanly(demo: Demo) -> None:
    assert demo.qrs_port_server is not None
    root = demo.profiles_path.parent / "qmc" / "root.pem"
    wrong = variant(demo, "demo-qseow", url=demo.qrs_port_server.url, ca_bundle=str(root))
    path = demo.profiles_path.with_name(f"variant-{wrong.name}.toml")
    proc = run_cli("call", "--profiles", str(path), "-p", "demo-qseow", "GET", "/qrs/about")
    assert_clean_failure(proc)
    assert "wants a client certificate" in proc.stderr and "hint:" in proc.stderr


async def test_an_expired_client_certificate_is_said_before_sending(demo: Demo, tmp_path: Path) -> None:
    old = export_certificates(tmp_path / "old", client_days=0)  # expires as it is made
    expired = variant(demo, "demo-qseow-cert", client_cert=str(old.client), client_key=str(old.client_key))
    async with open_connection(expired) as conn:
        assert conn.credential_info() is None  # nothing usable to show; the request says why
        with pytest.raises(KeyFileError, match="client certificate expired on") as caught:
            await conn.send(COUNT)
    assert "QMC" in caught.value.hint


def test_profiles_check_reads_the_certificate_and_online_calls_qrs(demo: Demo) -> None:
    proc = run_cli("profiles", "check", "demo-qseow-cert", "--online", "--profiles", str(demo.profiles_path))
    assert proc.returncode == 0, proc.stderr
    assert (
        "client.pem: CN=QlikClient, matches the key" in proc.stdout
        and "root.pem: 1 certificate (CN=qlik-node1-CA)" in proc.stdout
    )
    assert "X-Qlik-User: UserDirectory=DEMO; UserId=alice" in proc.stdout
    assert "sign-in: the server accepts the profile's token (GET /qrs/about: 200)" in proc.stdout
