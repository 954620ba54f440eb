"""`profiles check --online` against the simulators: every setting compared end to end."""

from __future__ import annotations

import datetime as dt
import re
import ssl
from pathlib import Path

import pytest
import tomli_w
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from qlik_tui.core.auth.keys import GeneratedKeys
from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.profile_probe import ProbeReport, certificate_check, probe, tls_checks
from qlik_tui.core.http.profile_settings import DIFFERS, NO_ACCESS, OK, WARNING
from qlik_tui.core.profiles.loader import parse_toml_text
from qlik_tui.core.profiles.model import Profile
from qlik_tui.demo.environment import Demo
from qlik_tui.demo.http_server import RunningServer, SimResponse
from tests.cli_helpers import run_cli

from .conftest import profile, variant


async def run_probe(prof: Profile) -> ProbeReport:
    async with open_connection(prof) as connection:
        return await probe(connection)


def status(report: ProbeReport, setting: str) -> str:
    return next(c.status for c in report.checks if c.setting == setting)


def detail(report: ProbeReport, setting: str) -> str:
    return " | ".join(c.detail for c in report.checks if c.setting == setting)


def test_demo_profiles_match_their_servers_over_tls(tls_demo: Demo) -> None:
    for name in ("demo-qseow", "demo-cloud"):
        proc = run_cli("profiles", "check", name, "--online", "--profiles", str(tls_demo.profiles_path))
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "DIFFERS" not in proc.stdout and proc.stdout.strip().endswith("ok: nothing differs")
        assert "ok         TLS certificate: valid until" in proc.stdout
        assert "ok         certificate:" in proc.stdout and "ok         clock:" in proc.stdout
    qseow = run_cli("profiles", "check", "--online", "--profiles", str(tls_demo.profiles_path)).stdout
    for setting in ("authentication", "user id claim", "user directory claim", "audience", "session cookie", "host allow list"):
        assert f"ok         {setting}:" in qseow


async def test_a_different_key_is_a_refused_sign_in(demo: Demo, other_keys: GeneratedKeys) -> None:
    for name in ("demo-qseow", "demo-cloud"):
        report = await run_probe(variant(demo, name, key=str(other_keys.key_path), drop=("cert",)))
        assert not report.matches and status(report, "sign-in") == DIFFERS
        assert "certificate" in detail(report, "sign-in")  # the hint names where to look


async def test_audience_the_proxy_does_not_check_differs(demo: Demo) -> None:
    report = await run_probe(variant(demo, "demo-qseow", audience="qlik.example"))
    assert status(report, "sign-in") == OK and not report.matches
    assert status(report, "audience") == DIFFERS
    assert 'sends aud "qlik.example" but the virtual proxy "jwt" checks none' in detail(report, "audience")
    demo.qseow.config.audience = "qlik.example"
    assert status(await run_probe(variant(demo, "demo-qseow", audience="qlik.example")), "audience") == OK


async def test_session_cookie_name_qlik_tui_would_not_keep(demo: Demo) -> None:
    demo.qseow.config.session_cookie_header = "MySession"
    report = await run_probe(profile(demo, "demo-qseow"))
    assert status(report, "session cookie") == DIFFERS and '"MySession"' in detail(report, "session cookie")
    assert "X-Qlik-Session-<prefix> in the QMC" in detail(report, "session cookie")


async def test_stale_cert_and_unmapped_claims(demo: Demo, other_keys: GeneratedKeys) -> None:
    claims = {"userDirectory": "DEMO", "userId": "alice", "name": "Alice", "department": "Sales"}
    report = await run_probe(variant(demo, "demo-qseow", claims=claims, cert=str(other_keys.cert_path)))
    assert status(report, "sign-in") == OK
    assert status(report, "certificate") == OK  # the key is the proxy's...
    assert status(report, "cert") == DIFFERS  # ...but the profile's `cert` is another one
    assert '"department"' in detail(report, "attribute map") and status(report, "attribute map") == DIFFERS
    proc = run_cli("profiles", "check", "--online", "--profiles", str(demo.profiles_path.with_name("variant-demo-qseow.toml")))
    assert proc.returncode != 0  # the offline part already refuses a cert that is not the key's


async def test_cli_exits_1_on_a_difference(demo: Demo) -> None:
    doc = parse_toml_text(demo.profiles_path.read_text())
    doc["profiles"]["demo-qseow"]["audience"] = "elsewhere"
    path = demo.profiles_path.with_name("aud.toml")
    path.write_text(tomli_w.dumps(doc))
    proc = run_cli("profiles", "check", "demo-qseow", "--online", "--profiles", str(path))
    assert proc.returncode == 1 and "DIFFERS    audience:" in proc.stdout
    assert proc.stdout.strip().endswith("1 setting(s) differ") and "Traceback" not in proc.stderr
    every = run_cli("profiles", "check", "--online", "--profiles", str(path))  # no name: every profile, online
    assert every.returncode == 1 and "DIFFERS    audience:" in every.stdout
    assert "settings differ for demo-qseow" in every.stderr and "demo-cloud" not in every.stderr


async def test_403_on_settings_is_reported_and_the_rest_checked(demo: Demo) -> None:
    demo.qseow.faults.deny_settings = 1
    demo.cloud.faults.deny_settings = 1
    for name, setting in (("demo-qseow", "virtual proxy settings"), ("demo-cloud", "identity providers")):
        report = await run_probe(profile(demo, name))
        assert status(report, setting) == NO_ACCESS and "(403)" in detail(report, setting)
        assert report.matches and status(report, "sign-in") == OK and status(report, "clock") == OK
    proc = run_cli("profiles", "check", "demo-cloud", "--online", "--profiles", str(demo.profiles_path))
    assert proc.returncode == 0 and "no access  identity providers" in proc.stdout


