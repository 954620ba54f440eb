"""Every failure a user can cause ends in one message and a hint (real sockets, no mocks)."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from qlik_tui.core.auth.keys import GeneratedKeys
from qlik_tui.core.errors import KeyFileError, RequestFailed
from qlik_tui.core.http.connections import open_connection
from qlik_tui.core.http.diagnose import diagnose
from qlik_tui.core.http.types import Request, Response
from qlik_tui.core.profiles.loader import parse_profiles
from qlik_tui.demo.environment import Demo
from qlik_tui.demo.http_server import RunningServer, SimRequest, SimResponse
from tests.sim.conftest import profile, variant

ABOUT = Request.build("GET", "/qrs/about")


async def failure(prof: object, request: Request = ABOUT, **kwargs: object) -> RequestFailed:
    async with open_connection(prof, **kwargs) as conn:  # type: ignore[arg-type]
        with pytest.raises(RequestFailed) as info:
            await conn.send(request)
    return info.value


async def test_tls_untrusted_points_at_ca_bundle(tls_demo: Demo) -> None:
    err = await failure(variant(tls_demo, "demo-qseow", drop=("ca_bundle",)))
    assert "TLS verification failed" in err.message and "ca_bundle" in err.hint


async def test_tls_off_works_and_is_explicit(tls_demo: Demo) -> None:
    prof = variant(tls_demo, "demo-qseow", drop=("ca_bundle",), verify_tls=False)
    assert prof.tls_verification_off
    async with open_connection(prof) as conn:
        assert (await conn.send(ABOUT)).ok


async def test_missing_ca_bundle_file(tls_demo: Demo, tmp_path: Path) -> None:
    err = await failure(variant(tls_demo, "demo-qseow", ca_bundle=str(tmp_path / "nope.pem")))
    assert "ca_bundle not found" in err.message


async def test_https_to_plain_http_port(demo: Demo) -> None:
    url = demo.qseow_server.url.replace("http://", "https://")
    err = await failure(variant(demo, "demo-qseow", url=url))
    assert "does not speak TLS" in err.message and "http://" in err.hint


async def test_connection_refused_names_host_and_port(keys: GeneratedKeys) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    err = await failure(_standalone_profile(f"http://127.0.0.1:{port}", keys.key_path))
    assert f"127.0.0.1:{port}" in err.message and "refused" in err.message and err.hint


async def test_unknown_host_is_dns(keys: GeneratedKeys) -> None:
    err = await failure(_standalone_profile("https://qlik.invalid", keys.key_path))
    assert "host name not found" in err.message and "DNS" in err.message


async def test_timeout_is_named(demo: Demo) -> None:
    demo.qseow.faults.latency = 1.0
    err = await failure(profile(demo, "demo-qseow"), timeout=0.3)
    assert "timed out" in err.message or "no answer" in err.message


def _standalone_profile(url: str, key: Path = Path("unused.pem")) -> object:
    raw = {"type": "qseow", "url": url, "key": str(key), "claims": {"userId": "a", "userDirectory": "B"}}
    return parse_profiles({"profiles": {"p": raw}}, Path("/nonexistent/profiles.toml")).profiles["p"]


async def _serve_once(body: bytes, content_type: str, status: int = 200) -> Response:
    def site(req: SimRequest) -> SimResponse:
        return SimResponse(status, body, [("Content-Type", content_type), ("Set-Cookie", "X-Qlik-Session-x=abc; Path=/")])

    with RunningServer(site) as server:
        async with httpx.AsyncClient() as client:
            raw = await client.get(server.url + "/x")
    return Response("GET", server.url, raw.status_code, raw.reason_phrase, list(raw.headers.multi_items()), raw.content, 0.0)


@pytest.mark.parametrize(
    ("body", "ctype", "status", "expected"),
    [
        (b'{"broken": ', "application/json", 200, "does not parse"),
        (b"<!DOCTYPE html><html>login</html>", "text/html", 200, "HTML page where JSON was expected"),
        (b"XSRF prevention check failed. Possible XSRF discovered.", "text/plain", 403, "XSRF"),
        (b"<html>The http request header is incorrect</html>", "text/html", 400, "header is incorrect"),
    ],
)
async def test_bad_bodies_diagnosed(body: bytes, ctype: str, status: int, expected: str) -> None:
    response = await _serve_once(body, ctype, status)
    err = diagnose(response, _standalone_profile("https://h"))  # type: ignore[arg-type]
    assert err is not None and expected in err.message and err.hint


async def test_plain_text_2xx_is_fine() -> None:
    response = await _serve_once(b"just text", "text/plain")
    assert diagnose(response, _standalone_profile("https://h")) is None  # type: ignore[arg-type]


async def test_bad_key_file_during_send(demo: Demo, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    async with open_connection(variant(demo, "demo-qseow", key=str(bad))) as conn:
        with pytest.raises(KeyFileError) as info:
            await conn.send(ABOUT)
    assert str(bad) in info.value.message and info.value.hint and info.value.exit_code == 3
    assert demo.qseow.stats.requests == 0  # nothing was sent without a signed token


async def test_size_cap_stops_big_answers(demo: Demo) -> None:
    from qlik_tui.core.errors import BodyTooLarge

    demo.qseow.faults.huge_apps = 2000  # about 3 MB
    async with open_connection(profile(demo, "demo-qseow")) as conn:
        conn.max_body = 1024 * 1024
        with pytest.raises(BodyTooLarge) as info:
            await conn.send(Request.build("GET", "/qrs/app/full"))
        assert info.value.size is not None and info.value.size > 1024 * 1024 and "cap" in info.value.message
        conn.max_body = None  # the user said go on
        response = await conn.send(Request.build("GET", "/qrs/app/full"))
    assert response.ok and len(response.json()) == 2000