async def test_server_clock_behind_breaks_cloud_tokens(demo: Demo) -> None:
    demo.cloud.faults.clock_offset = -120
    demo.qseow.faults.clock_offset = -120
    cloud = await run_probe(profile(demo, "demo-cloud"))
    # The tenant refuses the token (nbf in its future), and the clock line still says why.
    assert status(cloud, "sign-in") == DIFFERS and "not yet valid" in detail(cloud, "sign-in")
    assert status(cloud, "clock") == DIFFERS and re.search(r"12[01] s behind", detail(cloud, "clock"))
    assert "clock_skew = " in detail(cloud, "clock")
    qseow = await run_probe(profile(demo, "demo-qseow"))  # QSEoW checks no iat/nbf: only a warning
    assert status(qseow, "clock") == WARNING and qseow.matches


async def test_a_clock_too_far_off_for_clock_skew_says_fix_the_clock(demo: Demo) -> None:
    demo.cloud.faults.clock_offset = -600
    cloud = await run_probe(profile(demo, "demo-cloud"))
    assert status(cloud, "sign-in") == DIFFERS and status(cloud, "clock") == DIFFERS
    assert re.search(r"60[01] s behind", detail(cloud, "clock")) and "clock_skew cannot cover" in detail(cloud, "clock")
    assert "clock_skew = " not in detail(cloud, "clock")  # the profile takes 0-300 s: never suggest more
    proc = run_cli("profiles", "check", "demo-cloud", "--online", "--profiles", str(demo.profiles_path))
    assert proc.returncode == 1 and "DIFFERS    clock: the server's clock is" in proc.stdout


async def test_a_server_clock_ahead_expires_tokens_on_arrival(demo: Demo) -> None:
    demo.qseow.faults.clock_offset = demo.cloud.faults.clock_offset = 3600
    for name in ("demo-qseow", "demo-cloud"):
        report = await run_probe(profile(demo, name))
        assert status(report, "sign-in") == DIFFERS and "expired" in detail(report, "sign-in")
        assert status(report, "clock") == DIFFERS and "expired on arrival" in detail(report, "clock")


def _cert_until(days: float, folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=300))
        .not_valid_after(now + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.mark.parametrize(("days", "expected", "words"), [(10.5, WARNING, "expires in 10 days"), (-3.5, DIFFERS, "expired")])
async def test_tls_certificate_days_left(tmp_path: Path, days: float, expected: str, words: str) -> None:
    cert_path, key_path = _cert_until(days, tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    with RunningServer(lambda req: SimResponse(204), tls=context) as server:
        (check,) = await tls_checks(server.url)
    assert check.status == expected and words in check.detail


def test_certificate_check_thresholds() -> None:
    not_after = dt.datetime(2027, 1, 31, tzinfo=dt.timezone.utc)
    assert certificate_check(not_after, not_after.timestamp() - 40 * 86400).status == OK
    assert certificate_check(not_after, not_after.timestamp() - 29 * 86400).status == WARNING
    assert certificate_check(not_after, not_after.timestamp() + 86400).status == DIFFERS


def test_hostile_server_values_reach_the_terminal_visible(tmp_path: Path, keys: GeneratedKeys) -> None:
    """A 'proxy' that answers every read but fills its settings and headers with escapes."""
    evil = "\x1b]52;c;cm0gLXJmIH4=\x07\x9b2J"

    def site(req):  # type: ignore[no-untyped-def]
        if req.path == "/jwt/qrs/about":
            return SimResponse.json(200, {"buildVersion": evil}, [("Date", "Tue, 99 Foo 2026 " + evil)])
        if req.path == "/jwt/qrs/virtualproxyconfig/full":
            proxy = {"authenticationMethod": 4, "jwtAttributeUserId": evil, "jwtAttributeUserDirectory": "userDirectory"}
            proxy.update(jwtAudience=evil, sessionCookieHeaderName=evil, websocketCrossOriginWhiteList=[evil])
            return SimResponse.json(200, [proxy])
        return SimResponse(404)

    with RunningServer(site) as server:
        table = {"type": "qseow", "url": server.url, "virtual_proxy": "jwt", "key": str(keys.key_path)}
        table["claims"] = {"userId": "joe", "userDirectory": "LAB"}
        path = tmp_path / "profiles.toml"
        path.write_text(tomli_w.dumps({"profiles": {"evil": table}}))
        proc = run_cli("profiles", "check", "--online", "--profiles", str(path))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "warning    clock: the server sent no usable Date header" in proc.stdout
    assert "DIFFERS    user id claim:" in proc.stdout and "DIFFERS    session cookie:" in proc.stdout
    for raw in ("\x1b", "\x07", "\x9b"):
        assert raw not in proc.stdout


async def test_no_server_is_a_failed_comparison_not_a_difference(demo: Demo) -> None:
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    report = await run_probe(variant(demo, "demo-cloud", url=f"http://127.0.0.1:{port}"))
    assert not report.matches and status(report, "sign-in") == "failed"
    assert "connection refused" in detail(report, "sign-in")


async def test_a_claim_named_unlike_the_proxy_attribute_is_named_alone(demo: Demo) -> None:
    # `UserId` where the proxy reads `userId`: the refusal names that claim, not the directory too.
    report = await run_probe(variant(demo, "demo-qseow", claims={"UserId": "alice", "userDirectory": "DEMO"}))
    assert status(report, "sign-in") == DIFFERS
    assert "lacks the claim 'userId':" in detail(report, "sign-in") and "userDirectory'" not in detail(report, "sign-in")
